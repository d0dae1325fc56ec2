-- =====================================================================
-- 231_load_transactions_checked.sql
-- purpose:     clean, cast and validate the staged transactions, and those of earlier
--              batches still waiting for their customer, in one set-based pass, and
--              decide each row's outcome (pipeline.decide_outcome): inserted, updated,
--              duplicate, superseded, waiting (its customer has not arrived yet) or
--              quarantined with the first rule it failed and a reason
-- target:      staging.transactions_checked
-- grain:       one row per staged or waiting transactions row
-- reads:       staging.transactions, staging.transactions_waiting,
--              staging.customers_checked, production.customers, production.transactions,
--              production.payment_methods, pipeline.rejected_rows
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transactions_checked;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
-- The repeated ids below are found by sorting, not by hash tables (see 240).
SET enable_hashagg = off;

CREATE UNLOGGED TABLE staging.transactions_checked AS
-- OFFSET 0 keeps PostgreSQL from merging a subquery into the statement, so that each
-- value is cleaned, and each rule checked, once per row however often it is read. The
-- cleaning runs on the parallel workers: the planner counts its expressions as cheap and
-- would use one core, and the two costs above let it use the workers.
WITH cleaned AS (
    SELECT
        s.batch_id,
        s.line_number,
        pipeline.trim_to_null(s.transaction_id) AS transaction_id,
        pipeline.trim_to_null(s.customer_id) AS customer_id,
        pipeline.trim_to_null(s.transaction_date) AS transaction_date_raw,
        pipeline.to_date_or_null(s.transaction_date) AS transaction_date,
        pipeline.trim_to_null(s.transaction_time) AS transaction_time_raw,
        pipeline.to_time_or_null(s.transaction_time) AS transaction_time,
        pipeline.clean_text(s.payment_method) AS payment_method,
        pipeline.clean_text(s.shipping_address) AS shipping_address,
        pipeline.trim_to_null(s.total_amount) AS total_amount_raw,
        pipeline.to_money_or_null(s.total_amount) AS total_amount
    FROM (
        SELECT
            current_setting('pipeline.batch_id') AS batch_id,
            t.line_number,
            t.transaction_id,
            t.customer_id,
            t.transaction_date,
            t.transaction_time,
            t.payment_method,
            t.shipping_address,
            t.total_amount
        FROM staging.transactions AS t
        UNION ALL
        SELECT
            w.batch_id,
            w.line_number,
            w.transaction_id,
            w.customer_id,
            w.transaction_date,
            w.transaction_time,
            w.payment_method,
            w.shipping_address,
            w.total_amount
        FROM staging.transactions_waiting AS w
    ) AS s
    OFFSET 0
),

-- The ids delivered more than once (the raw ids sorted and grouped on the workers): only
-- their rows can be duplicates or superseded, and the UPDATE below looks at those alone.
-- Read from staging again, not from cleaned: a second reference would make PostgreSQL
-- materialize cleaned, on one core. An empty id is left out (its rows are quarantined):
-- otherwise a NULL in the list would make may_repeat NULL, not false, for every other id.
repeated AS (
    SELECT s.transaction_id
    FROM (
        SELECT pipeline.trim_to_null(t.transaction_id) AS transaction_id FROM staging.transactions AS t
        UNION ALL
        SELECT pipeline.trim_to_null(w.transaction_id) AS transaction_id FROM staging.transactions_waiting AS w
    ) AS s
    WHERE s.transaction_id IS NOT NULL
    GROUP BY s.transaction_id
    HAVING count(*) > 1
),

-- The customers and the transactions in production. On Citus only those this batch names,
-- looked up by key: a join with the whole distributed table would read it all. One server
-- joins the tables themselves (see 240).
customers AS (
    SELECT p.customer_id
    FROM production.customers AS p
    {%- if citus %}
    WHERE p.customer_id IN (SELECT c.customer_id FROM cleaned AS c)
    {%- endif %}
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
        c.transaction_id IN (SELECT r.transaction_id FROM repeated AS r) AS may_repeat,
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
    FROM cleaned AS c
    LEFT JOIN customers AS k ON c.customer_id = k.customer_id
    OFFSET 0
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
    {%- if citus %}
    WHERE p.transaction_id IN (SELECT c.transaction_id FROM cleaned AS c)
    {%- endif %}
),

decided AS (
    SELECT
        v.*,
        k.transaction_id IS NOT NULL AS is_in_production,
        (
            (v.customer_id, v.transaction_date, v.transaction_time, v.payment_method, v.shipping_address, v.total_amount)
            IS NOT DISTINCT FROM (
                k.customer_id, k.transaction_date, k.transaction_time, k.payment_method,
                k.shipping_address, k.total_amount
            )
        ) AS matches_production
    FROM validated AS v
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
    d.may_repeat,
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
            THEN format(
                'transaction_date %s is after the batch date %s', d.transaction_date,
                current_setting('pipeline.batch_id')
            )
        WHEN 'date_out_of_range'
            THEN format(
                'transaction_date %s is before %s, the earliest date accepted', d.transaction_date,
                pipeline.earliest_accepted_date()
            )
        WHEN 'parent_rejected'
            THEN format('customer_id %L was quarantined, so its orders cannot be loaded', d.customer_id)
    END AS reason,
    -- as if each id came once; the UPDATE below settles the ids delivered more than once
    pipeline.decide_outcome(
        d.rule_name, d.has_parent, TRUE, FALSE, d.is_in_production, d.matches_production
    ) AS outcome
FROM decided AS d;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET enable_hashagg;

-- De-duplication, the same in every checked table: of an id delivered more than once, the
-- latest valid line wins; every earlier valid line is a duplicate (same values) or
-- superseded. Only the rows of repeated ids (may_repeat, found above on the workers) are
-- looked at, as in 240.
UPDATE staging.transactions_checked AS c
SET
    outcome = pipeline.decide_outcome(
        c.rule_name, TRUE, FALSE,
        (c.customer_id, c.transaction_date, c.transaction_time, c.payment_method, c.shipping_address, c.total_amount)
        IS NOT DISTINCT FROM (
            w.customer_id, w.transaction_date, w.transaction_time, w.payment_method,
            w.shipping_address, w.total_amount
        ),
        TRUE, FALSE
    )
FROM (
    SELECT DISTINCT ON (k.transaction_id)
        k.*
    FROM staging.transactions_checked AS k
    WHERE
        k.may_repeat AND k.outcome IN ('inserted', 'updated', 'duplicate')
        AND k.transaction_id IN (
            SELECT r.transaction_id
            FROM staging.transactions_checked AS r
            WHERE r.may_repeat AND r.outcome IN ('inserted', 'updated', 'duplicate')
            GROUP BY r.transaction_id
            HAVING count(*) > 1
        )
    ORDER BY k.transaction_id, pipeline.delivery_order(k.batch_id, k.line_number) DESC
) AS w
WHERE
    c.transaction_id = w.transaction_id
    AND c.may_repeat
    AND c.outcome IN ('inserted', 'updated', 'duplicate')
    AND (c.batch_id, c.line_number) != (w.batch_id, w.line_number);

ANALYZE staging.transactions_checked;
