-- =====================================================================
-- 330_load_dim_products.sql
-- purpose:     SCD Type 2 upsert of the product versions this batch delivered:
--              close the current version of every product whose price, cost,
--              category, sub-category or brand changed, open a new version valid
--              from the batch date (from 1900-01-01 for a first version), and
--              overwrite the type 1 attributes (name, supplier) on all versions
-- target:      warehouse.dim_products
-- grain:       one row per product_id per version
-- reads:       production.product_versions
-- rerunnable:  yes (an unchanged version is recognised and left alone)
-- =====================================================================
UPDATE warehouse.dim_products AS d
SET
    valid_to = current_setting('pipeline.batch_id')::date,
    is_current = FALSE,
    updated_at = now()
FROM production.product_versions AS v
WHERE
    v.batch_id = current_setting('pipeline.batch_id')
    AND d.product_id = v.product_id
    AND d.is_current
    AND (d.price, d.cost, d.category, d.sub_category, d.brand)
    IS DISTINCT FROM (v.price, v.cost, v.category, v.sub_category, v.brand);

-- Keys: the largest in use plus the row number (see 320_load_dim_customers.sql).
INSERT INTO warehouse.dim_products (
    product_key, product_id, product_name, category, sub_category, brand, supplier_id, price, cost,
    valid_from, valid_to, is_current, batch_id
)
SELECT
    coalesce((SELECT max(k.product_key) FROM warehouse.dim_products AS k), 0)
    + row_number() OVER (ORDER BY v.product_id),
    v.product_id,
    v.product_name,
    v.category,
    v.sub_category,
    v.brand,
    v.supplier_id,
    v.price,
    v.cost,
    CASE
        WHEN
            EXISTS (
                SELECT 1 FROM warehouse.dim_products AS old
                WHERE old.product_id = v.product_id
            )
            THEN current_setting('pipeline.batch_id')::date
        ELSE date '1900-01-01'
    END,
    date '9999-12-31',
    TRUE,
    v.batch_id
FROM production.product_versions AS v
WHERE
    v.batch_id = current_setting('pipeline.batch_id')
    AND NOT EXISTS (
        SELECT 1 FROM warehouse.dim_products AS d
        WHERE d.product_id = v.product_id AND d.is_current
    );

UPDATE warehouse.dim_products AS d
SET
    product_name = v.product_name,
    supplier_id = v.supplier_id,
    updated_at = now()
FROM production.product_versions AS v
WHERE
    v.batch_id = current_setting('pipeline.batch_id')
    AND d.product_id = v.product_id
    AND (d.product_name, d.supplier_id) IS DISTINCT FROM (v.product_name, v.supplier_id);

-- Planner statistics before the stage's next statements join this table: after a first
-- load it has none, and the planner guesses (060_create_bulk_load_functions.sql).
SELECT pipeline.analyze_if_changed('warehouse.dim_products');
