-- =====================================================================
-- 170_copy_products.sql
-- purpose:     load data/raw/<batch>/products.csv into staging with COPY; the header
--              must match the column list exactly (HEADER MATCH names the column
--              that differs). The orchestrator streams the file as STDIN, hashing and
--              counting its lines on the way; `render` prints this as a psql \copy line.
-- target:      staging.products
-- grain:       one row per record of the file
-- reads:       data/raw/<batch>/products.csv
-- rerunnable:  yes (truncates first; identity restarts so line numbers start at 2)
-- =====================================================================
-- FREEZE: see 160_copy_customers.sql.
TRUNCATE staging.products RESTART IDENTITY;

COPY staging.products (
    product_id,
    product_name,
    category,
    sub_category,
    price,
    cost,
    brand,
    stock_quantity,
    supplier_id
)
FROM STDIN
WITH (FORMAT csv, HEADER MATCH, FREEZE);

-- Only when a quoted value spans lines: number the rows as an editor shows the lines.
SELECT pipeline.number_lines_as_in_editor('staging.products', 'products.csv');

ANALYZE staging.products;
