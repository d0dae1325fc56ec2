-- =====================================================================
-- 301_create_dim_customers.sql
-- purpose:     the customer dimension, SCD Type 2 on the attributes that matter
--              for analysis (email, city, state, country, age group, segment)
-- target:      warehouse.dim_customers
-- grain:       one row per customer_id per version
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS warehouse.dim_customers (
    customer_key bigint NOT NULL,
    customer_id text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    full_name text NOT NULL,
    email text NOT NULL,
    phone text,
    registration_date date NOT NULL,
    city text,
    state text,
    country text,
    age_group text,
    customer_segment text NOT NULL,
    valid_from date NOT NULL,
    valid_to date NOT NULL,
    is_current boolean NOT NULL,
    batch_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dim_customers_pkey PRIMARY KEY (customer_key),
    CONSTRAINT dim_customers_customer_id_valid_from_key UNIQUE (customer_id, valid_from),
    CONSTRAINT dim_customers_valid_check CHECK (valid_from < valid_to)
);

SELECT pipeline.distribute('warehouse.dim_customers');

CREATE UNIQUE INDEX IF NOT EXISTS dim_customers_current_idx
ON warehouse.dim_customers (customer_id) WHERE is_current;

COMMENT ON TABLE warehouse.dim_customers IS 'Customers, SCD Type 2: a new version whenever email, city, state, country or age group changes. Join facts on customer_key; filter is_current for today''s view.';
COMMENT ON COLUMN warehouse.dim_customers.customer_key IS 'Surrogate key of this version, in the order versions were created (batch, then customer_id).';
COMMENT ON COLUMN warehouse.dim_customers.customer_id IS 'Natural key of the customer (same for all versions).';
COMMENT ON COLUMN warehouse.dim_customers.first_name IS 'First name (type 1: latest value on every version).';
COMMENT ON COLUMN warehouse.dim_customers.last_name IS 'Last name (type 1).';
COMMENT ON COLUMN warehouse.dim_customers.full_name IS 'First and last name (type 1).';
COMMENT ON COLUMN warehouse.dim_customers.email IS 'Email address in this version.';
COMMENT ON COLUMN warehouse.dim_customers.phone IS 'Phone, digits only (type 1).';
COMMENT ON COLUMN warehouse.dim_customers.registration_date IS 'Date the customer registered (type 1).';
COMMENT ON COLUMN warehouse.dim_customers.city IS 'City in this version.';
COMMENT ON COLUMN warehouse.dim_customers.state IS 'State in this version.';
COMMENT ON COLUMN warehouse.dim_customers.country IS 'Country in this version.';
COMMENT ON COLUMN warehouse.dim_customers.age_group IS 'Age band in this version, e.g. 25-34.';
COMMENT ON COLUMN warehouse.dim_customers.customer_segment IS 'Life-stage segment from the age band: Young Adults (18-34), Middle Age (35-54), Seniors (55+), Unknown.';
COMMENT ON COLUMN warehouse.dim_customers.valid_from IS 'First day this version is valid (1900-01-01 for the first version).';
COMMENT ON COLUMN warehouse.dim_customers.valid_to IS 'First day this version is no longer valid (9999-12-31 while current); intervals are half-open.';
COMMENT ON COLUMN warehouse.dim_customers.is_current IS 'True for the open version.';
COMMENT ON COLUMN warehouse.dim_customers.batch_id IS 'Batch that created this version.';
COMMENT ON COLUMN warehouse.dim_customers.created_at IS 'When the row was created.';
COMMENT ON COLUMN warehouse.dim_customers.updated_at IS 'When the row last changed.';
