-- =====================================================================
-- 238_merge_transactions.sql
-- purpose:     apply corrections to earlier transactions and insert new ones
-- target:      production.transactions
-- grain:       one row per transaction_id
-- reads:       staging.transactions_checked, production.payment_methods
-- rerunnable:  yes (the outcomes say which rows to update and which to insert)
-- =====================================================================
-- Into a table that never held rows (first load, reload), load first and build the keys
-- after, in 288_build_transaction_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.prepare_bulk_load('production.transactions');

-- Every merge into a large table is an UPDATE of the changed rows, then an INSERT of the
-- new ones: 231 decided which are which, so neither MERGE nor ON CONFLICT has to find
-- out again, and both statements run on Citus shard by shard.
UPDATE production.transactions AS p
SET
    customer_id = c.customer_id,
    transaction_date = c.transaction_date,
    transaction_time = c.transaction_time,
    payment_method_id = pm.payment_method_id,
    shipping_address = c.shipping_address,
    total_amount = c.total_amount,
    last_batch_id = current_setting('pipeline.batch_id')
FROM staging.transactions_checked AS c
INNER JOIN production.payment_methods AS pm ON c.payment_method = pm.payment_method_name
WHERE c.outcome = 'updated' AND p.transaction_id = c.transaction_id;

INSERT INTO production.transactions (
    transaction_id, customer_id, transaction_date, transaction_time, payment_method_id,
    shipping_address, total_amount, last_batch_id
)
SELECT
    c.transaction_id,
    c.customer_id,
    c.transaction_date,
    c.transaction_time,
    pm.payment_method_id,
    c.shipping_address,
    c.total_amount,
    current_setting('pipeline.batch_id')
FROM staging.transactions_checked AS c
INNER JOIN production.payment_methods AS pm ON c.payment_method = pm.payment_method_name
WHERE c.outcome = 'inserted';

-- Planner statistics before 240 joins the batch's lines to this table: without them the
-- planner hashes the lines instead of the orders (a 7.1 s hash build against 0.8 s at
-- scale 400, docs/benchmarks.md).
SELECT pipeline.analyze_if_changed('production.transactions');
