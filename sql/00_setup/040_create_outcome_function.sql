-- =====================================================================
-- 040_create_outcome_function.sql
-- purpose:     the one rule that decides what happens to a raw row, used by every
--              checked table of the production stage: quarantined (it failed a
--              rule), waiting (its parent has not arrived), duplicate or superseded
--              (a later line of the batch delivers the same id), inserted, updated,
--              or duplicate (production already holds exactly this)
--              and the order in which rows were delivered, which decides the latest
-- target:      pipeline.decide_outcome, pipeline.delivery_order
-- grain:       one function each
-- reads:       (none)
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================
CREATE OR REPLACE FUNCTION pipeline.decide_outcome(
    rule_name text,
    has_parent boolean,
    is_latest_line boolean,
    matches_latest_line boolean,
    is_in_production boolean,
    matches_production boolean
)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
            WHEN rule_name IS NOT NULL THEN 'quarantined'
            WHEN NOT has_parent THEN 'waiting'
            WHEN NOT is_latest_line AND matches_latest_line THEN 'duplicate'
            WHEN NOT is_latest_line THEN 'superseded'
            WHEN NOT is_in_production THEN 'inserted'
            WHEN matches_production THEN 'duplicate'
            ELSE 'updated'
        END
$$;

-- Rows retried from earlier batches meet the batch's own: the latest delivered is the one
-- of the latest batch, then of the highest line. One bigint says both: the batch id's
-- digits (YYYYMMDD), then ten digits of line number (a file has fewer than ten billion
-- lines). Text to bigint, not to date: that cast is IMMUTABLE, so the function is inlined.
CREATE OR REPLACE FUNCTION pipeline.delivery_order(batch_id text, line_number bigint)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT replace(batch_id, '-', '')::bigint * 10000000000 + line_number
$$;

COMMENT ON FUNCTION pipeline.delivery_order(text, bigint) IS 'Order of delivery of a raw row: by batch date, then line; the latest delivered line of an id wins.';
COMMENT ON FUNCTION pipeline.decide_outcome(text, boolean, boolean, boolean, boolean, boolean) IS 'Outcome of a raw row: quarantined, waiting, duplicate, superseded, inserted or updated (the reconciliation counts these).';
