-- =====================================================================
-- 242_check_transaction_items.sql
-- purpose:     quarantine the item rows that failed a rule (including waiting rows
--              whose transaction was rejected), kept as they arrived
-- target:      pipeline.rejected_rows
-- grain:       one row per rejected transaction_items row
-- reads:       staging.transaction_items_checked, staging.transaction_items,
--              staging.transaction_items_waiting
-- rerunnable:  yes (a row already quarantined is left as it is)
-- =====================================================================
INSERT INTO pipeline.rejected_rows (
    batch_id, source_file, line_number, record_id, rule_name, reason, raw_row, rejected_in_batch_id
)
SELECT
    c.batch_id,
    c.source_file,
    c.line_number,
    c.item_id,
    c.rule_name,
    c.reason,
    -- the row as delivered: COPY reads an empty field as NULL, but it arrived as ''
    jsonb_build_object(
        'item_id', coalesce(s.item_id, w.item_id, ''),
        'transaction_id', coalesce(s.transaction_id, w.transaction_id, ''),
        'product_id', coalesce(s.product_id, w.product_id, ''),
        'quantity', coalesce(s.quantity, w.quantity, ''),
        'unit_price', coalesce(s.unit_price, w.unit_price, ''),
        'discount_percentage', coalesce(s.discount_percentage, w.discount_percentage, ''),
        'line_total', coalesce(s.line_total, w.line_total, '')
    ),
    current_setting('pipeline.batch_id')
FROM staging.transaction_items_checked AS c
LEFT JOIN staging.transaction_items AS s
    ON c.batch_id = s.batch_id AND c.line_number = s.line_number
LEFT JOIN staging.transaction_items_waiting AS w
    ON c.batch_id = w.batch_id AND c.line_number = w.line_number
WHERE c.outcome = 'quarantined'
ON CONFLICT ON CONSTRAINT rejected_rows_pkey DO NOTHING;
