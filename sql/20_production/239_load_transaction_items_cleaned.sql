-- =====================================================================
-- 239_load_transaction_items_cleaned.sql
-- purpose:     trim and cast every staged item value once, next to the value as it
--              arrived, together with the items of earlier batches still waiting
--              for their transaction; 240 applies the rules to this table
-- target:      staging.transaction_items_cleaned
-- grain:       one row per staged or waiting item row
-- reads:       staging.transaction_items, staging.transaction_items_waiting
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transaction_items_cleaned;

-- A step of its own (like 230_load_transactions_cleaned.sql for the transactions) so that
-- PostgreSQL can share the per-value work between parallel workers (a materialised CTE
-- cannot). The planner counts the cleaning expressions as
-- cheap and would run them on one core: the two costs below let it use the workers
-- (scale 400: 59 s -> 33 s). RESET puts back the session's values. The customers and
-- products files are a few percent of the rows: their cleaning stays a CTE.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

CREATE UNLOGGED TABLE staging.transaction_items_cleaned AS
SELECT
    s.batch_id,
    s.source_file,
    s.line_number,
    pipeline.trim_to_null(s.item_id) AS item_id,
    pipeline.trim_to_null(s.transaction_id) AS transaction_id,
    pipeline.trim_to_null(s.product_id) AS product_id,
    pipeline.trim_to_null(s.quantity) AS quantity_raw,
    pipeline.to_integer_or_null(s.quantity) AS quantity,
    pipeline.trim_to_null(s.unit_price) AS unit_price_raw,
    pipeline.to_money_or_null(s.unit_price) AS unit_price,
    pipeline.trim_to_null(s.discount_percentage) AS discount_percentage_raw,
    coalesce(
        pipeline.to_money_or_null(s.discount_percentage),
        CASE WHEN pipeline.trim_to_null(s.discount_percentage) IS NULL THEN 0 END
    ) AS discount_percentage,
    pipeline.trim_to_null(s.line_total) AS line_total_raw,
    pipeline.to_money_or_null(s.line_total) AS line_total
FROM (
    SELECT
        i.item_id,
        i.transaction_id,
        i.product_id,
        i.quantity,
        i.unit_price,
        i.discount_percentage,
        i.line_total,
        i.batch_id,
        i.source_file,
        i.line_number
    FROM staging.transaction_items AS i
    UNION ALL
    SELECT
        w.item_id,
        w.transaction_id,
        w.product_id,
        w.quantity,
        w.unit_price,
        w.discount_percentage,
        w.line_total,
        w.batch_id,
        w.source_file,
        w.line_number
    FROM staging.transaction_items_waiting AS w
) AS s;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
