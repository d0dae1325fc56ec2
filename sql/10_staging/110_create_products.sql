-- =====================================================================
-- 110_create_products.sql
-- purpose:     staging table for products.csv: every column as text, as delivered,
--              plus the load metadata that lets a rejected row be traced to its line
-- target:      staging.products
-- grain:       one row per data line of products.csv in the batch being loaded
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS staging.products (
    product_id text,
    product_name text,
    category text,
    sub_category text,
    price text,
    cost text,
    brand text,
    stock_quantity text,
    supplier_id text,
    batch_id text NOT NULL DEFAULT current_setting('pipeline.batch_id'),
    source_file text NOT NULL DEFAULT 'products.csv',
    line_number bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
    loaded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE staging.products IS 'Raw rows of products.csv exactly as delivered (all text); truncated for each batch.';
COMMENT ON COLUMN staging.products.product_id IS 'Raw text of column product_id.';
COMMENT ON COLUMN staging.products.product_name IS 'Raw text of column product_name.';
COMMENT ON COLUMN staging.products.category IS 'Raw text of column category.';
COMMENT ON COLUMN staging.products.sub_category IS 'Raw text of column sub_category.';
COMMENT ON COLUMN staging.products.price IS 'Raw text of column price.';
COMMENT ON COLUMN staging.products.cost IS 'Raw text of column cost.';
COMMENT ON COLUMN staging.products.brand IS 'Raw text of column brand.';
COMMENT ON COLUMN staging.products.stock_quantity IS 'Raw text of column stock_quantity.';
COMMENT ON COLUMN staging.products.supplier_id IS 'Raw text of column supplier_id.';
COMMENT ON COLUMN staging.products.batch_id IS 'Batch (as-of date folder) the row came from.';
COMMENT ON COLUMN staging.products.source_file IS 'File the row came from.';
COMMENT ON COLUMN staging.products.line_number IS 'Line of the row in its file; the header is line 1.';
COMMENT ON COLUMN staging.products.loaded_at IS 'When the row was copied in.';
