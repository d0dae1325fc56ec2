-- =====================================================================
-- 710_select_run_steps.sql
-- purpose:     the full log of one run: every SQL file it executed, in order, with
--              its batch, rows, seconds and outcome (`status RUN`). In psql:
--              SET pipeline.run_id = 7; then this file.
-- target:      (none: a read-only query `status RUN` runs)
-- grain:       one row per executed SQL file
-- reads:       pipeline.steps
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    s.stage,
    s.batch_id,
    s.sql_file,
    s.rows_affected,
    s.duration_seconds,
    s.outcome,
    s.error_message
FROM pipeline.steps AS s
WHERE s.run_id = current_setting('pipeline.run_id')::bigint
ORDER BY s.step_id;
