-- =====================================================================
-- 246_merge_transaction_items.sql
-- purpose:     insert new order lines and apply corrections to earlier ones
-- target:      production.transaction_items
-- grain:       one row per item_id
-- reads:       staging.transaction_items_checked, production.transactions, production.products
-- rerunnable:  yes (upsert on item_id)
-- =====================================================================
-- A first load (empty table) inserts the whole history: checking the foreign keys row by
-- row then costs more than the insert itself, so they are dropped here and added back at
-- the end of this file with one validating join each (same transaction: readers never
-- see the table without them). A daily batch keeps the row-by-row checks.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM production.transaction_items) THEN
        ALTER TABLE production.transaction_items
        DROP CONSTRAINT transaction_items_transaction_id_fkey,
        DROP CONSTRAINT transaction_items_product_id_fkey;
    END IF;
END
$$;

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

-- Keep in step with 205_create_transactions.sql.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_constraint
        WHERE conrelid = 'production.transaction_items'::regclass AND conname = 'transaction_items_transaction_id_fkey'
    ) THEN
        ALTER TABLE production.transaction_items
        ADD CONSTRAINT transaction_items_transaction_id_fkey FOREIGN KEY (transaction_id)
        REFERENCES production.transactions (transaction_id),
        ADD CONSTRAINT transaction_items_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES production.products (product_id);
    END IF;
END
$$;
