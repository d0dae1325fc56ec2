-- =====================================================================
-- 120_create_transactions.sql
-- purpose:     staging table for transactions.csv: every column as text, as delivered,
--              plus the load metadata that lets a rejected row be traced to its line
-- target:      staging.transactions
-- grain:       one row per data line of transactions.csv in the batch being loaded
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS staging.transactions (
    transaction_id text,
    customer_id text,
    transaction_date text,
    transaction_time text,
    payment_method text,
    shipping_address text,
    total_amount text,
    batch_id text NOT NULL DEFAULT current_setting('pipeline.batch_id'),
    source_file text NOT NULL DEFAULT 'transactions.csv',
    line_number bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
    loaded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE staging.transactions IS 'Raw rows of transactions.csv exactly as delivered (all text); truncated for each batch.';
COMMENT ON COLUMN staging.transactions.transaction_id IS 'Raw text of column transaction_id.';
COMMENT ON COLUMN staging.transactions.customer_id IS 'Raw text of column customer_id.';
COMMENT ON COLUMN staging.transactions.transaction_date IS 'Raw text of column transaction_date.';
COMMENT ON COLUMN staging.transactions.transaction_time IS 'Raw text of column transaction_time.';
COMMENT ON COLUMN staging.transactions.payment_method IS 'Raw text of column payment_method.';
COMMENT ON COLUMN staging.transactions.shipping_address IS 'Raw text of column shipping_address.';
COMMENT ON COLUMN staging.transactions.total_amount IS 'Raw text of column total_amount.';
COMMENT ON COLUMN staging.transactions.batch_id IS 'Batch (as-of date folder) the row came from.';
COMMENT ON COLUMN staging.transactions.source_file IS 'File the row came from.';
COMMENT ON COLUMN staging.transactions.line_number IS 'Line of the row in its file; the header is line 1.';
COMMENT ON COLUMN staging.transactions.loaded_at IS 'When the row was copied in.';
