-- =====================================================================
-- 100_create_customers.sql
-- purpose:     staging table for customers.csv: every column as text, as delivered,
--              plus the load metadata that lets a rejected row be traced to its line
-- target:      staging.customers
-- grain:       one row per data line of customers.csv in the batch being loaded
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS staging.customers (
    customer_id text,
    first_name text,
    last_name text,
    email text,
    phone text,
    registration_date text,
    city text,
    state text,
    country text,
    age_group text,
    batch_id text NOT NULL DEFAULT current_setting('pipeline.batch_id'),
    source_file text NOT NULL DEFAULT 'customers.csv',
    line_number bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
    loaded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE staging.customers IS 'Raw rows of customers.csv exactly as delivered (all text); truncated for each batch.';
COMMENT ON COLUMN staging.customers.customer_id IS 'Raw text of column customer_id.';
COMMENT ON COLUMN staging.customers.first_name IS 'Raw text of column first_name.';
COMMENT ON COLUMN staging.customers.last_name IS 'Raw text of column last_name.';
COMMENT ON COLUMN staging.customers.email IS 'Raw text of column email.';
COMMENT ON COLUMN staging.customers.phone IS 'Raw text of column phone.';
COMMENT ON COLUMN staging.customers.registration_date IS 'Raw text of column registration_date.';
COMMENT ON COLUMN staging.customers.city IS 'Raw text of column city.';
COMMENT ON COLUMN staging.customers.state IS 'Raw text of column state.';
COMMENT ON COLUMN staging.customers.country IS 'Raw text of column country.';
COMMENT ON COLUMN staging.customers.age_group IS 'Raw text of column age_group.';
COMMENT ON COLUMN staging.customers.batch_id IS 'Batch (as-of date folder) the row came from.';
COMMENT ON COLUMN staging.customers.source_file IS 'File the row came from.';
COMMENT ON COLUMN staging.customers.line_number IS 'Line of the row in its file; the header is line 1.';
COMMENT ON COLUMN staging.customers.loaded_at IS 'When the row was copied in.';
