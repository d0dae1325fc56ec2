-- =====================================================================
-- 232_check_transactions.sql
-- purpose:     quarantine the transactions rows that failed a rule, kept as they
--              arrived with batch, file, line, rule and reason
-- target:      pipeline.rejected_rows
-- grain:       one row per rejected transactions row
-- reads:       staging.transactions_checked, staging.transactions
-- rerunnable:  yes (a row already quarantined is left as it is)
-- =====================================================================
INSERT INTO pipeline.rejected_rows (
    batch_id, source_file, line_number, record_id, rule_name, reason, raw_row, rejected_in_batch_id
)
SELECT
    c.batch_id,
    c.source_file,
    c.line_number,
    c.transaction_id,
    c.rule_name,
    c.reason,
    -- the row as delivered: COPY reads an empty field as NULL, but it arrived as ''
    jsonb_build_object(
        'transaction_id', coalesce(s.transaction_id, ''),
        'customer_id', coalesce(s.customer_id, ''),
        'transaction_date', coalesce(s.transaction_date, ''),
        'transaction_time', coalesce(s.transaction_time, ''),
        'payment_method', coalesce(s.payment_method, ''),
        'shipping_address', coalesce(s.shipping_address, ''),
        'total_amount', coalesce(s.total_amount, '')
    ),
    current_setting('pipeline.batch_id')
FROM staging.transactions_checked AS c
INNER JOIN staging.transactions AS s ON c.line_number = s.line_number
WHERE c.outcome = 'quarantined'
ON CONFLICT ON CONSTRAINT rejected_rows_pkey DO NOTHING;
