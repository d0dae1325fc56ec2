-- =====================================================================
-- 231_load_transactions_checked.sql
-- purpose:     validate the cleaned transactions (230) in one set-based pass and
--              decide each row's outcome (pipeline.decide_outcome): inserted, updated,
--              duplicate, superseded, waiting (its customer has not arrived yet) or
--              quarantined with the first rule it failed and a reason
-- target:      staging.transactions_checked
-- grain:       one row per staged or waiting transactions row
-- reads:       staging.transactions_cleaned, staging.customers_checked,
--              production.customers, production.transactions, pipeline.rejected_rows
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transactions_checked;

CREATE UNLOGGED TABLE staging.transactions_checked AS
-- The customers and the transactions in production that this batch names, looked up by
-- key (on Citus a join with the whole distributed table would read it all).
WITH customers AS (
    SELECT p.customer_id
    FROM production.customers AS p
    WHERE p.customer_id IN (SELECT c.customer_id FROM staging.transactions_cleaned AS c)
),

-- Customers whose row was quarantined, in this batch or before: their orders cannot load.
rejected_customers AS (
    SELECT k.customer_id
    FROM staging.customers_checked AS k
    WHERE k.outcome = 'quarantined' AND k.customer_id IS NOT NULL
    UNION
    SELECT r.record_id
    FROM pipeline.rejected_rows AS r
    WHERE r.source_file = 'customers.csv' AND r.record_id IS NOT NULL
),

validated AS (
    SELECT
        c.*,
        k.customer_id IS NOT NULL AS has_parent,
        CASE
            WHEN
                c.transaction_id IS NULL OR c.customer_id IS NULL OR c.transaction_date_raw IS NULL
                OR c.payment_method IS NULL OR c.total_amount_raw IS NULL
                THEN 'missing_required'
            WHEN c.transaction_date IS NULL THEN 'invalid_date'
            WHEN c.transaction_time IS NULL AND c.transaction_time_raw IS NOT NULL THEN 'invalid_date'
            WHEN c.total_amount IS NULL THEN 'invalid_number'
            WHEN c.total_amount < 0 THEN 'negative_amount'
            WHEN c.transaction_date > current_setting('pipeline.batch_id')::date THEN 'future_date'
            WHEN c.transaction_date < pipeline.earliest_accepted_date() THEN 'date_out_of_range'
            WHEN k.customer_id IS NULL AND c.customer_id IN (SELECT r.customer_id FROM rejected_customers AS r)
                THEN 'parent_rejected'
        END AS rule_name
    FROM staging.transactions_cleaned AS c
    LEFT JOIN customers AS k ON c.customer_id = k.customer_id
),

-- De-duplication, the same in every checked table: the latest line of an id wins; only
-- ids delivered more than once are looked at (a hash aggregate finds them).
repeated AS (
    SELECT
        v.transaction_id,
        max(pipeline.delivery_order(v.batch_id, v.line_number)) AS latest_delivery
    FROM validated AS v
    WHERE v.rule_name IS NULL AND v.has_parent
    GROUP BY v.transaction_id
    HAVING count(*) > 1
),

known AS (
    SELECT
        p.transaction_id,
        p.customer_id,
        p.transaction_date,
        p.transaction_time,
        pm.payment_method_name AS payment_method,
        p.shipping_address,
        p.total_amount
    FROM production.transactions AS p
    INNER JOIN production.payment_methods AS pm ON p.payment_method_id = pm.payment_method_id
    WHERE p.transaction_id IN (SELECT c.transaction_id FROM staging.transactions_cleaned AS c)
),

decided AS (
    SELECT
        v.*,
        r.latest_delivery IS NULL
        OR r.latest_delivery = pipeline.delivery_order(v.batch_id, v.line_number) AS is_latest_line,
        (v.customer_id, v.transaction_date, v.transaction_time, v.payment_method, v.shipping_address, v.total_amount)
        IS NOT DISTINCT FROM (w.customer_id, w.transaction_date, w.transaction_time, w.payment_method,
            w.shipping_address, w.total_amount) AS matches_latest_line,
        k.transaction_id IS NOT NULL AS is_in_production,
        (v.customer_id, v.transaction_date, v.transaction_time, v.payment_method, v.shipping_address, v.total_amount)
        IS NOT DISTINCT FROM (k.customer_id, k.transaction_date, k.transaction_time, k.payment_method,
            k.shipping_address, k.total_amount) AS matches_production
    FROM validated AS v
    LEFT JOIN repeated AS r ON v.rule_name IS NULL AND v.has_parent AND v.transaction_id = r.transaction_id
    LEFT JOIN validated AS w ON r.latest_delivery = pipeline.delivery_order(w.batch_id, w.line_number)
    LEFT JOIN known AS k ON v.transaction_id = k.transaction_id
)

SELECT
    d.batch_id,
    d.line_number,
    d.transaction_id,
    d.customer_id,
    d.transaction_date,
    d.transaction_time,
    d.payment_method,
    d.shipping_address,
    d.total_amount,
    d.rule_name,
    CASE d.rule_name
        WHEN 'missing_required'
            THEN 'required column(s) empty: ' || concat_ws(
                ', ',
                CASE WHEN d.transaction_id IS NULL THEN 'transaction_id' END,
                CASE WHEN d.customer_id IS NULL THEN 'customer_id' END,
                CASE WHEN d.transaction_date_raw IS NULL THEN 'transaction_date' END,
                CASE WHEN d.payment_method IS NULL THEN 'payment_method' END,
                CASE WHEN d.total_amount_raw IS NULL THEN 'total_amount' END
            )
        WHEN 'invalid_date'
            THEN
                CASE
                    WHEN d.transaction_date IS NULL
                        THEN format('transaction_date %L is not a date (YYYY-MM-DD)', d.transaction_date_raw)
                    ELSE format('transaction_time %L is not a time (HH:MM or HH:MM:SS)', d.transaction_time_raw)
                END
        WHEN 'invalid_number'
            THEN format(
                'total_amount %L is not a number (digits, optional sign, at most 2 decimals)', d.total_amount_raw
            )
        WHEN 'negative_amount' THEN format('total_amount %s must not be negative', d.total_amount)
        WHEN 'future_date'
            THEN format('transaction_date %s is after the batch date %s', d.transaction_date,
                current_setting('pipeline.batch_id'))
        WHEN 'date_out_of_range'
            THEN format('transaction_date %s is before %s, the earliest date accepted', d.transaction_date,
                pipeline.earliest_accepted_date())
        WHEN 'parent_rejected'
            THEN format('customer_id %L was quarantined, so its orders cannot be loaded', d.customer_id)
    END AS reason,
    pipeline.decide_outcome(
        d.rule_name, d.has_parent, d.is_latest_line, d.matches_latest_line, d.is_in_production, d.matches_production
    ) AS outcome
FROM decided AS d;

ANALYZE staging.transactions_checked;
