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
-- FREEZE writes the rows frozen, as the table was emptied in this transaction: the first
-- reader after the commit (the production stage) has no hint bits to set, and with data
-- checksums (the default since PostgreSQL 18) each page it would hint costs a full page
-- image in the WAL: 172 -> 20 MB of WAL for the production stage at scale 40. Staging is
-- read by no one else, so rows visible to older snapshots do no harm here.
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
WITH (FORMAT csv, HEADER MATCH, FREEZE);

-- Only when a quoted value spans lines: number the rows as an editor shows the lines.
SELECT pipeline.number_lines_as_in_editor('staging.customers', 'customers.csv');

ANALYZE staging.customers;
