-- =====================================================================
-- 288_build_transaction_keys.sql
-- purpose:     the primary keys, foreign keys and join indexes of transactions and
--              their lines. Present from the first run on; a load into tables that
--              never held rows drops them first (238, 246) and they are built here
--              again in one pass each, in the same transaction
--              (060_create_bulk_load_functions.sql), after 287 has emptied the checked
--              tables, so that the index builds do not add to the stage's peak on disk.
--              Then fresh planner statistics for the lines (238 makes transactions').
-- target:      production.transactions, production.transaction_items
-- grain:       one constraint or index per statement
-- reads:       production.customers, production.payment_methods, production.products
-- rerunnable:  yes (only what is missing is added)
-- =====================================================================
-- One constraint per ALTER TABLE: Citus takes no other form. Each is added only when
-- missing (ALTER TABLE locks the table even when it has nothing to do).
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'production'::regnamespace AND conname = 'transactions_pkey'
    ) THEN
        ALTER TABLE production.transactions ADD CONSTRAINT transactions_pkey PRIMARY KEY (transaction_id);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'production'::regnamespace AND conname = 'transaction_items_pkey'
    ) THEN
{%- if citus %}
        ALTER TABLE production.transaction_items
        ADD CONSTRAINT transaction_items_pkey PRIMARY KEY (transaction_id, item_id);
{%- else %}
        ALTER TABLE production.transaction_items ADD CONSTRAINT transaction_items_pkey PRIMARY KEY (item_id);
{%- endif %}
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'production'::regnamespace AND conname = 'transactions_customer_id_fkey'
    ) THEN
        ALTER TABLE production.transactions
        ADD CONSTRAINT transactions_customer_id_fkey
        FOREIGN KEY (customer_id) REFERENCES production.customers (customer_id);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'production'::regnamespace AND conname = 'transactions_payment_method_id_fkey'
    ) THEN
        ALTER TABLE production.transactions
        ADD CONSTRAINT transactions_payment_method_id_fkey
        FOREIGN KEY (payment_method_id) REFERENCES production.payment_methods (payment_method_id);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'production'::regnamespace AND conname = 'transaction_items_transaction_id_fkey'
    ) THEN
        ALTER TABLE production.transaction_items
        ADD CONSTRAINT transaction_items_transaction_id_fkey
        FOREIGN KEY (transaction_id) REFERENCES production.transactions (transaction_id);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint
        WHERE connamespace = 'production'::regnamespace AND conname = 'transaction_items_product_id_fkey'
    ) THEN
        ALTER TABLE production.transaction_items
        ADD CONSTRAINT transaction_items_product_id_fkey
        FOREIGN KEY (product_id) REFERENCES production.products (product_id);
    END IF;
END
$$;

-- The daily run finds the rows a batch wrote by last_batch_id, and the lines of a
-- corrected transaction by transaction_id (on Citus the primary key starts with it).
CREATE INDEX IF NOT EXISTS transactions_last_batch_id_idx ON production.transactions (last_batch_id);
CREATE INDEX IF NOT EXISTS transaction_items_last_batch_id_idx ON production.transaction_items (last_batch_id);
{%- if not citus %}
CREATE INDEX IF NOT EXISTS transaction_items_transaction_id_idx ON production.transaction_items (transaction_id);
{%- else %}
-- and a line by its item_id wherever it is (240's lookup of the lines a batch delivers again)
CREATE INDEX IF NOT EXISTS transaction_items_item_id_idx ON production.transaction_items (item_id);
{%- endif %}

SELECT pipeline.analyze_if_changed('production.transaction_items');
