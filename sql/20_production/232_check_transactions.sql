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
    to_jsonb(s) - ARRAY['batch_id', 'source_file', 'line_number', 'loaded_at'],
    current_setting('pipeline.batch_id')
FROM staging.transactions_checked AS c
INNER JOIN staging.transactions AS s ON c.line_number = s.line_number
WHERE c.outcome = 'quarantined'
ON CONFLICT ON CONSTRAINT rejected_rows_pkey DO NOTHING;
