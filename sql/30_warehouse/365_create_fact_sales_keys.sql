-- =====================================================================
-- 365_create_fact_sales_keys.sql
-- purpose:     the foreign keys from fact_sales to every dimension (BI tools read
--              the relationships from them) and the indexes for date, customer,
--              product and order lookups. A first load or full refresh drops them
--              before its merge (360) and they are built here again in one pass
--              each, in the same transaction. Then fresh planner statistics.
-- target:      warehouse.fact_sales
-- grain:       one constraint or index per statement
-- reads:       warehouse.dim_date, warehouse.dim_customers, warehouse.dim_products,
--              warehouse.dim_payment_methods
-- rerunnable:  yes (only what is missing is added)
-- =====================================================================
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_constraint
        WHERE conrelid = 'warehouse.fact_sales'::regclass AND contype = 'f'
    ) THEN
        ALTER TABLE warehouse.fact_sales
            ADD CONSTRAINT fact_sales_date_key_fkey FOREIGN KEY (date_key) REFERENCES warehouse.dim_date (date_key),
            ADD CONSTRAINT fact_sales_customer_key_fkey FOREIGN KEY (customer_key) REFERENCES warehouse.dim_customers (customer_key),
            ADD CONSTRAINT fact_sales_product_key_fkey FOREIGN KEY (product_key) REFERENCES warehouse.dim_products (product_key),
            ADD CONSTRAINT fact_sales_payment_method_key_fkey FOREIGN KEY (payment_method_key) REFERENCES warehouse.dim_payment_methods (payment_method_key);
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS fact_sales_date_key_idx ON warehouse.fact_sales (date_key);
-- (customer_key, date_key): a customer version's first sale is one index probe (370).
CREATE INDEX IF NOT EXISTS fact_sales_customer_key_date_key_idx ON warehouse.fact_sales (customer_key, date_key);
CREATE INDEX IF NOT EXISTS fact_sales_product_key_idx ON warehouse.fact_sales (product_key);
CREATE INDEX IF NOT EXISTS fact_sales_transaction_id_idx ON warehouse.fact_sales (transaction_id);
CREATE INDEX IF NOT EXISTS fact_sales_batch_id_idx ON warehouse.fact_sales (batch_id);

SELECT pipeline.analyze_if_changed('warehouse.fact_sales');
