-- =====================================================================
-- 950_check_reconciliation_balanced.sql
-- purpose:     every file of every loaded batch is reconciled and balances: the
--              rows COPY read equal the rows staged, and staged plus retried rows
--              equal the sum of all outcomes
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per batch and file that is unbalanced or not reconciled
-- reads:       pipeline.reconciliation, pipeline.loaded_files, pipeline.batches
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
WITH expected_files AS (
    SELECT
        f.batch_id,
        f.file_name AS source_file
    FROM pipeline.loaded_files AS f
    INNER JOIN pipeline.batches AS b ON f.batch_id = b.batch_id
    WHERE b.status IN ('produced', 'complete')
)

SELECT
    coalesce(r.batch_id, ef.batch_id) AS batch_id,
    coalesce(r.source_file, ef.source_file) AS source_file,
    CASE WHEN r.batch_id IS NULL THEN 'not reconciled' ELSE 'unbalanced' END AS problem,
    r.ledger_rows,
    r.raw_rows,
    r.waiting_in,
    r.inserted,
    r.updated,
    r.duplicates,
    r.superseded,
    r.quarantined,
    r.waiting_out
FROM pipeline.reconciliation AS r
FULL OUTER JOIN expected_files AS ef
    ON r.batch_id = ef.batch_id AND r.source_file = ef.source_file
WHERE r.batch_id IS NULL OR NOT r.is_balanced
ORDER BY batch_id, source_file;
