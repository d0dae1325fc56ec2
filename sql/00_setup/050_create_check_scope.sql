-- =====================================================================
-- 050_create_check_scope.sql
-- purpose:     the scope of the quality checks. A daily `run` checks only the rows of
--              the batches it advanced (like SQLMesh audits on the processed intervals),
--              so a day's checks cost what the day costs; the `quality` command alone,
--              psql, and runs that rebuild everything check every row. The orchestrator
--              sets pipeline.check_scope_start to the oldest batch the run advanced,
--              and pipeline.check_since to the run's start; unset, the scope is all.
-- target:      pipeline.check_since, pipeline.check_scope_start
-- grain:       one function each
-- reads:       (none)
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================
CREATE OR REPLACE FUNCTION pipeline.check_since()
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(current_setting('pipeline.check_since', TRUE), '')::timestamptz, '-infinity')
$$;

-- The first batch in scope: the oldest batch the run advanced (batches advance in date
-- order, so every later one was advanced too); '' when unset, and every batch id sorts
-- after ''. Checks filter with `last_batch_id >= pipeline.check_scope_start()`: an inlined
-- setting, read cheaply per row, that the planner reads while planning too, so it
-- estimates the scope from the column's statistics (one small day against a large
-- history) and reads it by index.
CREATE OR REPLACE FUNCTION pipeline.check_scope_start()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(current_setting('pipeline.check_scope_start', TRUE), '')
$$;

COMMENT ON FUNCTION pipeline.check_since() IS 'Start of the run whose changes the quality checks look at (setting pipeline.check_since), or -infinity when unset.';
COMMENT ON FUNCTION pipeline.check_scope_start() IS 'The oldest batch id in the quality checks'' scope (setting pipeline.check_scope_start), or the empty string (every batch) when unset.';
