-- =====================================================================
-- 231_load_transactions_checked.sql
-- purpose:     validate the cleaned transactions (230) in one set-based pass, and
--              decide each row's outcome (inserted, updated, duplicate, superseded,
--              quarantined with its first failed rule and a reason)
-- target:      staging.transactions_checked
-- grain:       one row per staged transactions row
-- reads:       staging.transactions_cleaned, production.transactions, production.customers
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transactions_checked;

CREATE UNLOGGED TABLE staging.transactions_checked AS
WITH ruled AS (
    SELECT
        c.*,
        concat_ws(
            ', ',
            CASE WHEN c.transaction_id IS NULL THEN 'transaction_id' END,
            CASE WHEN c.customer_id IS NULL THEN 'customer_id' END,
            CASE WHEN c.transaction_date_raw IS NULL THEN 'transaction_date' END,
            CASE WHEN c.payment_method IS NULL THEN 'payment_method' END,
            CASE WHEN c.total_amount_raw IS NULL THEN 'total_amount' END
        ) AS missing_columns,
        md5(
            row(
                c.customer_id, c.transaction_date, c.transaction_time, c.payment_method,
                c.shipping_address, c.total_amount
            )::text
        ) AS source_hash
    FROM staging.transactions_cleaned AS c
),

validated AS MATERIALIZED (
    SELECT
        r.*,
        CASE
            WHEN r.missing_columns != '' THEN 'missing_required'
            WHEN r.transaction_date IS NULL THEN 'invalid_date'
            WHEN r.transaction_time IS NULL AND r.transaction_time_raw IS NOT NULL THEN 'invalid_date'
            WHEN r.total_amount IS NULL THEN 'invalid_number'
            WHEN r.total_amount < 0 THEN 'negative_amount'
            WHEN r.transaction_date > current_setting('pipeline.batch_id')::date THEN 'future_date'
            WHEN NOT EXISTS (
                SELECT FROM production.customers AS known
                WHERE known.customer_id = r.customer_id
            ) THEN 'unknown_customer'
        END AS rule_name
    FROM ruled AS r
),

-- Most ids occur once: rank only the rows of ids delivered more than once (a hash
-- aggregate finds them), instead of sorting every row of the batch.
repeated AS (
    SELECT v.transaction_id
    FROM validated AS v
    WHERE v.rule_name IS NULL
    GROUP BY v.transaction_id
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
        v.rule_name IS NULL
        AND v.transaction_id IN (SELECT r.transaction_id FROM repeated AS r)
    WINDOW latest_first AS (PARTITION BY v.transaction_id ORDER BY v.line_number DESC)
)

SELECT
    k.batch_id,
    k.source_file,
    k.line_number,
    k.transaction_id,
    k.customer_id,
    k.transaction_date,
    k.transaction_time,
    k.payment_method,
    k.shipping_address,
    k.total_amount,
    k.source_hash,
    k.rule_name,
    CASE k.rule_name
        WHEN 'missing_required' THEN 'required column(s) empty: ' || k.missing_columns
        WHEN 'invalid_date'
            THEN
                CASE
                    WHEN k.transaction_date IS NULL
                        THEN format('transaction_date %L is not a date (YYYY-MM-DD)', k.transaction_date_raw)
                    ELSE format('transaction_time %L is not a time (HH:MM or HH:MM:SS)', k.transaction_time_raw)
                END
        WHEN 'invalid_number'
            THEN
                format(
                    'total_amount %L is not a number (digits, optional sign, at most 2 decimals)', k.total_amount_raw
                )
        WHEN 'negative_amount' THEN format('total_amount %s must not be negative', k.total_amount)
        WHEN 'future_date'
            THEN
                format(
                    'transaction_date %s is after the batch date %s', k.transaction_date, k.batch_id
                )
        WHEN 'unknown_customer' THEN format('customer_id %L is not a known customer', k.customer_id)
    END AS reason,
    CASE
        WHEN k.rule_name IS NOT NULL THEN 'quarantined'
        WHEN rk.rank_in_batch > 1 AND k.source_hash = rk.winner_hash THEN 'duplicate'
        WHEN rk.rank_in_batch > 1 THEN 'superseded'
        WHEN p.source_hash IS NULL THEN 'inserted'
        WHEN p.source_hash = k.source_hash THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM validated AS k
LEFT JOIN ranked AS rk ON k.batch_id = rk.batch_id AND k.line_number = rk.line_number
LEFT JOIN production.transactions AS p ON k.transaction_id = p.transaction_id;
