-- =====================================================================
-- 010_create_pipeline_tables.sql
-- purpose:     the pipeline's own registry: runs, steps, batches and the file ledger
-- target:      pipeline.runs, pipeline.steps, pipeline.batches, pipeline.loaded_files
-- grain:       runs: one row per command; steps: one row per SQL file run;
--              batches: one row per batch folder; loaded_files: one row per file loaded
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS pipeline.runs (
    run_id bigint GENERATED ALWAYS AS IDENTITY,
    command text NOT NULL,
    status text NOT NULL DEFAULT 'running',
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    client_pid integer NOT NULL,
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
    db_user text NOT NULL DEFAULT current_user,
    error_message text,
    CONSTRAINT runs_pkey PRIMARY KEY (run_id),
    CONSTRAINT runs_status_check CHECK (
        status IN ('running', 'succeeded', 'failed', 'cancelled', 'abandoned')
    )
);

COMMENT ON TABLE pipeline.runs IS 'One row per pipeline command that touched the database.';
COMMENT ON COLUMN pipeline.runs.run_id IS 'Run identifier, increasing.';
COMMENT ON COLUMN pipeline.runs.command IS 'The command line as given (never contains credentials).';
COMMENT ON COLUMN pipeline.runs.status IS 'running, succeeded, failed, cancelled (SIGINT/SIGTERM) or abandoned (process died; found by the next run).';
COMMENT ON COLUMN pipeline.runs.started_at IS 'When the run started.';
COMMENT ON COLUMN pipeline.runs.finished_at IS 'When the run ended; NULL while running or if abandoned.';
COMMENT ON COLUMN pipeline.runs.client_pid IS 'Operating-system process id of the orchestrator.';
COMMENT ON COLUMN pipeline.runs.backend_pid IS 'PostgreSQL backend process id of the run''s session.';
COMMENT ON COLUMN pipeline.runs.db_user IS 'Database role the run connected as.';
COMMENT ON COLUMN pipeline.runs.error_message IS 'The error that ended the run, if any.';

CREATE TABLE IF NOT EXISTS pipeline.steps (
    step_id bigint GENERATED ALWAYS AS IDENTITY,
    run_id bigint NOT NULL,
    stage text NOT NULL,
    batch_id text,
    sql_file text NOT NULL,
    sql_checksum text NOT NULL,
    started_at timestamptz NOT NULL,
    duration_seconds numeric(12, 3) NOT NULL,
    rows_affected bigint NOT NULL DEFAULT 0,
    outcome text NOT NULL,
    error_message text,
    CONSTRAINT steps_pkey PRIMARY KEY (step_id),
    CONSTRAINT steps_run_id_fkey FOREIGN KEY (run_id) REFERENCES pipeline.runs (run_id),
    CONSTRAINT steps_outcome_check CHECK (outcome IN ('succeeded', 'failed', 'rolled back'))
);

CREATE INDEX IF NOT EXISTS steps_run_id_idx ON pipeline.steps (run_id);

COMMENT ON TABLE pipeline.steps IS 'One row per SQL file executed by a run (and per COPY of a raw file).';
COMMENT ON COLUMN pipeline.steps.step_id IS 'Step identifier, increasing.';
COMMENT ON COLUMN pipeline.steps.run_id IS 'The run this step belongs to.';
COMMENT ON COLUMN pipeline.steps.stage IS 'setup, staging, production, warehouse, analytics or quality.';
COMMENT ON COLUMN pipeline.steps.batch_id IS 'The batch being processed, if the stage is per batch.';
COMMENT ON COLUMN pipeline.steps.sql_file IS 'Path of the SQL file under sql/.';
COMMENT ON COLUMN pipeline.steps.sql_checksum IS 'sha256 of the rendered SQL that was executed.';
COMMENT ON COLUMN pipeline.steps.started_at IS 'When the step started.';
COMMENT ON COLUMN pipeline.steps.duration_seconds IS 'Wall-clock seconds the step took.';
COMMENT ON COLUMN pipeline.steps.rows_affected IS 'Rows inserted, updated, deleted or copied (rows returned for quality checks).';
COMMENT ON COLUMN pipeline.steps.outcome IS 'succeeded, failed, or rolled back (succeeded but a later step of its stage failed).';
COMMENT ON COLUMN pipeline.steps.error_message IS 'PostgreSQL''s message for a failed step.';

CREATE TABLE IF NOT EXISTS pipeline.batches (
    batch_id text NOT NULL,
    as_of_date date NOT NULL,
    status text NOT NULL,
    run_id bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT batches_pkey PRIMARY KEY (batch_id),
    CONSTRAINT batches_status_check CHECK (status IN ('staged', 'produced', 'complete')),
    CONSTRAINT batches_run_id_fkey FOREIGN KEY (run_id) REFERENCES pipeline.runs (run_id)
);

COMMENT ON TABLE pipeline.batches IS 'One row per batch folder under data/raw; its status says which stage committed last.';
COMMENT ON COLUMN pipeline.batches.batch_id IS 'Batch folder name: the as-of date in ISO format.';
COMMENT ON COLUMN pipeline.batches.as_of_date IS 'The date the batch describes; later SCD2 versions are valid from it.';
COMMENT ON COLUMN pipeline.batches.status IS 'staged, produced (production committed) or complete (warehouse committed).';
COMMENT ON COLUMN pipeline.batches.run_id IS 'The run that last advanced the batch.';
COMMENT ON COLUMN pipeline.batches.updated_at IS 'When the status last changed.';

CREATE TABLE IF NOT EXISTS pipeline.loaded_files (
    batch_id text NOT NULL,
    file_name text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    row_count bigint NOT NULL,
    line_count bigint,
    modified_ns bigint,
    run_id bigint NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT loaded_files_pkey PRIMARY KEY (batch_id, file_name),
    CONSTRAINT loaded_files_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES pipeline.batches (batch_id),
    CONSTRAINT loaded_files_run_id_fkey FOREIGN KEY (run_id) REFERENCES pipeline.runs (run_id)
);

COMMENT ON TABLE pipeline.loaded_files IS 'Ledger of every raw file loaded: a file is loaded exactly once; a changed file under a loaded name is refused.';
COMMENT ON COLUMN pipeline.loaded_files.batch_id IS 'Batch the file belongs to.';
COMMENT ON COLUMN pipeline.loaded_files.file_name IS 'File name inside the batch folder, e.g. customers.csv.';
COMMENT ON COLUMN pipeline.loaded_files.size_bytes IS 'File size in bytes.';
COMMENT ON COLUMN pipeline.loaded_files.sha256 IS 'sha256 of the bytes streamed to COPY (computed while streaming, so it describes what was loaded).';
COMMENT ON COLUMN pipeline.loaded_files.row_count IS 'Data rows COPY read from the file (header excluded).';
COMMENT ON COLUMN pipeline.loaded_files.line_count IS 'Lines of the file as an editor counts them (header included); more than row_count + 1 when a quoted value spans lines.';
COMMENT ON COLUMN pipeline.loaded_files.modified_ns IS 'Modification time of the file when loaded (ns since the epoch): a later run hashes the file again only when it or the size differ.';
COMMENT ON COLUMN pipeline.loaded_files.run_id IS 'The run that loaded the file.';
COMMENT ON COLUMN pipeline.loaded_files.loaded_at IS 'When the file was loaded.';
