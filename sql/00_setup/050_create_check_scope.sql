-- =====================================================================
-- 050_create_check_scope.sql
-- purpose:     the scope of the quality checks. A daily `run` checks only the rows of
--              the batches it advanced (like SQLMesh audits on the processed intervals),
--              so a day's checks cost what the day costs; the `quality` command alone,
--              psql, and runs that rebuild everything check every row. The orchestrator
--              sets pipeline.check_since to the run's start; unset, the scope is all.
-- target:      pipeline.check_since, pipeline.check_scope_batches
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

-- The batches whose rows are in scope: those a run advanced since pipeline.check_since().
-- Checks filter on last_batch_id / batch_id through it, which indexes serve.
CREATE OR REPLACE VIEW pipeline.check_scope_batches AS
SELECT b.batch_id
FROM pipeline.batches AS b
WHERE b.updated_at >= pipeline.check_since();

COMMENT ON VIEW pipeline.check_scope_batches IS 'Batches advanced since pipeline.check_since(): the quality checks'' scope.';
COMMENT ON COLUMN pipeline.check_scope_batches.batch_id IS 'Batch in scope.';
