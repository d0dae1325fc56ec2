-- =====================================================================
-- 203_create_customers.sql
-- purpose:     customers as they are now (the latest delivered version), plus the
--              history of every version delivered, which the warehouse turns into
--              SCD Type 2 versions
-- target:      production.customers, production.customers_history
-- grain:       customers: one row per customer_id;
--              customers_history: one row per customer_id per batch that changed it
-- reads:       production.cities
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS production.customers (
    customer_id text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text NOT NULL,
    phone text,
    registration_date date NOT NULL,
    city_id integer,
    age_group text,
    last_batch_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_pkey PRIMARY KEY (customer_id),
    -- DEFERRABLE: checked at the end of each statement, so two customers may swap emails in one batch
    CONSTRAINT customers_email_key UNIQUE (email) DEFERRABLE,
    CONSTRAINT customers_city_id_fkey FOREIGN KEY (city_id) REFERENCES production.cities (city_id),
    CONSTRAINT customers_email_check CHECK (email = lower(email) AND email LIKE '%_@_%')
);

SELECT pipeline.distribute('production.customers');

CREATE INDEX IF NOT EXISTS customers_last_batch_id_idx ON production.customers (last_batch_id);

COMMENT ON TABLE production.customers IS 'Customers, cleaned and de-duplicated; holds the latest delivered version of each.';
COMMENT ON COLUMN production.customers.customer_id IS 'Natural key from the source, e.g. C0000001.';
COMMENT ON COLUMN production.customers.first_name IS 'First name, trimmed and proper-cased.';
COMMENT ON COLUMN production.customers.last_name IS 'Last name, trimmed and proper-cased.';
COMMENT ON COLUMN production.customers.email IS 'Email address, trimmed and lower-cased; unique among customers.';
COMMENT ON COLUMN production.customers.phone IS 'Phone number, digits only (leading + kept).';
COMMENT ON COLUMN production.customers.registration_date IS 'Date the customer registered.';
COMMENT ON COLUMN production.customers.city_id IS 'City the customer lives in (state and country follow from it).';
COMMENT ON COLUMN production.customers.age_group IS 'Age band, e.g. 25-34.';
COMMENT ON COLUMN production.customers.last_batch_id IS 'Batch that inserted or last changed the row.';
COMMENT ON COLUMN production.customers.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.customers.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.customers_history (
    customer_id text NOT NULL,
    batch_id text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text NOT NULL,
    phone text,
    registration_date date NOT NULL,
    city_id integer,
    age_group text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_history_pkey PRIMARY KEY (customer_id, batch_id),
    CONSTRAINT customers_history_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES production.customers (customer_id),
    CONSTRAINT customers_history_city_id_fkey FOREIGN KEY (city_id) REFERENCES production.cities (city_id)
);

SELECT pipeline.distribute('production.customers_history');

CREATE INDEX IF NOT EXISTS customers_history_batch_id_idx ON production.customers_history (batch_id);

COMMENT ON TABLE production.customers_history IS 'Every version of a customer as delivered, one row per batch that inserted or changed it.';
COMMENT ON COLUMN production.customers_history.customer_id IS 'Natural key of the customer.';
COMMENT ON COLUMN production.customers_history.batch_id IS 'Batch that delivered this version.';
COMMENT ON COLUMN production.customers_history.first_name IS 'First name in this version.';
COMMENT ON COLUMN production.customers_history.last_name IS 'Last name in this version.';
COMMENT ON COLUMN production.customers_history.email IS 'Email in this version.';
COMMENT ON COLUMN production.customers_history.phone IS 'Phone in this version.';
COMMENT ON COLUMN production.customers_history.registration_date IS 'Registration date in this version.';
COMMENT ON COLUMN production.customers_history.city_id IS 'City in this version.';
COMMENT ON COLUMN production.customers_history.age_group IS 'Age band in this version.';
COMMENT ON COLUMN production.customers_history.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.customers_history.updated_at IS 'When the row last changed.';
