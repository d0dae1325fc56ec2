-- =====================================================================
-- 302_create_dim_products.sql
-- purpose:     the product dimension, SCD Type 2 on price, cost, category,
--              sub-category and brand
-- target:      warehouse.dim_products
-- grain:       one row per product_id per version
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS warehouse.dim_products (
    product_key bigint NOT NULL,
    product_id text NOT NULL,
    product_name text NOT NULL,
    category text NOT NULL,
    sub_category text NOT NULL,
    brand text,
    supplier_id text,
    price numeric(12, 2) NOT NULL,
    cost numeric(12, 2) NOT NULL,
    valid_from date NOT NULL,
    valid_to date NOT NULL,
    is_current boolean NOT NULL,
    batch_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dim_products_pkey PRIMARY KEY (product_key),
    CONSTRAINT dim_products_product_id_valid_from_key UNIQUE (product_id, valid_from),
    CONSTRAINT dim_products_valid_check CHECK (valid_from < valid_to)
);

SELECT pipeline.distribute('warehouse.dim_products');

CREATE UNIQUE INDEX IF NOT EXISTS dim_products_current_idx
ON warehouse.dim_products (product_id) WHERE is_current;

COMMENT ON TABLE warehouse.dim_products IS 'Products, SCD Type 2: a new version whenever price, cost, category, sub-category or brand changes.';
COMMENT ON COLUMN warehouse.dim_products.product_key IS 'Surrogate key of this version, in the order versions were created (batch, then product_id).';
COMMENT ON COLUMN warehouse.dim_products.product_id IS 'Natural key of the product (same for all versions).';
COMMENT ON COLUMN warehouse.dim_products.product_name IS 'Product name (type 1: latest value on every version).';
COMMENT ON COLUMN warehouse.dim_products.category IS 'Category in this version.';
COMMENT ON COLUMN warehouse.dim_products.sub_category IS 'Sub-category in this version.';
COMMENT ON COLUMN warehouse.dim_products.brand IS 'Brand in this version.';
COMMENT ON COLUMN warehouse.dim_products.supplier_id IS 'Supplier (type 1).';
COMMENT ON COLUMN warehouse.dim_products.price IS 'List price in this version, currency units.';
COMMENT ON COLUMN warehouse.dim_products.cost IS 'Unit cost in this version, currency units; fact cost uses it.';
COMMENT ON COLUMN warehouse.dim_products.valid_from IS 'First day this version is valid (1900-01-01 for the first version).';
COMMENT ON COLUMN warehouse.dim_products.valid_to IS 'First day this version is no longer valid (9999-12-31 while current); intervals are half-open.';
COMMENT ON COLUMN warehouse.dim_products.is_current IS 'True for the open version.';
COMMENT ON COLUMN warehouse.dim_products.batch_id IS 'Batch that created this version.';
COMMENT ON COLUMN warehouse.dim_products.created_at IS 'When the row was created.';
COMMENT ON COLUMN warehouse.dim_products.updated_at IS 'When the row last changed.';
