-- =====================================================================
-- 130_create_transaction_items.sql
-- purpose:     staging table for transaction_items.csv: every column as text, as delivered,
--              plus the load metadata that lets a rejected row be traced to its line
-- target:      staging.transaction_items
-- grain:       one row per data line of transaction_items.csv in the batch being loaded
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS staging.transaction_items (
    item_id text,
    transaction_id text,
    product_id text,
    quantity text,
    unit_price text,
    discount_percentage text,
    line_total text,
    batch_id text NOT NULL DEFAULT current_setting('pipeline.batch_id'),
    source_file text NOT NULL DEFAULT 'transaction_items.csv',
    line_number bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
    loaded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE staging.transaction_items IS 'Raw rows of transaction_items.csv exactly as delivered (all text); truncated for each batch.';
COMMENT ON COLUMN staging.transaction_items.item_id IS 'Raw text of column item_id.';
COMMENT ON COLUMN staging.transaction_items.transaction_id IS 'Raw text of column transaction_id.';
COMMENT ON COLUMN staging.transaction_items.product_id IS 'Raw text of column product_id.';
COMMENT ON COLUMN staging.transaction_items.quantity IS 'Raw text of column quantity.';
COMMENT ON COLUMN staging.transaction_items.unit_price IS 'Raw text of column unit_price.';
COMMENT ON COLUMN staging.transaction_items.discount_percentage IS 'Raw text of column discount_percentage.';
COMMENT ON COLUMN staging.transaction_items.line_total IS 'Raw text of column line_total.';
COMMENT ON COLUMN staging.transaction_items.batch_id IS 'Batch (as-of date folder) the row came from.';
COMMENT ON COLUMN staging.transaction_items.source_file IS 'File the row came from.';
COMMENT ON COLUMN staging.transaction_items.line_number IS 'Line of the row in its file; the header is line 1.';
COMMENT ON COLUMN staging.transaction_items.loaded_at IS 'When the row was copied in.';
