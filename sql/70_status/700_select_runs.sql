-- =====================================================================
-- 700_select_runs.sql
-- purpose:     the pipeline's runs, newest first: command, outcome, when, how long,
--              how many steps; what `status` lists (it shows the first --limit rows)
-- target:      (none: a read-only query `status` runs)
-- grain:       one row per run
-- reads:       pipeline.runs, pipeline.steps
-- rerunnable:  yes (read only)
-- =====================================================================
WITH step_counts AS (
    SELECT
        st.run_id,
        count(*) AS steps
    FROM pipeline.steps AS st
    GROUP BY st.run_id
)

SELECT
    r.run_id,
    r.command,
    r.status,
    r.started_at,
    r.finished_at,
    extract(EPOCH FROM coalesce(r.finished_at, clock_timestamp()) - r.started_at)::numeric(12, 1) AS seconds,
    coalesce(s.steps, 0) AS steps,
    r.db_user,
    r.error_message
FROM pipeline.runs AS r
LEFT JOIN step_counts AS s ON r.run_id = s.run_id
ORDER BY r.run_id DESC;
