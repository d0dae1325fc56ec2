-- =====================================================================
-- 050_create_check_scope.sql
-- purpose:     the scope of the quality checks. A daily `run` checks only the rows of
--              the batches it advanced (like SQLMesh audits on the processed intervals),
--              so a day's checks cost what the day costs; the `quality` command alone,
--              psql, and runs that rebuild everything check every row. The orchestrator
--              sets pipeline.check_since to the run's start; unset, the scope is all.
-- target:      pipeline.check_since, pipeline.check_scope_batch_ids
-- grain:       one function
-- reads:       pipeline.batches
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================
CREATE OR REPLACE FUNCTION pipeline.check_since()
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(current_setting('pipeline.check_since', TRUE), '')::timestamptz, '-infinity')
$$;

-- The batch ids whose rows are in scope: those a run advanced since pipeline.check_since().
-- Checks filter with `last_batch_id = ANY (pipeline.check_scope_batch_ids())`: the planner
-- evaluates this stable function while planning, so it estimates the scope from the
-- column statistics (one small day against a large history) and reads it by index.
CREATE OR REPLACE FUNCTION pipeline.check_scope_batch_ids()
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(b.batch_id ORDER BY b.batch_id), '{}')
    FROM pipeline.batches AS b
    WHERE b.updated_at >= pipeline.check_since()
$$;

COMMENT ON FUNCTION pipeline.check_scope_batch_ids() IS 'Batch ids advanced since pipeline.check_since(): the quality checks'' scope.';
