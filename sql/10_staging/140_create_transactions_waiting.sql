-- =====================================================================
-- 140_create_transactions_waiting.sql
-- purpose:     raw transactions rows whose customer has not arrived yet (a late
--              parent). They are not lost: production retries them with every batch
--              until the parent arrives or is quarantined.
-- target:      staging.transactions_waiting
-- grain:       one row per raw transactions row still waiting, keyed by its batch and line
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS staging.transactions_waiting (
    transaction_id text,
    customer_id text,
    transaction_date text,
    transaction_time text,
    payment_method text,
    shipping_address text,
    total_amount text,
    batch_id text NOT NULL,
    line_number bigint NOT NULL,
    loaded_at timestamptz NOT NULL,
    CONSTRAINT transactions_waiting_pkey PRIMARY KEY (batch_id, line_number)
);

SELECT pipeline.distribute('staging.transactions_waiting');

COMMENT ON TABLE staging.transactions_waiting IS 'Raw transactions rows waiting for their customer to arrive; retried with every batch.';
COMMENT ON COLUMN staging.transactions_waiting.transaction_id IS 'Raw text of column transaction_id.';
COMMENT ON COLUMN staging.transactions_waiting.customer_id IS 'Raw text of column customer_id.';
COMMENT ON COLUMN staging.transactions_waiting.transaction_date IS 'Raw text of column transaction_date.';
COMMENT ON COLUMN staging.transactions_waiting.transaction_time IS 'Raw text of column transaction_time.';
COMMENT ON COLUMN staging.transactions_waiting.payment_method IS 'Raw text of column payment_method.';
COMMENT ON COLUMN staging.transactions_waiting.shipping_address IS 'Raw text of column shipping_address.';
COMMENT ON COLUMN staging.transactions_waiting.total_amount IS 'Raw text of column total_amount.';
COMMENT ON COLUMN staging.transactions_waiting.batch_id IS 'Batch that delivered the row.';
COMMENT ON COLUMN staging.transactions_waiting.line_number IS 'Line of the row in its file.';
COMMENT ON COLUMN staging.transactions_waiting.loaded_at IS 'When the row started waiting.';
