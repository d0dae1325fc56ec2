-- =====================================================================
-- 212_check_customers.sql
-- purpose:     quarantine the customers rows that failed a rule, kept as they
--              arrived with batch, file, line, rule and reason
-- target:      pipeline.rejected_rows
-- grain:       one row per rejected customers row
-- reads:       staging.customers_checked, staging.customers
-- rerunnable:  yes (a row already quarantined is left as it is)
-- =====================================================================
INSERT INTO pipeline.rejected_rows (
    batch_id, source_file, line_number, record_id, rule_name, reason, raw_row, rejected_in_batch_id
)
SELECT
    c.batch_id,
    c.source_file,
    c.line_number,
    c.customer_id,
    c.rule_name,
    c.reason,
    -- the row as delivered: COPY reads an empty field as NULL, but it arrived as ''
    jsonb_build_object(
        'customer_id', coalesce(s.customer_id, ''),
        'first_name', coalesce(s.first_name, ''),
        'last_name', coalesce(s.last_name, ''),
        'email', coalesce(s.email, ''),
        'phone', coalesce(s.phone, ''),
        'registration_date', coalesce(s.registration_date, ''),
        'city', coalesce(s.city, ''),
        'state', coalesce(s.state, ''),
        'country', coalesce(s.country, ''),
        'age_group', coalesce(s.age_group, '')
    ),
    current_setting('pipeline.batch_id')
FROM staging.customers_checked AS c
INNER JOIN staging.customers AS s ON c.line_number = s.line_number
WHERE c.outcome = 'quarantined'
ON CONFLICT ON CONSTRAINT rejected_rows_pkey DO NOTHING;
