-- =====================================================================
-- 246_merge_transaction_items.sql
-- purpose:     insert new order lines and apply corrections to earlier ones
-- target:      production.transaction_items
-- grain:       one row per item_id
-- reads:       staging.transaction_items_checked
-- rerunnable:  yes (MERGE on item_id)
-- =====================================================================
-- Into an empty table (first load), load first and build the keys after, in
-- 270_create_transaction_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.drop_keys_if_empty('production.transaction_items');

-- MERGE, not INSERT ... ON CONFLICT: it joins the batch to the table once, where
-- ON CONFLICT makes a speculative insertion per row (the fact merge 360 measured 22% faster).
MERGE INTO production.transaction_items AS p
USING (
    SELECT
        c.item_id,
        c.transaction_id,
        c.product_id,
        c.quantity,
        c.unit_price,
        c.discount_percentage,
        c.line_total,
        c.source_hash
    FROM staging.transaction_items_checked AS c
    WHERE c.outcome IN ('inserted', 'updated')
) AS c
    ON p.item_id = c.item_id
WHEN MATCHED THEN
    UPDATE
        SET
            transaction_id = c.transaction_id,
            product_id = c.product_id,
            quantity = c.quantity,
            unit_price = c.unit_price,
            discount_percentage = c.discount_percentage,
            line_total = c.line_total,
            source_hash = c.source_hash,
            last_batch_id = current_setting('pipeline.batch_id'),
            updated_at = now()
WHEN NOT MATCHED THEN INSERT (
    item_id, transaction_id, product_id, quantity, unit_price,
    discount_percentage, line_total, source_hash, last_batch_id
) VALUES (
    c.item_id, c.transaction_id, c.product_id, c.quantity, c.unit_price,
    c.discount_percentage, c.line_total, c.source_hash, current_setting('pipeline.batch_id')
);
