-- =====================================================================
-- 286_merge_transaction_items_waiting.sql
-- purpose:     keep exactly the transaction_items rows still waiting for their transaction:
--              drop the ones this batch resolved, add this batch's new ones
-- target:      staging.transaction_items_waiting
-- grain:       one row per raw transaction_items row still waiting
-- reads:       staging.transaction_items_checked, staging.transaction_items
-- rerunnable:  yes (the result depends only on the checked outcomes)
-- =====================================================================
DELETE FROM staging.transaction_items_waiting AS w
WHERE NOT EXISTS (
    SELECT 1 FROM staging.transaction_items_checked AS c
    WHERE
        c.batch_id = w.batch_id
        AND c.line_number = w.line_number
        AND c.outcome = 'waiting'
);

INSERT INTO staging.transaction_items_waiting (
    item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total,
    batch_id, line_number, loaded_at
)
SELECT
    s.item_id,
    s.transaction_id,
    s.product_id,
    s.quantity,
    s.unit_price,
    s.discount_percentage,
    s.line_total,
    c.batch_id,
    s.line_number,
    now()
FROM staging.transaction_items AS s
INNER JOIN staging.transaction_items_checked AS c
    ON c.batch_id = current_setting('pipeline.batch_id') AND s.line_number = c.line_number
WHERE c.outcome = 'waiting'
ON CONFLICT ON CONSTRAINT transaction_items_waiting_pkey DO NOTHING;
