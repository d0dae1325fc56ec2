-- =====================================================================
-- 239_load_transaction_items_cleaned.sql
-- purpose:     trim and cast every staged item value once, together with the items
--              of earlier batches still waiting for their transaction; 240 applies
--              the rules to this table
-- target:      staging.transaction_items_cleaned
-- grain:       one row per staged or waiting item row
-- reads:       staging.transaction_items, staging.transaction_items_waiting
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
-- A step of its own, like 230_load_transactions_cleaned.sql (see there): the cleaning
-- runs on parallel workers, and 240 reads each value once.
DROP TABLE IF EXISTS staging.transaction_items_cleaned;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

CREATE UNLOGGED TABLE staging.transaction_items_cleaned AS
SELECT
    s.batch_id,
    s.line_number,
    pipeline.trim_to_null(s.item_id) AS item_id,
    pipeline.trim_to_null(s.transaction_id) AS transaction_id,
    pipeline.trim_to_null(s.product_id) AS product_id,
    pipeline.trim_to_null(s.quantity) AS quantity_raw,
    pipeline.to_integer_or_null(s.quantity) AS quantity,
    pipeline.trim_to_null(s.unit_price) AS unit_price_raw,
    pipeline.to_money_or_null(s.unit_price) AS unit_price,
    pipeline.trim_to_null(s.discount_percentage) AS discount_percentage_raw,
    -- an empty discount is no discount
    CASE
        WHEN pipeline.trim_to_null(s.discount_percentage) IS NULL THEN 0
        ELSE pipeline.to_money_or_null(s.discount_percentage)
    END AS discount_percentage,
    pipeline.trim_to_null(s.line_total) AS line_total_raw,
    pipeline.to_money_or_null(s.line_total) AS line_total
FROM (
    SELECT
        current_setting('pipeline.batch_id') AS batch_id,
        i.line_number,
        i.item_id,
        i.transaction_id,
        i.product_id,
        i.quantity,
        i.unit_price,
        i.discount_percentage,
        i.line_total
    FROM staging.transaction_items AS i
    UNION ALL
    SELECT
        w.batch_id,
        w.line_number,
        w.item_id,
        w.transaction_id,
        w.product_id,
        w.quantity,
        w.unit_price,
        w.discount_percentage,
        w.line_total
    FROM staging.transaction_items_waiting AS w
) AS s;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;

ANALYZE staging.transaction_items_cleaned;
