-- =====================================================================
-- 905_check_one_row_per_item.sql
-- purpose:     item_id identifies an order line: production and fact_sales hold at
--              most one row per item_id. On one PostgreSQL server their primary keys
--              on item_id say so, and this checks the keys are in place (a load into
--              empty tables drops and rebuilds them); on Citus the keys hold
--              transaction_id too, and this counts the rows of each line in scope.
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per table, and item_id found more than once
-- reads:       {% if citus %}pipeline.check_scope_start(), production.transaction_items, warehouse.fact_sales
--              {%- else %}pg_catalog.pg_index, pg_catalog.pg_attribute{% endif %}
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
{%- if citus %}
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
{%- else %}
SELECT
    k.table_name,
    NULL::text AS item_id,
    0 AS rows_found
FROM (VALUES ('production.transaction_items'), ('warehouse.fact_sales')) AS k (table_name)
WHERE
    NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_index AS i
        INNER JOIN pg_catalog.pg_attribute AS a ON i.indrelid = a.attrelid AND i.indkey[0] = a.attnum
        WHERE
            i.indrelid = k.table_name::regclass
            AND i.indisprimary
            AND i.indnatts = 1
            AND a.attname = 'item_id'
    )
ORDER BY k.table_name;
{%- endif %}
