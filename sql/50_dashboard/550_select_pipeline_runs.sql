-- =====================================================================
-- 550_select_pipeline_runs.sql
-- purpose:     the ten latest pipeline runs with their outcome and duration
-- target:      dashboard panel "Pipeline health: last runs"
-- grain:       one row per run, the ten latest
-- reads:       pipeline.runs
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    r.run_id,
    r.command,
    r.status,
    r.started_at,
    round(extract(EPOCH FROM coalesce(r.finished_at, clock_timestamp()) - r.started_at), 1) AS seconds,
    r.error_message
FROM pipeline.runs AS r
ORDER BY r.run_id DESC
LIMIT 10;
