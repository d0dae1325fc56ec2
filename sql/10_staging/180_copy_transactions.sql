-- =====================================================================
-- 180_copy_transactions.sql
-- purpose:     load data/raw/<batch>/transactions.csv into staging with COPY; the header
--              must match the column list exactly (HEADER MATCH names the column
--              that differs). The orchestrator streams the file as STDIN, hashing and
--              counting its lines on the way; `render` prints this as a psql \copy line.
-- target:      staging.transactions
-- grain:       one row per record of the file
-- reads:       data/raw/<batch>/transactions.csv
-- rerunnable:  yes (truncates first; identity restarts so line numbers start at 2)
-- =====================================================================
-- FREEZE: see 160_copy_customers.sql.
TRUNCATE staging.transactions RESTART IDENTITY;

COPY staging.transactions (
    transaction_id,
    customer_id,
    transaction_date,
    transaction_time,
    payment_method,
    shipping_address,
    total_amount
)
FROM STDIN
WITH (FORMAT csv, HEADER MATCH, FREEZE);

-- Only when a quoted value spans lines: number the rows as an editor shows the lines.
SELECT pipeline.number_lines_as_in_editor('staging.transactions', 'transactions.csv');

ANALYZE staging.transactions;
