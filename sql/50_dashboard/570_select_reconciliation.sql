-- =====================================================================
-- 570_select_reconciliation.sql
-- purpose:     rows in against rows accounted for, per batch and raw file, for
--              the ten latest reconciled batches
-- target:      dashboard panel "Pipeline health: reconciliation"
-- grain:       one row per batch and source file, ten latest batches
-- reads:       pipeline.reconciliation
-- rerunnable:  yes (read-only)
-- =====================================================================
WITH latest_batches AS (
    SELECT DISTINCT r.batch_id
    FROM pipeline.reconciliation AS r
    ORDER BY r.batch_id DESC
    LIMIT 10
)

SELECT
    r.batch_id,
    r.source_file,
    r.raw_rows,
    r.waiting_in,
    r.inserted,
    r.updated,
    r.duplicates,
    r.superseded,
    r.quarantined,
    r.waiting_out,
    r.is_balanced
FROM pipeline.reconciliation AS r
INNER JOIN latest_batches AS l ON r.batch_id = l.batch_id
ORDER BY r.batch_id DESC, r.source_file ASC;
