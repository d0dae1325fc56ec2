-- =====================================================================
-- 905_check_one_row_per_item.sql
-- purpose:     item_id identifies an order line: production and fact_sales hold at
--              most one row per item_id (on one PostgreSQL server the primary keys
--              say so; on Citus the keys hold transaction_id too, and the merges
--              moving a line between transactions are what keep it true)
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per table and item_id found more than once
-- reads:       pipeline.check_scope_start(), production.transaction_items,
--              warehouse.fact_sales
-- scope:       the lines the batches from pipeline.check_scope_start() on wrote (all when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
SELECT
    'production.transaction_items' AS table_name,
    ti.item_id,
    count(*) AS rows_found
FROM production.transaction_items AS ti
WHERE
    ti.item_id IN (
        SELECT s.item_id
        FROM production.transaction_items AS s
        WHERE s.last_batch_id >= pipeline.check_scope_start()
    )
GROUP BY ti.item_id
HAVING count(*) > 1
UNION ALL
SELECT
    'warehouse.fact_sales',
    f.item_id,
    count(*)
FROM warehouse.fact_sales AS f
WHERE
    f.item_id IN (
        SELECT s.item_id
        FROM warehouse.fact_sales AS s
        WHERE s.batch_id >= pipeline.check_scope_start()
    )
GROUP BY f.item_id
HAVING count(*) > 1
ORDER BY table_name, item_id;
