-- =====================================================================
-- 238_merge_transactions.sql
-- purpose:     insert new transactions and apply corrections to earlier ones
-- target:      production.transactions
-- grain:       one row per transaction_id
-- reads:       staging.transactions_checked, production.payment_methods, production.customers
-- rerunnable:  yes (upsert on transaction_id)
-- =====================================================================
-- A first load (empty table) inserts the whole history: checking the foreign keys row by
-- row then costs more than the insert itself, so they are dropped here and added back at
-- the end of this file with one validating join each (same transaction: readers never
-- see the table without them). A daily batch keeps the row-by-row checks.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM production.transactions) THEN
        ALTER TABLE production.transactions
        DROP CONSTRAINT transactions_customer_id_fkey,
        DROP CONSTRAINT transactions_payment_method_id_fkey;
    END IF;
END
$$;

INSERT INTO production.transactions (
    transaction_id, customer_id, transaction_date, transaction_time, payment_method_id,
    shipping_address, total_amount, source_hash, last_batch_id
)
SELECT
    c.transaction_id,
    c.customer_id,
    c.transaction_date,
    c.transaction_time,
    pm.payment_method_id,
    c.shipping_address,
    c.total_amount,
    c.source_hash,
    current_setting('pipeline.batch_id')
FROM staging.transactions_checked AS c
INNER JOIN production.payment_methods AS pm ON c.payment_method = pm.payment_method_name
WHERE c.outcome IN ('inserted', 'updated')
ORDER BY c.transaction_id
ON CONFLICT ON CONSTRAINT transactions_pkey DO UPDATE SET
    customer_id = excluded.customer_id,
    transaction_date = excluded.transaction_date,
    transaction_time = excluded.transaction_time,
    payment_method_id = excluded.payment_method_id,
    shipping_address = excluded.shipping_address,
    total_amount = excluded.total_amount,
    source_hash = excluded.source_hash,
    last_batch_id = excluded.last_batch_id,
    updated_at = now();

-- Keep in step with 205_create_transactions.sql.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_constraint
        WHERE conrelid = 'production.transactions'::regclass AND conname = 'transactions_customer_id_fkey'
    ) THEN
        ALTER TABLE production.transactions
        ADD CONSTRAINT transactions_customer_id_fkey FOREIGN KEY (customer_id)
        REFERENCES production.customers (customer_id),
        ADD CONSTRAINT transactions_payment_method_id_fkey FOREIGN KEY (payment_method_id)
        REFERENCES production.payment_methods (payment_method_id);
    END IF;
END
$$;
