-- =====================================================================
-- 238_merge_transactions.sql
-- purpose:     insert new transactions and apply corrections to earlier ones
-- target:      production.transactions
-- grain:       one row per transaction_id
-- reads:       staging.transactions_checked, production.payment_methods
-- rerunnable:  yes (MERGE on transaction_id)
-- =====================================================================
-- Into an empty table (first load), load first and build the keys after, in
-- 270_create_transaction_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.drop_keys_if_empty('production.transactions');

-- MERGE, not INSERT ... ON CONFLICT: one join instead of a speculative insertion per row.
MERGE INTO production.transactions AS p
USING (
    SELECT
        c.transaction_id,
        c.customer_id,
        c.transaction_date,
        c.transaction_time,
        pm.payment_method_id,
        c.shipping_address,
        c.total_amount,
        c.source_hash
    FROM staging.transactions_checked AS c
    INNER JOIN production.payment_methods AS pm ON c.payment_method = pm.payment_method_name
    WHERE c.outcome IN ('inserted', 'updated')
) AS c
    ON p.transaction_id = c.transaction_id
WHEN MATCHED THEN
    UPDATE
        SET
            customer_id = c.customer_id,
            transaction_date = c.transaction_date,
            transaction_time = c.transaction_time,
            payment_method_id = c.payment_method_id,
            shipping_address = c.shipping_address,
            total_amount = c.total_amount,
            source_hash = c.source_hash,
            last_batch_id = current_setting('pipeline.batch_id'),
            updated_at = now()
WHEN NOT MATCHED THEN INSERT (
    transaction_id, customer_id, transaction_date, transaction_time, payment_method_id,
    shipping_address, total_amount, source_hash, last_batch_id
) VALUES (
    c.transaction_id, c.customer_id, c.transaction_date, c.transaction_time, c.payment_method_id,
    c.shipping_address, c.total_amount, c.source_hash, current_setting('pipeline.batch_id')
);
