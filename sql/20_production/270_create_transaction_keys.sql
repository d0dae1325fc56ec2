-- =====================================================================
-- 270_create_transaction_keys.sql
-- purpose:     the foreign keys and join indexes of transactions and their lines.
--              Present from the first run on; a first load (empty tables) drops them
--              before its merge and they are built here again in one pass each, in
--              the same transaction (060_create_bulk_load_functions.sql). Then fresh
--              planner statistics for the warehouse's joins.
-- target:      production.transactions, production.transaction_items
-- grain:       one constraint or index per statement
-- reads:       production.customers, production.payment_methods, production.products
-- rerunnable:  yes (only what is missing is added)
-- =====================================================================
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_constraint
        WHERE conrelid = 'production.transactions'::regclass AND contype = 'f'
    ) THEN
        ALTER TABLE production.transactions
            ADD CONSTRAINT transactions_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES production.customers (customer_id),
            ADD CONSTRAINT transactions_payment_method_id_fkey FOREIGN KEY (payment_method_id) REFERENCES production.payment_methods (payment_method_id);
    END IF;
END
$$;

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_constraint
        WHERE conrelid = 'production.transaction_items'::regclass AND contype = 'f'
    ) THEN
        ALTER TABLE production.transaction_items
            ADD CONSTRAINT transaction_items_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES production.transactions (transaction_id),
            ADD CONSTRAINT transaction_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES production.products (product_id);
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS transactions_customer_id_idx ON production.transactions (customer_id);
CREATE INDEX IF NOT EXISTS transactions_transaction_date_idx ON production.transactions (transaction_date);
CREATE INDEX IF NOT EXISTS transactions_last_batch_id_idx ON production.transactions (last_batch_id);
CREATE INDEX IF NOT EXISTS transaction_items_transaction_id_idx ON production.transaction_items (transaction_id);
CREATE INDEX IF NOT EXISTS transaction_items_product_id_idx ON production.transaction_items (product_id);
CREATE INDEX IF NOT EXISTS transaction_items_last_batch_id_idx ON production.transaction_items (last_batch_id);

SELECT pipeline.analyze_if_changed('production.transactions');
SELECT pipeline.analyze_if_changed('production.transaction_items');
