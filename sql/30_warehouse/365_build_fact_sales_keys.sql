-- =====================================================================
-- 365_build_fact_sales_keys.sql
-- purpose:     the primary key of fact_sales, its foreign keys to every dimension
--              (BI tools read the relationships from them) and the indexes for date,
--              customer and batch lookups. A first load drops them before its writes
--              (360) and they are built here again in one pass each, in the same
--              transaction. Then fresh planner statistics.
-- target:      warehouse.fact_sales
-- grain:       one constraint or index per statement
-- reads:       warehouse.dim_date, warehouse.dim_customers, warehouse.dim_products,
--              warehouse.dim_payment_methods
-- rerunnable:  yes (only what is missing is added)
-- =====================================================================
-- One constraint per ALTER TABLE (Citus takes no other form), each only when missing
-- (ALTER TABLE locks the table even when it has nothing to do, and BI tools read it).
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'warehouse'::regnamespace AND conname = 'fact_sales_pkey'
    ) THEN
{%- if citus %}
        ALTER TABLE warehouse.fact_sales ADD CONSTRAINT fact_sales_pkey PRIMARY KEY (transaction_id, item_id);
{%- else %}
        ALTER TABLE warehouse.fact_sales ADD CONSTRAINT fact_sales_pkey PRIMARY KEY (item_id);
{%- endif %}
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'warehouse'::regnamespace AND conname = 'fact_sales_date_key_fkey'
    ) THEN
        ALTER TABLE warehouse.fact_sales
        ADD CONSTRAINT fact_sales_date_key_fkey FOREIGN KEY (date_key) REFERENCES warehouse.dim_date (date_key);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'warehouse'::regnamespace AND conname = 'fact_sales_customer_key_fkey'
    ) THEN
        ALTER TABLE warehouse.fact_sales
        ADD CONSTRAINT fact_sales_customer_key_fkey
        FOREIGN KEY (customer_key) REFERENCES warehouse.dim_customers (customer_key);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'warehouse'::regnamespace AND conname = 'fact_sales_product_key_fkey'
    ) THEN
        ALTER TABLE warehouse.fact_sales
        ADD CONSTRAINT fact_sales_product_key_fkey
        FOREIGN KEY (product_key) REFERENCES warehouse.dim_products (product_key);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'warehouse'::regnamespace AND conname = 'fact_sales_payment_method_key_fkey'
    ) THEN
        ALTER TABLE warehouse.fact_sales
        ADD CONSTRAINT fact_sales_payment_method_key_fkey
        FOREIGN KEY (payment_method_key) REFERENCES warehouse.dim_payment_methods (payment_method_key);
    END IF;
END
$$;

-- date_key: the days 370 recomputes, and BI date filters; (customer_key, date_key): a
-- customer's first order (warehouse.customer_first_orders); batch_id: the quality checks'
-- scope on a daily run.
CREATE INDEX IF NOT EXISTS fact_sales_date_key_idx ON warehouse.fact_sales (date_key);
CREATE INDEX IF NOT EXISTS fact_sales_customer_key_date_key_idx ON warehouse.fact_sales (customer_key, date_key);
CREATE INDEX IF NOT EXISTS fact_sales_batch_id_idx ON warehouse.fact_sales (batch_id);
{%- if citus %}
-- a fact by its item_id wherever it is (350's lookup of the facts of changed lines)
CREATE INDEX IF NOT EXISTS fact_sales_item_id_idx ON warehouse.fact_sales (item_id);
{%- endif %}

SELECT pipeline.analyze_if_changed('warehouse.fact_sales');
