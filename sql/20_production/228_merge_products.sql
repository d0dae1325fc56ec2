-- =====================================================================
-- 228_merge_products.sql
-- purpose:     insert new products and overwrite changed ones with the version
--              this batch delivered (production holds the latest truth)
-- target:      production.products
-- grain:       one row per product_id
-- reads:       staging.products_checked, production.categories,
--              production.sub_categories, production.brands
-- rerunnable:  yes (MERGE on product_id)
-- =====================================================================
-- MERGE, not INSERT ... ON CONFLICT, like every entity merge: one join of the batch to
-- the table instead of a speculative insertion per row.
MERGE INTO production.products AS p
USING (
    SELECT
        c.product_id,
        c.product_name,
        sc.sub_category_id,
        b.brand_id,
        c.supplier_id,
        c.price,
        c.cost,
        c.stock_quantity,
        c.source_hash
    FROM staging.products_checked AS c
    INNER JOIN production.categories AS ca ON c.category = ca.category_name
    INNER JOIN production.sub_categories AS sc
        ON ca.category_id = sc.category_id AND c.sub_category = sc.sub_category_name
    LEFT JOIN production.brands AS b ON c.brand = b.brand_name
    WHERE c.outcome IN ('inserted', 'updated')
) AS s
    ON p.product_id = s.product_id
WHEN MATCHED THEN
    UPDATE
        SET
            product_name = s.product_name,
            sub_category_id = s.sub_category_id,
            brand_id = s.brand_id,
            supplier_id = s.supplier_id,
            price = s.price,
            cost = s.cost,
            stock_quantity = s.stock_quantity,
            source_hash = s.source_hash,
            last_batch_id = current_setting('pipeline.batch_id'),
            updated_at = now()
WHEN NOT MATCHED THEN INSERT (
    product_id, product_name, sub_category_id, brand_id, supplier_id, price, cost,
    stock_quantity, source_hash, last_batch_id
) VALUES (
    s.product_id, s.product_name, s.sub_category_id, s.brand_id, s.supplier_id,
    s.price, s.cost, s.stock_quantity, s.source_hash,
    current_setting('pipeline.batch_id')
);
