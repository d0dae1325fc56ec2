-- =====================================================================
-- 005_create_run_lock.sql
-- purpose:     the lock that lets one pipeline command run at a time
-- target:      pipeline.run_lock
-- grain:       one row
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS); the orchestrator runs it, and 000, before it
--              takes the lock
-- =====================================================================
-- A running command holds a row lock on this table's one row (SELECT ... FOR UPDATE
-- NOWAIT on a connection of its own). Only roles that may update the pipeline schema can
-- take it: bi_reader cannot see the schema, so it cannot stop a run (an advisory lock,
-- which any role may take, could). The lock ends with the holder's connection.
CREATE TABLE IF NOT EXISTS pipeline.run_lock (
    lock_name text NOT NULL,
    CONSTRAINT run_lock_pkey PRIMARY KEY (lock_name)
);

INSERT INTO pipeline.run_lock (lock_name)
VALUES ('pipeline')
ON CONFLICT ON CONSTRAINT run_lock_pkey DO NOTHING;

COMMENT ON TABLE pipeline.run_lock IS 'One row that a running pipeline command locks (FOR UPDATE), so that only one runs at a time.';
COMMENT ON COLUMN pipeline.run_lock.lock_name IS 'Name of the lock; the pipeline uses the row named pipeline.';
