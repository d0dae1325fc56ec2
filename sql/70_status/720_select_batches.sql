-- =====================================================================
-- 720_select_batches.sql
-- purpose:     every batch the pipeline knows: how far it got, and what became of its
--              rows (from pipeline.reconciliation: staged, loaded, repeated,
--              quarantined, still waiting), and whether that balances
-- target:      (none: a read-only query `status` and a run's summary run)
-- grain:       one row per batch
-- reads:       pipeline.batches, pipeline.reconciliation
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    b.batch_id,
    b.status,
    b.updated_at,
    b.run_id,
    coalesce(sum(r.raw_rows), 0)::bigint AS rows_staged,
    coalesce(sum(r.inserted + r.updated), 0)::bigint AS rows_loaded,
    coalesce(sum(r.duplicates + r.superseded), 0)::bigint AS rows_repeated,
    coalesce(sum(r.quarantined), 0)::bigint AS rows_quarantined,
    coalesce(sum(r.waiting_out), 0)::bigint AS rows_waiting,
    coalesce(bool_and(r.is_balanced), TRUE) AS is_balanced
FROM pipeline.batches AS b
LEFT JOIN pipeline.reconciliation AS r ON b.batch_id = r.batch_id
GROUP BY b.batch_id, b.status, b.updated_at, b.run_id
ORDER BY b.batch_id;
