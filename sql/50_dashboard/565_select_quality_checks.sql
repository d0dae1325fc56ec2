-- =====================================================================
-- 565_select_quality_checks.sql
-- purpose:     the latest result of every quality check
-- target:      dashboard panel "Pipeline health: quality checks"
-- grain:       one row per check
-- reads:       pipeline.quality_results
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT DISTINCT ON (q.check_name)
    q.check_name,
    q.severity,
    q.failing_rows,
    q.run_id,
    q.checked_at
FROM pipeline.quality_results AS q
ORDER BY q.check_name ASC, q.run_id DESC;
