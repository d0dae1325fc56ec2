-- =====================================================================
-- 740_select_quarantine_by_rule.sql
-- purpose:     the rows one run quarantined, by file and rule, with one example
--              reason each. In psql: SET pipeline.run_id = 7; then this file.
-- target:      (none: a read-only query `status RUN` and a run's summary run)
-- grain:       one row per source file and rule
-- reads:       pipeline.rejected_rows, pipeline.runs
-- rerunnable:  yes (read only)
-- =====================================================================
-- A row is quarantined by the production stage's transaction, and rejected_at is that
-- transaction's start: it falls within the run that committed it.
SELECT
    r.source_file,
    r.rule_name,
    count(*) AS row_count,
    min(r.reason) AS example_reason
FROM pipeline.rejected_rows AS r
INNER JOIN pipeline.runs AS run
    ON
        r.rejected_at >= run.started_at
        AND r.rejected_at <= coalesce(run.finished_at, clock_timestamp())
WHERE run.run_id = current_setting('pipeline.run_id')::bigint
GROUP BY r.source_file, r.rule_name
ORDER BY count(*) DESC, r.source_file ASC, r.rule_name ASC;
