-- =====================================================================
-- 230_load_transactions_cleaned.sql
-- purpose:     trim and cast every staged transaction value once, next to the value
--              as it arrived; 231 applies the rules to this table
-- target:      staging.transactions_cleaned
-- grain:       one row per staged transactions row
-- reads:       staging.transactions
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transactions_cleaned;

-- A step of its own so that PostgreSQL can share the per-value work between parallel
-- workers, as 239_load_transaction_items_cleaned.sql does for the order lines (see there).
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

CREATE UNLOGGED TABLE staging.transactions_cleaned AS
SELECT
    s.batch_id,
    s.source_file,
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
FROM staging.transactions AS s;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
