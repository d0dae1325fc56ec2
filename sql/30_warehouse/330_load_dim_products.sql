-- =====================================================================
-- 330_load_dim_products.sql
-- purpose:     SCD Type 2 upsert of the product versions this batch delivered:
--              close the current version of every product whose price, cost,
--              category, sub-category or brand changed, open a new version valid
--              from the batch date (from 1900-01-01 for a first version), and
--              overwrite the type 1 attributes (name, supplier) on all versions
-- target:      warehouse.dim_products
-- grain:       one row per product_id per version
-- reads:       production.products_history, production.sub_categories,
--              production.categories, production.brands
-- rerunnable:  yes (an unchanged version is detected by its hash and left alone)
-- =====================================================================
-- Dropped first: a full refresh runs this file once per batch in one transaction.
DROP TABLE IF EXISTS incoming_products;

CREATE TEMPORARY TABLE incoming_products ON COMMIT DROP AS
WITH delivered AS (
    SELECT
        h.product_id,
        h.product_name,
        ca.category_name AS category,
        sc.sub_category_name AS sub_category,
        b.brand_name AS brand,
        h.supplier_id,
        h.price,
        h.cost
    FROM production.products_history AS h
    INNER JOIN production.sub_categories AS sc ON h.sub_category_id = sc.sub_category_id
    INNER JOIN production.categories AS ca ON sc.category_id = ca.category_id
    LEFT JOIN production.brands AS b ON h.brand_id = b.brand_id
    WHERE h.batch_id = current_setting('pipeline.batch_id')
)

SELECT
    d.*,
    md5(row(d.price, d.cost, d.category, d.sub_category, d.brand)::text) AS attribute_hash
FROM delivered AS d;

UPDATE warehouse.dim_products AS d
SET
    valid_to = current_setting('pipeline.batch_id')::date,
    is_current = FALSE,
    updated_at = now()
FROM incoming_products AS i
WHERE
    d.product_id = i.product_id
    AND d.is_current
    AND d.attribute_hash != i.attribute_hash;

INSERT INTO warehouse.dim_products (
    product_id, product_name, category, sub_category, brand, supplier_id, price, cost,
    attribute_hash, valid_from, valid_to, is_current, batch_id
)
SELECT
    i.product_id,
    i.product_name,
    i.category,
    i.sub_category,
    i.brand,
    i.supplier_id,
    i.price,
    i.cost,
    i.attribute_hash,
    CASE
        WHEN
            EXISTS (
                SELECT FROM warehouse.dim_products AS old
                WHERE old.product_id = i.product_id
            )
            THEN current_setting('pipeline.batch_id')::date
        ELSE date '1900-01-01'
    END,
    date '9999-12-31',
    TRUE,
    current_setting('pipeline.batch_id')
FROM incoming_products AS i
WHERE
    NOT EXISTS (
        SELECT FROM warehouse.dim_products AS d
        WHERE d.product_id = i.product_id AND d.is_current
    )
ORDER BY i.product_id;

UPDATE warehouse.dim_products AS d
SET
    product_name = i.product_name,
    supplier_id = i.supplier_id,
    updated_at = now()
FROM incoming_products AS i
WHERE
    d.product_id = i.product_id
    AND (d.product_name, d.supplier_id) IS DISTINCT FROM (i.product_name, i.supplier_id);
