-- =====================================================================
-- 229_merge_products_history.sql
-- purpose:     record the version of every product this batch inserted or changed;
--              the warehouse builds its SCD Type 2 versions from this history
-- target:      production.products_history
-- grain:       one row per product_id per batch that changed it
-- reads:       production.products
-- rerunnable:  yes (upsert on product_id and batch)
-- =====================================================================
-- Foreign keys proved after a first load's insert, not row by row (see 218).
SELECT pipeline.defer_foreign_keys('production.products_history');

INSERT INTO production.products_history (
    product_id, batch_id, product_name, sub_category_id, brand_id, supplier_id,
    price, cost, stock_quantity, created_at, updated_at
)
SELECT
    p.product_id,
    p.last_batch_id,
    p.product_name,
    p.sub_category_id,
    p.brand_id,
    p.supplier_id,
    p.price,
    p.cost,
    p.stock_quantity,
    now(),
    now()
FROM production.products AS p
WHERE p.last_batch_id = current_setting('pipeline.batch_id')
ON CONFLICT ON CONSTRAINT products_history_pkey DO UPDATE SET
    product_name = excluded.product_name,
    sub_category_id = excluded.sub_category_id,
    brand_id = excluded.brand_id,
    supplier_id = excluded.supplier_id,
    price = excluded.price,
    cost = excluded.cost,
    stock_quantity = excluded.stock_quantity,
    updated_at = excluded.updated_at;

SELECT pipeline.restore_foreign_keys('production.products_history');

-- Planner statistics before the stage's next statements join this table: after a first
-- load it has none, and the planner guesses (060_create_bulk_load_functions.sql).
SELECT pipeline.analyze_if_changed('production.products_history');
