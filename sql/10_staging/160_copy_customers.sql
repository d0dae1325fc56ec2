-- =====================================================================
-- 160_copy_customers.sql
-- purpose:     load data/raw/<batch>/customers.csv into staging with COPY; the header
--              must match the column list exactly (HEADER MATCH names the column
--              that differs). The orchestrator streams the file as STDIN, hashing and
--              counting its lines on the way; `render` prints this as a psql \copy line.
-- target:      staging.customers
-- grain:       one row per record of the file
-- reads:       data/raw/<batch>/customers.csv
-- rerunnable:  yes (truncates first; identity restarts so line numbers start at 2)
-- =====================================================================
TRUNCATE staging.customers RESTART IDENTITY;

COPY staging.customers (
    customer_id,
    first_name,
    last_name,
    email,
    phone,
    registration_date,
    city,
    state,
    country,
    age_group
)
FROM STDIN
WITH (FORMAT csv, HEADER MATCH);

-- Only when a quoted value spans lines: number the rows as an editor shows the lines.
SELECT pipeline.number_lines_as_in_editor('staging.customers', 'customers.csv');

ANALYZE staging.customers;
