-- =====================================================================
-- 280_load_rejected_rows.sql
-- purpose:     quarantine every row of the batch that failed a rule (and every
--              waiting row whose parent was quarantined), kept as it arrived with
--              batch, file, line, rule and a readable reason
-- target:      pipeline.rejected_rows (through the scratch staging.rejected_rows_found)
-- grain:       one row per rejected raw row
-- reads:       staging.customers_checked, staging.products_checked,
--              staging.transactions_checked, staging.transaction_items_checked,
--              staging.customers, staging.products, staging.transactions,
--              staging.transaction_items, staging.transactions_waiting,
--              staging.transaction_items_waiting
-- rerunnable:  yes (a row already quarantined is left as it is)
-- =====================================================================
-- The raw row comes from staging, or from the waiting table for a row of an earlier batch.
-- Found by a CREATE TABLE AS, which runs on parallel workers (the SELECT of an INSERT never
-- does): it reads every checked and staged row to find the few quarantined ones.
DROP TABLE IF EXISTS staging.rejected_rows_found;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

CREATE UNLOGGED TABLE staging.rejected_rows_found AS
SELECT
    q.batch_id,
    q.source_file,
    q.line_number,
    q.record_id,
    q.rule_name,
    q.reason,
    pipeline.raw_row(q.raw_values - ARRAY['batch_id', 'line_number', 'loaded_at']) AS raw_row
FROM (
    SELECT
        c.batch_id,
        'customers.csv' AS source_file,
        c.line_number,
        c.customer_id AS record_id,
        c.rule_name,
        c.reason,
        to_jsonb(s) AS raw_values
    FROM staging.customers_checked AS c
    INNER JOIN staging.customers AS s ON c.line_number = s.line_number
    WHERE c.outcome = 'quarantined'
    UNION ALL
    SELECT
        c.batch_id,
        'products.csv',
        c.line_number,
        c.product_id,
        c.rule_name,
        c.reason,
        to_jsonb(s)
    FROM staging.products_checked AS c
    INNER JOIN staging.products AS s ON c.line_number = s.line_number
    WHERE c.outcome = 'quarantined'
    UNION ALL
    SELECT
        c.batch_id,
        'transactions.csv',
        c.line_number,
        c.transaction_id,
        c.rule_name,
        c.reason,
        coalesce(to_jsonb(s), to_jsonb(w))
    FROM staging.transactions_checked AS c
    LEFT JOIN staging.transactions AS s
        ON c.batch_id = current_setting('pipeline.batch_id') AND c.line_number = s.line_number
    LEFT JOIN staging.transactions_waiting AS w ON c.batch_id = w.batch_id AND c.line_number = w.line_number
    WHERE c.outcome = 'quarantined'
    UNION ALL
    SELECT
        c.batch_id,
        'transaction_items.csv',
        c.line_number,
        c.item_id,
        c.rule_name,
        c.reason,
        coalesce(to_jsonb(s), to_jsonb(w))
    FROM staging.transaction_items_checked AS c
    LEFT JOIN staging.transaction_items AS s
        ON c.batch_id = current_setting('pipeline.batch_id') AND c.line_number = s.line_number
    LEFT JOIN staging.transaction_items_waiting AS w ON c.batch_id = w.batch_id AND c.line_number = w.line_number
    WHERE c.outcome = 'quarantined'
) AS q;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;

INSERT INTO pipeline.rejected_rows (
    batch_id, source_file, line_number, record_id, rule_name, reason, raw_row, rejected_in_batch_id
)
SELECT
    f.batch_id,
    f.source_file,
    f.line_number,
    f.record_id,
    f.rule_name,
    f.reason,
    f.raw_row,
    current_setting('pipeline.batch_id')
FROM staging.rejected_rows_found AS f
ON CONFLICT ON CONSTRAINT rejected_rows_pkey DO NOTHING;
