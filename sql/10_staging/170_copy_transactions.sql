-- =====================================================================
-- 170_copy_transactions.sql
-- purpose:     load data/raw/<batch>/transactions.csv into staging with COPY; the header
--              must match the column list exactly (HEADER MATCH names the column
--              that differs). The orchestrator streams the file as STDIN; `render`
--              prints this as a psql \copy line.
-- target:      staging.transactions
-- grain:       one row per data line of the file
-- reads:       data/raw/<batch>/transactions.csv
-- rerunnable:  yes (truncates first; identity restarts so line numbers start at 2)
-- =====================================================================
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
WITH (FORMAT csv, HEADER MATCH);

ANALYZE staging.transactions;
