-- =====================================================================
-- 204_create_products.sql
-- purpose:     products as they are now, plus the history of every version
--              delivered, which the warehouse turns into SCD Type 2 versions
-- target:      production.products, production.products_history
-- grain:       products: one row per product_id;
--              products_history: one row per product_id per batch that changed it
-- reads:       production.sub_categories, production.brands, production.suppliers
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS production.products (
    product_id text NOT NULL,
    product_name text NOT NULL,
    sub_category_id integer NOT NULL,
    brand_id integer,
    supplier_id text,
    price numeric(12, 2) NOT NULL,
    cost numeric(12, 2) NOT NULL,
    stock_quantity integer,
    last_batch_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_pkey PRIMARY KEY (product_id),
    CONSTRAINT products_sub_category_id_fkey FOREIGN KEY (sub_category_id) REFERENCES production.sub_categories (sub_category_id),
    CONSTRAINT products_brand_id_fkey FOREIGN KEY (brand_id) REFERENCES production.brands (brand_id),
    CONSTRAINT products_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES production.suppliers (supplier_id),
    CONSTRAINT products_price_check CHECK (price >= 0),
    CONSTRAINT products_cost_check CHECK (cost >= 0),
    CONSTRAINT products_stock_quantity_check CHECK (stock_quantity >= 0)
);

SELECT pipeline.distribute('production.products');

CREATE INDEX IF NOT EXISTS products_last_batch_id_idx ON production.products (last_batch_id);

COMMENT ON TABLE production.products IS 'Products, cleaned and de-duplicated; holds the latest delivered version of each.';
COMMENT ON COLUMN production.products.product_id IS 'Natural key from the source, e.g. P000001.';
COMMENT ON COLUMN production.products.product_name IS 'Product name, trimmed.';
COMMENT ON COLUMN production.products.sub_category_id IS 'Sub-category (and through it the category).';
COMMENT ON COLUMN production.products.brand_id IS 'Brand, if known.';
COMMENT ON COLUMN production.products.supplier_id IS 'Supplier, if known.';
COMMENT ON COLUMN production.products.price IS 'List price in currency units.';
COMMENT ON COLUMN production.products.cost IS 'Unit cost in currency units.';
COMMENT ON COLUMN production.products.stock_quantity IS 'Units in stock when delivered.';
COMMENT ON COLUMN production.products.last_batch_id IS 'Batch that inserted or last changed the row.';
COMMENT ON COLUMN production.products.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.products.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.products_history (
    product_id text NOT NULL,
    batch_id text NOT NULL,
    product_name text NOT NULL,
    sub_category_id integer NOT NULL,
    brand_id integer,
    supplier_id text,
    price numeric(12, 2) NOT NULL,
    cost numeric(12, 2) NOT NULL,
    stock_quantity integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_history_pkey PRIMARY KEY (product_id, batch_id),
    CONSTRAINT products_history_product_id_fkey FOREIGN KEY (product_id) REFERENCES production.products (product_id),
    CONSTRAINT products_history_sub_category_id_fkey FOREIGN KEY (sub_category_id) REFERENCES production.sub_categories (sub_category_id),
    CONSTRAINT products_history_brand_id_fkey FOREIGN KEY (brand_id) REFERENCES production.brands (brand_id)
);

SELECT pipeline.distribute('production.products_history');

CREATE INDEX IF NOT EXISTS products_history_batch_id_idx ON production.products_history (batch_id);

COMMENT ON TABLE production.products_history IS 'Every version of a product as delivered, one row per batch that inserted or changed it.';
COMMENT ON COLUMN production.products_history.product_id IS 'Natural key of the product.';
COMMENT ON COLUMN production.products_history.batch_id IS 'Batch that delivered this version.';
COMMENT ON COLUMN production.products_history.product_name IS 'Product name in this version.';
COMMENT ON COLUMN production.products_history.sub_category_id IS 'Sub-category in this version.';
COMMENT ON COLUMN production.products_history.brand_id IS 'Brand in this version.';
COMMENT ON COLUMN production.products_history.supplier_id IS 'Supplier in this version.';
COMMENT ON COLUMN production.products_history.price IS 'Price in this version.';
COMMENT ON COLUMN production.products_history.cost IS 'Cost in this version.';
COMMENT ON COLUMN production.products_history.stock_quantity IS 'Stock in this version.';
COMMENT ON COLUMN production.products_history.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.products_history.updated_at IS 'When the row last changed.';
