-- =====================================================================
-- 240_load_transaction_items_checked.sql
-- purpose:     validate the cleaned items (239: staged, and earlier batches' items
--              still waiting for their transaction) and decide each row's outcome:
--              inserted, updated, duplicate, superseded, quarantined (first failed
--              rule and a reason) or waiting (its transaction has not arrived yet)
-- target:      staging.transaction_items_checked
-- grain:       one row per staged or waiting item row
-- reads:       staging.transaction_items_cleaned, production.transaction_items,
--              production.transactions, production.products, pipeline.rejected_rows
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transaction_items_checked;

CREATE UNLOGGED TABLE staging.transaction_items_checked AS
WITH ruled AS (
    SELECT
        c.*,
        concat_ws(
            ', ',
            CASE WHEN c.item_id IS NULL THEN 'item_id' END,
            CASE WHEN c.transaction_id IS NULL THEN 'transaction_id' END,
            CASE WHEN c.product_id IS NULL THEN 'product_id' END,
            CASE WHEN c.quantity_raw IS NULL THEN 'quantity' END,
            CASE WHEN c.unit_price_raw IS NULL THEN 'unit_price' END,
            CASE WHEN c.line_total_raw IS NULL THEN 'line_total' END
        ) AS missing_columns,
        concat_ws(
            ', ',
            CASE WHEN c.quantity IS NULL THEN format('quantity %L', c.quantity_raw) END,
            CASE WHEN c.unit_price IS NULL THEN format('unit_price %L', c.unit_price_raw) END,
            CASE
                WHEN c.discount_percentage IS NULL
                    THEN format('discount_percentage %L', c.discount_percentage_raw)
            END,
            CASE WHEN c.line_total IS NULL THEN format('line_total %L', c.line_total_raw) END
        ) AS invalid_numbers,
        round(c.quantity * c.unit_price * (1 - c.discount_percentage / 100), 2) AS expected_line_total,
        md5(
            row(
                c.transaction_id, c.product_id, c.quantity, c.unit_price,
                c.discount_percentage, c.line_total
            )::text
        ) AS source_hash,
        (c.batch_id != current_setting('pipeline.batch_id')) AS is_retry
    FROM staging.transaction_items_cleaned AS c
),

validated AS MATERIALIZED (
    SELECT
        r.*,
        t.transaction_id IS NOT NULL AS has_parent,
        CASE
            WHEN r.missing_columns != '' THEN 'missing_required'
            WHEN r.invalid_numbers != '' THEN 'invalid_number'
            WHEN r.quantity <= 0 THEN 'quantity_not_positive'
            WHEN r.discount_percentage NOT BETWEEN 0 AND 100 THEN 'discount_out_of_range'
            WHEN r.unit_price < 0 OR r.line_total < 0 THEN 'negative_amount'
            WHEN abs(r.expected_line_total - r.line_total) > 0.01 THEN 'line_total_mismatch'
            WHEN NOT EXISTS (
                SELECT FROM production.products AS known
                WHERE known.product_id = r.product_id
            ) THEN 'unknown_product'
            WHEN t.transaction_id IS NULL AND EXISTS (
                SELECT FROM pipeline.rejected_rows AS rejected
                WHERE
                    rejected.source_file = 'transactions.csv'
                    AND rejected.record_id = r.transaction_id
            ) THEN 'parent_rejected'
        END AS rule_name
    FROM ruled AS r
    LEFT JOIN production.transactions AS t ON r.transaction_id = t.transaction_id
),

-- Most ids occur once: rank only the rows of ids delivered more than once (a hash
-- aggregate finds them), instead of sorting every row of the batch.
repeated AS (
    SELECT v.item_id
    FROM validated AS v
    WHERE v.rule_name IS NULL AND v.has_parent
    GROUP BY v.item_id
    HAVING count(*) > 1
),

ranked AS (
    SELECT
        v.batch_id,
        v.line_number,
        row_number() OVER latest_first AS rank_in_batch,
        first_value(v.source_hash) OVER latest_first AS winner_hash
    FROM validated AS v
    WHERE
        v.rule_name IS NULL AND v.has_parent
        AND v.item_id IN (SELECT r.item_id FROM repeated AS r)
    WINDOW latest_first AS (PARTITION BY v.item_id ORDER BY v.batch_id DESC, v.line_number DESC)
)

SELECT
    k.batch_id,
    k.source_file,
    k.line_number,
    k.is_retry,
    k.item_id,
    k.transaction_id,
    k.product_id,
    k.quantity,
    k.unit_price,
    k.discount_percentage,
    k.line_total,
    k.source_hash,
    k.rule_name,
    CASE k.rule_name
        WHEN 'missing_required' THEN 'required column(s) empty: ' || k.missing_columns
        WHEN 'invalid_number' THEN 'not a number (digits, optional sign, at most 2 decimals): ' || k.invalid_numbers
        WHEN 'quantity_not_positive' THEN format('quantity %s must be greater than 0', k.quantity)
        WHEN 'discount_out_of_range'
            THEN
                format(
                    'discount_percentage %s must be between 0 and 100', k.discount_percentage
                )
        WHEN 'negative_amount'
            THEN
                concat_ws(
                    ', ',
                    CASE WHEN k.unit_price < 0 THEN format('unit_price %s', k.unit_price) END,
                    CASE WHEN k.line_total < 0 THEN format('line_total %s', k.line_total) END
                ) || ' must not be negative'
        WHEN 'line_total_mismatch'
            THEN
                format(
                    'line_total %s differs from quantity x unit_price x (1 - discount/100) = %s by more than one cent',
                    k.line_total, k.expected_line_total
                )
        WHEN 'unknown_product' THEN format('product_id %L is not a known product', k.product_id)
        WHEN 'parent_rejected' THEN format(
            'transaction_id %L was quarantined, so its items cannot be loaded', k.transaction_id
        )
    END AS reason,
    CASE
        WHEN k.rule_name IS NOT NULL THEN 'quarantined'
        WHEN NOT k.has_parent THEN 'waiting'
        WHEN rk.rank_in_batch > 1 AND k.source_hash = rk.winner_hash THEN 'duplicate'
        WHEN rk.rank_in_batch > 1 THEN 'superseded'
        WHEN p.source_hash IS NULL THEN 'inserted'
        WHEN p.source_hash = k.source_hash THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM validated AS k
LEFT JOIN ranked AS rk ON k.batch_id = rk.batch_id AND k.line_number = rk.line_number
LEFT JOIN production.transaction_items AS p ON k.item_id = p.item_id;
