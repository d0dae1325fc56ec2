-- =====================================================================
-- 020_create_quarantine_tables.sql
-- purpose:     where rejected rows go, the per-batch reconciliation, quality results
-- target:      pipeline.rejected_rows, pipeline.reconciliation, pipeline.quality_results
-- grain:       rejected_rows: one row per rejected raw row; reconciliation: one row per
--              batch and file; quality_results: one row per check per run
-- reads:       pipeline.runs
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS pipeline.rejected_rows (
    batch_id text NOT NULL,
    source_file text NOT NULL,
    line_number bigint NOT NULL,
    record_id text,
    rule_name text NOT NULL,
    reason text NOT NULL,
    raw_row jsonb NOT NULL,
    rejected_in_batch_id text NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rejected_rows_pkey PRIMARY KEY (batch_id, source_file, line_number)
);

CREATE INDEX IF NOT EXISTS rejected_rows_record_id_idx ON pipeline.rejected_rows (source_file, record_id);

COMMENT ON TABLE pipeline.rejected_rows IS 'Quarantine: every raw row that failed a cleaning rule, kept as it arrived with the rule and a readable reason.';
COMMENT ON COLUMN pipeline.rejected_rows.batch_id IS 'Batch whose file delivered the row.';
COMMENT ON COLUMN pipeline.rejected_rows.source_file IS 'File that delivered the row, e.g. customers.csv.';
COMMENT ON COLUMN pipeline.rejected_rows.line_number IS 'Line of the row in its file (the header is line 1).';
COMMENT ON COLUMN pipeline.rejected_rows.record_id IS 'The row''s own id as delivered (customer_id, product_id, transaction_id or item_id).';
COMMENT ON COLUMN pipeline.rejected_rows.rule_name IS 'Name of the first rule the row failed, e.g. invalid_email.';
COMMENT ON COLUMN pipeline.rejected_rows.reason IS 'Readable reason naming the column and the value that failed.';
COMMENT ON COLUMN pipeline.rejected_rows.raw_row IS 'The raw row exactly as delivered, column name to text value.';
COMMENT ON COLUMN pipeline.rejected_rows.rejected_in_batch_id IS 'Batch being processed when the row was rejected (differs from batch_id for late rows).';
COMMENT ON COLUMN pipeline.rejected_rows.rejected_at IS 'When the row was quarantined.';

CREATE TABLE IF NOT EXISTS pipeline.reconciliation (
    batch_id text NOT NULL,
    source_file text NOT NULL,
    ledger_rows bigint NOT NULL,
    raw_rows bigint NOT NULL,
    waiting_in bigint NOT NULL,
    inserted bigint NOT NULL,
    updated bigint NOT NULL,
    duplicates bigint NOT NULL,
    superseded bigint NOT NULL,
    quarantined bigint NOT NULL,
    waiting_out bigint NOT NULL,
    is_balanced boolean GENERATED ALWAYS AS (
        raw_rows = ledger_rows
        AND raw_rows + waiting_in
        = inserted + updated + duplicates + superseded + quarantined + waiting_out
    ) STORED,
    reconciled_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reconciliation_pkey PRIMARY KEY (batch_id, source_file)
);

COMMENT ON TABLE pipeline.reconciliation IS 'Proof that no row was lost: per batch and file, rows in = rows accounted for. Production fails when a row does not balance.';
COMMENT ON COLUMN pipeline.reconciliation.batch_id IS 'Batch processed.';
COMMENT ON COLUMN pipeline.reconciliation.source_file IS 'Raw file, e.g. transaction_items.csv.';
COMMENT ON COLUMN pipeline.reconciliation.ledger_rows IS 'Rows COPY read from the file, from pipeline.loaded_files.';
COMMENT ON COLUMN pipeline.reconciliation.raw_rows IS 'Rows of the file found in staging.';
COMMENT ON COLUMN pipeline.reconciliation.waiting_in IS 'Rows of earlier batches still waiting for a late parent, retried in this batch.';
COMMENT ON COLUMN pipeline.reconciliation.inserted IS 'Rows that created a new production row.';
COMMENT ON COLUMN pipeline.reconciliation.updated IS 'Rows that changed an existing production row (a newer version or a correction).';
COMMENT ON COLUMN pipeline.reconciliation.duplicates IS 'Rows dropped as exact re-deliveries (identical to production or to a later row of the batch).';
COMMENT ON COLUMN pipeline.reconciliation.superseded IS 'Rows replaced by a later, different row for the same id in the same batch.';
COMMENT ON COLUMN pipeline.reconciliation.quarantined IS 'Rows written to pipeline.rejected_rows.';
COMMENT ON COLUMN pipeline.reconciliation.waiting_out IS 'Rows whose parent transaction has not arrived yet; retried with the next batch.';
COMMENT ON COLUMN pipeline.reconciliation.is_balanced IS 'True when raw_rows = ledger_rows and raw_rows + waiting_in = the sum of all outcomes.';
COMMENT ON COLUMN pipeline.reconciliation.reconciled_at IS 'When the batch was reconciled.';

CREATE TABLE IF NOT EXISTS pipeline.quality_results (
    run_id bigint NOT NULL,
    check_name text NOT NULL,
    severity text NOT NULL,
    failing_rows bigint NOT NULL,
    sample jsonb,
    checked_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT quality_results_pkey PRIMARY KEY (run_id, check_name),
    CONSTRAINT quality_results_run_id_fkey FOREIGN KEY (run_id) REFERENCES pipeline.runs (run_id),
    CONSTRAINT quality_results_severity_check CHECK (severity IN ('error', 'warn'))
);

COMMENT ON TABLE pipeline.quality_results IS 'Outcome of every quality check (sql/90_quality) per run.';
COMMENT ON COLUMN pipeline.quality_results.run_id IS 'Run that executed the check.';
COMMENT ON COLUMN pipeline.quality_results.check_name IS 'Check file name without extension.';
COMMENT ON COLUMN pipeline.quality_results.severity IS 'error (fails the run) or warn (reported only).';
COMMENT ON COLUMN pipeline.quality_results.failing_rows IS 'Number of offending rows the check returned; 0 is a pass.';
COMMENT ON COLUMN pipeline.quality_results.sample IS 'Up to 5 offending rows, for the report.';
COMMENT ON COLUMN pipeline.quality_results.checked_at IS 'When the check ran.';
