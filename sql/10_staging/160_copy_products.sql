-- =====================================================================
-- 160_copy_products.sql
-- purpose:     load data/raw/<batch>/products.csv into staging with COPY; the header
--              must match the column list exactly (HEADER MATCH names the column
--              that differs). The orchestrator streams the file as STDIN; `render`
--              prints this as a psql \copy line.
-- target:      staging.products
-- grain:       one row per data line of the file
-- reads:       data/raw/<batch>/products.csv
-- rerunnable:  yes (truncates first; identity restarts so line numbers start at 2)
-- =====================================================================
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
WITH (FORMAT csv, HEADER MATCH);

ANALYZE staging.products;
