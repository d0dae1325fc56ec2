-- =====================================================================
-- 201_create_product_taxonomy.sql
-- purpose:     the lookup tables products reference: category > sub-category,
--              brand, supplier
-- target:      production.categories, production.sub_categories, production.brands,
--              production.suppliers
-- grain:       one row per category / sub-category within a category / brand / supplier
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS production.categories (
    category_id integer NOT NULL,
    category_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT categories_pkey PRIMARY KEY (category_id),
    CONSTRAINT categories_category_name_key UNIQUE (category_name)
);

SELECT pipeline.distribute('production.categories');

COMMENT ON TABLE production.categories IS 'Product categories, one spelling each (trimmed, proper-cased).';
COMMENT ON COLUMN production.categories.category_id IS 'Surrogate id of the category.';
COMMENT ON COLUMN production.categories.category_name IS 'Category name, e.g. Electronics.';
COMMENT ON COLUMN production.categories.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.categories.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.sub_categories (
    sub_category_id integer NOT NULL,
    category_id integer NOT NULL,
    sub_category_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sub_categories_pkey PRIMARY KEY (sub_category_id),
    CONSTRAINT sub_categories_category_id_sub_category_name_key UNIQUE (category_id, sub_category_name),
    CONSTRAINT sub_categories_category_id_fkey FOREIGN KEY (category_id) REFERENCES production.categories (category_id)
);

SELECT pipeline.distribute('production.sub_categories');

COMMENT ON TABLE production.sub_categories IS 'Sub-categories, each within one category.';
COMMENT ON COLUMN production.sub_categories.sub_category_id IS 'Surrogate id of the sub-category.';
COMMENT ON COLUMN production.sub_categories.category_id IS 'Category the sub-category belongs to.';
COMMENT ON COLUMN production.sub_categories.sub_category_name IS 'Sub-category name, e.g. Laptops.';
COMMENT ON COLUMN production.sub_categories.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.sub_categories.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.brands (
    brand_id integer NOT NULL,
    brand_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT brands_pkey PRIMARY KEY (brand_id),
    CONSTRAINT brands_brand_name_key UNIQUE (brand_name)
);

SELECT pipeline.distribute('production.brands');

COMMENT ON TABLE production.brands IS 'Product brands, as spelled by the source (trimmed).';
COMMENT ON COLUMN production.brands.brand_id IS 'Surrogate id of the brand.';
COMMENT ON COLUMN production.brands.brand_name IS 'Brand name.';
COMMENT ON COLUMN production.brands.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.brands.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.suppliers (
    supplier_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT suppliers_pkey PRIMARY KEY (supplier_id)
);

SELECT pipeline.distribute('production.suppliers');

COMMENT ON TABLE production.suppliers IS 'Suppliers referenced by products (the feed carries their id only).';
COMMENT ON COLUMN production.suppliers.supplier_id IS 'Supplier id as delivered, e.g. S001.';
COMMENT ON COLUMN production.suppliers.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.suppliers.updated_at IS 'When the row last changed.';
