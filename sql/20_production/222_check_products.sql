-- =====================================================================
-- 222_check_products.sql
-- purpose:     quarantine the products rows that failed a rule, kept as they
--              arrived with batch, file, line, rule and reason
-- target:      pipeline.rejected_rows
-- grain:       one row per rejected products row
-- reads:       staging.products_checked, staging.products
-- rerunnable:  yes (a row already quarantined is left as it is)
-- =====================================================================
INSERT INTO pipeline.rejected_rows (
    batch_id, source_file, line_number, record_id, rule_name, reason, raw_row, rejected_in_batch_id
)
SELECT
    c.batch_id,
    c.source_file,
    c.line_number,
    c.product_id,
    c.rule_name,
    c.reason,
    -- the row as delivered: COPY reads an empty field as NULL, but it arrived as ''
    jsonb_build_object(
        'product_id', coalesce(s.product_id, ''),
        'product_name', coalesce(s.product_name, ''),
        'category', coalesce(s.category, ''),
        'sub_category', coalesce(s.sub_category, ''),
        'price', coalesce(s.price, ''),
        'cost', coalesce(s.cost, ''),
        'brand', coalesce(s.brand, ''),
        'stock_quantity', coalesce(s.stock_quantity, ''),
        'supplier_id', coalesce(s.supplier_id, '')
    ),
    current_setting('pipeline.batch_id')
FROM staging.products_checked AS c
INNER JOIN staging.products AS s ON c.line_number = s.line_number
WHERE c.outcome = 'quarantined'
ON CONFLICT ON CONSTRAINT rejected_rows_pkey DO NOTHING;
