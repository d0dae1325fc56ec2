-- =====================================================================
-- 228_merge_products.sql
-- purpose:     insert new products and overwrite changed ones with the version
--              this batch delivered (production holds the latest truth)
-- target:      production.products
-- grain:       one row per product_id
-- reads:       staging.products_checked, production.categories,
--              production.sub_categories, production.brands
-- rerunnable:  yes (upsert on product_id)
-- =====================================================================
-- Foreign keys proved after a first load's insert, not row by row (see 218).
SELECT pipeline.defer_foreign_keys('production.products');

-- INSERT ... ON CONFLICT DO UPDATE, like every merge into a small table (see
-- 218_merge_customers.sql).
INSERT INTO production.products (
    product_id, product_name, sub_category_id, brand_id, supplier_id, price, cost,
    stock_quantity, last_batch_id, created_at, updated_at
)
SELECT
    c.product_id,
    c.product_name,
    sc.sub_category_id,
    b.brand_id,
    c.supplier_id,
    c.price,
    c.cost,
    c.stock_quantity,
    c.batch_id,
    now(),
    now()
FROM staging.products_checked AS c
INNER JOIN production.categories AS ca ON c.category = ca.category_name
INNER JOIN production.sub_categories AS sc
    ON ca.category_id = sc.category_id AND c.sub_category = sc.sub_category_name
LEFT JOIN production.brands AS b ON c.brand = b.brand_name
WHERE c.outcome IN ('inserted', 'updated')
ON CONFLICT ON CONSTRAINT products_pkey DO UPDATE SET
    product_name = excluded.product_name,
    sub_category_id = excluded.sub_category_id,
    brand_id = excluded.brand_id,
    supplier_id = excluded.supplier_id,
    price = excluded.price,
    cost = excluded.cost,
    stock_quantity = excluded.stock_quantity,
    last_batch_id = excluded.last_batch_id,
    updated_at = excluded.updated_at;

SELECT pipeline.restore_foreign_keys('production.products');

-- Planner statistics before the stage's next statements join this table: after a first
-- load it has none, and the planner guesses (060_create_bulk_load_functions.sql).
SELECT pipeline.analyze_if_changed('production.products');
