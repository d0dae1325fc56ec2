-- =====================================================================
-- 246_merge_transaction_items.sql
-- purpose:     apply corrections to earlier order lines, move the lines delivered
--              again under another transaction, and insert new lines
-- target:      production.transaction_items
-- grain:       one row per item_id
-- reads:       staging.transaction_items_checked
-- rerunnable:  yes (the outcomes say which rows to move, update and insert)
-- =====================================================================
-- Into a table that never held rows (first load, reload), load first and build the keys
-- after, in 288_build_transaction_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.prepare_bulk_load('production.transaction_items');

-- A line delivered under another transaction than the one production has moves there:
-- its old row goes (on Citus rows are placed by transaction_id, which no UPDATE may change).
DELETE FROM production.transaction_items AS p
WHERE (p.transaction_id, p.item_id) IN (
    SELECT
        c.previous_transaction_id,
        c.item_id
    FROM staging.transaction_items_checked AS c
    WHERE c.outcome = 'updated' AND c.previous_transaction_id != c.transaction_id
);

UPDATE production.transaction_items AS p
SET
    product_id = c.product_id,
    quantity = c.quantity,
    unit_price = c.unit_price,
    discount_percentage = c.discount_percentage,
    line_total = c.line_total,
    last_batch_id = current_setting('pipeline.batch_id')
FROM staging.transaction_items_checked AS c
WHERE
    c.outcome = 'updated'
    AND c.previous_transaction_id = c.transaction_id
    AND p.transaction_id = c.transaction_id
    AND p.item_id = c.item_id;

INSERT INTO production.transaction_items (
    item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_batch_id
)
SELECT
    c.item_id,
    c.transaction_id,
    c.product_id,
    c.quantity,
    c.unit_price,
    c.discount_percentage,
    c.line_total,
    current_setting('pipeline.batch_id')
FROM staging.transaction_items_checked AS c
WHERE c.outcome = 'inserted' OR (c.outcome = 'updated' AND c.previous_transaction_id != c.transaction_id);
