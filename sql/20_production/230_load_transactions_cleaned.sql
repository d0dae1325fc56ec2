-- =====================================================================
-- 230_load_transactions_cleaned.sql
-- purpose:     trim and cast every staged transaction value once, together with the
--              transactions of earlier batches still waiting for their customer;
--              231 applies the rules to this table
-- target:      staging.transactions_cleaned
-- grain:       one row per staged or waiting transactions row
-- reads:       staging.transactions, staging.transactions_waiting
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
-- A step of its own, not a CTE of 231: PostgreSQL shares a CREATE TABLE AS between
-- parallel workers, and 231 then reads each value once however often its rules do. The
-- planner counts the cleaning expressions as cheap and would use one core: the two costs
-- below let it use the workers (RESET puts back the session's values).
DROP TABLE IF EXISTS staging.transactions_cleaned;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

CREATE UNLOGGED TABLE staging.transactions_cleaned AS
SELECT
    s.batch_id,
    s.line_number,
    pipeline.trim_to_null(s.transaction_id) AS transaction_id,
    pipeline.trim_to_null(s.customer_id) AS customer_id,
    pipeline.trim_to_null(s.transaction_date) AS transaction_date_raw,
    pipeline.to_date_or_null(s.transaction_date) AS transaction_date,
    pipeline.trim_to_null(s.transaction_time) AS transaction_time_raw,
    pipeline.to_time_or_null(s.transaction_time) AS transaction_time,
    pipeline.clean_text(s.payment_method) AS payment_method,
    pipeline.clean_text(s.shipping_address) AS shipping_address,
    pipeline.trim_to_null(s.total_amount) AS total_amount_raw,
    pipeline.to_money_or_null(s.total_amount) AS total_amount
FROM (
    SELECT
        current_setting('pipeline.batch_id') AS batch_id,
        t.line_number,
        t.transaction_id,
        t.customer_id,
        t.transaction_date,
        t.transaction_time,
        t.payment_method,
        t.shipping_address,
        t.total_amount
    FROM staging.transactions AS t
    UNION ALL
    SELECT
        w.batch_id,
        w.line_number,
        w.transaction_id,
        w.customer_id,
        w.transaction_date,
        w.transaction_time,
        w.payment_method,
        w.shipping_address,
        w.total_amount
    FROM staging.transactions_waiting AS w
) AS s;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;

ANALYZE staging.transactions_cleaned;
