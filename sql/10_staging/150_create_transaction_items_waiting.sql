-- =====================================================================
-- 150_create_transaction_items_waiting.sql
-- purpose:     raw transaction_items rows whose transaction has not arrived yet (a late
--              parent). They are not lost: production retries them with every batch
--              until the parent arrives or is quarantined.
-- target:      staging.transaction_items_waiting
-- grain:       one row per raw transaction_items row still waiting, keyed by its batch and line
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS staging.transaction_items_waiting (
    item_id text,
    transaction_id text,
    product_id text,
    quantity text,
    unit_price text,
    discount_percentage text,
    line_total text,
    batch_id text NOT NULL,
    line_number bigint NOT NULL,
    loaded_at timestamptz NOT NULL,
    CONSTRAINT transaction_items_waiting_pkey PRIMARY KEY (batch_id, line_number)
);

SELECT pipeline.distribute('staging.transaction_items_waiting');

COMMENT ON TABLE staging.transaction_items_waiting IS 'Raw transaction_items rows waiting for their transaction to arrive; retried with every batch.';
COMMENT ON COLUMN staging.transaction_items_waiting.item_id IS 'Raw text of column item_id.';
COMMENT ON COLUMN staging.transaction_items_waiting.transaction_id IS 'Raw text of column transaction_id.';
COMMENT ON COLUMN staging.transaction_items_waiting.product_id IS 'Raw text of column product_id.';
COMMENT ON COLUMN staging.transaction_items_waiting.quantity IS 'Raw text of column quantity.';
COMMENT ON COLUMN staging.transaction_items_waiting.unit_price IS 'Raw text of column unit_price.';
COMMENT ON COLUMN staging.transaction_items_waiting.discount_percentage IS 'Raw text of column discount_percentage.';
COMMENT ON COLUMN staging.transaction_items_waiting.line_total IS 'Raw text of column line_total.';
COMMENT ON COLUMN staging.transaction_items_waiting.batch_id IS 'Batch that delivered the row.';
COMMENT ON COLUMN staging.transaction_items_waiting.line_number IS 'Line of the row in its file.';
COMMENT ON COLUMN staging.transaction_items_waiting.loaded_at IS 'When the row started waiting.';
