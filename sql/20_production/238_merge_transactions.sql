-- =====================================================================
-- 238_merge_transactions.sql
-- purpose:     insert new transactions and apply corrections to earlier ones
-- target:      production.transactions
-- grain:       one row per transaction_id
-- reads:       staging.transactions_checked, production.payment_methods
-- rerunnable:  yes (upsert on transaction_id)
-- =====================================================================
-- Into an empty table (first load), load first and build the keys after, in
-- 270_create_transaction_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.drop_keys_if_empty('production.transactions');

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
