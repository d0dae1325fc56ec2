-- =====================================================================
-- 207_create_product_versions.sql
-- purpose:     every delivered version of a product with its category, sub-category
--              and brand by name, the way the warehouse's SCD Type 2 dimension reads it
-- target:      production.product_versions
-- grain:       one row per product_id per batch that changed it
-- reads:       production.products_history, production.sub_categories,
--              production.categories, production.brands
-- rerunnable:  yes (CREATE OR REPLACE VIEW)
-- =====================================================================
CREATE OR REPLACE VIEW production.product_versions AS
SELECT
    h.product_id,
    h.batch_id,
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
LEFT JOIN production.brands AS b ON h.brand_id = b.brand_id;

COMMENT ON VIEW production.product_versions IS 'Every delivered version of a product, taxonomy and brand by name: what warehouse.dim_products is built from.';
COMMENT ON COLUMN production.product_versions.product_id IS 'Natural key of the product.';
COMMENT ON COLUMN production.product_versions.batch_id IS 'Batch that delivered this version.';
COMMENT ON COLUMN production.product_versions.product_name IS 'Product name in this version.';
COMMENT ON COLUMN production.product_versions.category IS 'Category in this version.';
COMMENT ON COLUMN production.product_versions.sub_category IS 'Sub-category in this version.';
COMMENT ON COLUMN production.product_versions.brand IS 'Brand in this version.';
COMMENT ON COLUMN production.product_versions.supplier_id IS 'Supplier in this version.';
COMMENT ON COLUMN production.product_versions.price IS 'Price in this version.';
COMMENT ON COLUMN production.product_versions.cost IS 'Cost in this version.';
