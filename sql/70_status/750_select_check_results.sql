-- =====================================================================
-- 750_select_check_results.sql
-- purpose:     the quality checks of one run: each check, its severity and how many
--              rows failed it. In psql: SET pipeline.run_id = 7; then this file.
-- target:      (none: a read-only query `status` and a run's summary run)
-- grain:       one row per check the run ran
-- reads:       pipeline.quality_results
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    q.check_name,
    q.severity,
    q.failing_rows
FROM pipeline.quality_results AS q
WHERE q.run_id = current_setting('pipeline.run_id')::bigint
ORDER BY q.check_name;
