-- =====================================================================
-- 246_merge_transaction_items.sql
-- purpose:     insert new order lines and apply corrections to earlier ones
-- target:      production.transaction_items
-- grain:       one row per item_id
-- reads:       staging.transaction_items_checked
-- rerunnable:  yes (upsert on item_id)
-- =====================================================================
-- Into an empty table (first load), load first and build the keys after, in
-- 270_create_transaction_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.drop_keys_if_empty('production.transaction_items');

INSERT INTO production.transaction_items (
    item_id, transaction_id, product_id, quantity, unit_price,
    discount_percentage, line_total, source_hash, last_batch_id
)
SELECT
    c.item_id,
    c.transaction_id,
    c.product_id,
    c.quantity,
    c.unit_price,
    c.discount_percentage,
    c.line_total,
    c.source_hash,
    current_setting('pipeline.batch_id')
FROM staging.transaction_items_checked AS c
WHERE c.outcome IN ('inserted', 'updated')
ORDER BY c.item_id
ON CONFLICT ON CONSTRAINT transaction_items_pkey DO UPDATE SET
    transaction_id = excluded.transaction_id,
    product_id = excluded.product_id,
    quantity = excluded.quantity,
    unit_price = excluded.unit_price,
    discount_percentage = excluded.discount_percentage,
    line_total = excluded.line_total,
    source_hash = excluded.source_hash,
    last_batch_id = excluded.last_batch_id,
    updated_at = now();
