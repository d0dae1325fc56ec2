-- =====================================================================
-- 075_create_lock_holders.sql
-- purpose:     who holds locks on the pipeline's tables and views: what a stage
--              that could not get its lock in time reports (the orchestrator waits
--              lock_timeout per try, retries with backoff for PIPELINE_LOCK_WAIT
--              seconds, then names these sessions), and what a DBA reads when a
--              run waits
-- target:      pipeline.lock_holders
-- grain:       one row per session holding a lock on a table or view of the
--              pipeline's schemas
-- reads:       pg_catalog.pg_locks, pg_catalog.pg_stat_activity, pg_catalog.pg_class
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================
-- The times and the state of another role's session are visible only to superusers and
-- members of pg_read_all_stats (the embedded server grants it to the pipeline's role);
-- otherwise they are NULL and the pid, role and application still say who it is.
{%- if citus %}
-- On Citus the view stays on the coordinator, whose locks it reads: created in the same
-- transaction as its schema, Citus would propagate it to the workers and, with it, try to
-- create its pg_catalog dependencies there ("permission denied for schema pg_catalog").
SET LOCAL citus.enable_ddl_propagation = off;
{%- endif %}
CREATE OR REPLACE VIEW pipeline.lock_holders AS
SELECT
    a.pid,
    a.usename AS user_name,
    a.application_name,
    a.client_addr,
    a.state,
    a.xact_start AS transaction_started_at,
    string_agg(DISTINCT format('%s.%s (%s)', n.nspname, c.relname, l.mode), ', ') AS held_locks
FROM pg_catalog.pg_locks AS l
INNER JOIN pg_catalog.pg_class AS c ON l.relation = c.oid
INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
INNER JOIN pg_catalog.pg_stat_activity AS a ON l.pid = a.pid
WHERE
    l.granted
    AND l.database = (
        SELECT d.oid FROM pg_catalog.pg_database AS d
        WHERE d.datname = current_database()
    )
    AND n.nspname IN ('pipeline', 'staging', 'production', 'warehouse', 'analytics')
    AND c.relkind IN ('r', 'p', 'v', 'm')
    AND l.pid != pg_catalog.pg_backend_pid()
GROUP BY a.pid, a.usename, a.application_name, a.client_addr, a.state, a.xact_start;

COMMENT ON VIEW pipeline.lock_holders IS 'Sessions other than this one holding locks on tables or views of the pipeline''s schemas: who a waiting run waits for.';
COMMENT ON COLUMN pipeline.lock_holders.pid IS 'Server process id of the session (pg_terminate_backend takes it).';
COMMENT ON COLUMN pipeline.lock_holders.user_name IS 'Role the session logged in as.';
COMMENT ON COLUMN pipeline.lock_holders.application_name IS 'Application name the client gave (Tableau, psql, ...).';
COMMENT ON COLUMN pipeline.lock_holders.client_addr IS 'Client address; NULL for a Unix-socket connection or when not visible.';
COMMENT ON COLUMN pipeline.lock_holders.state IS 'active, idle in transaction, ...; NULL when not visible to this role.';
COMMENT ON COLUMN pipeline.lock_holders.transaction_started_at IS 'When the session''s current transaction began; NULL when not visible to this role.';
COMMENT ON COLUMN pipeline.lock_holders.held_locks IS 'The tables and views it holds locks on, with the lock mode.';
{%- if citus %}

RESET citus.enable_ddl_propagation;
{%- endif %}
