-- =====================================================================
-- 050_create_check_scope.sql
-- purpose:     the scope of the quality checks. A daily `run` checks only what it
--              changed (rows whose updated_at is at or after the run's start, like
--              SQLMesh audits on the processed intervals), so a day's checks cost
--              what the day costs; the `quality` command alone, psql, and runs that
--              rebuild everything check every row. The orchestrator sets the
--              setting pipeline.check_since; unset, the scope is everything.
-- target:      pipeline.check_since
-- grain:       one function
-- reads:       (none)
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================
CREATE OR REPLACE FUNCTION pipeline.check_since()
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(current_setting('pipeline.check_since', TRUE), '')::timestamptz, '-infinity')
$$;
