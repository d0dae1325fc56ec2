-- =====================================================================
-- 240_load_transaction_items_checked.sql
-- purpose:     clean, cast and validate the staged items, and the items of earlier
--              batches still waiting for their transaction, in one set-based pass, and
--              decide each row's outcome (pipeline.decide_outcome): inserted, updated,
--              duplicate, superseded, waiting (its transaction has not arrived yet)
--              or quarantined with the first rule it failed and a reason
-- target:      staging.transaction_items_checked
-- grain:       one row per staged or waiting item row
-- reads:       staging.transaction_items, staging.transaction_items_waiting,
--              staging.transactions_checked, production.transaction_items,
--              production.transactions, production.products, pipeline.rejected_rows
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.transaction_items_checked;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
-- The repeated ids below are found by sorting, not by hash tables: almost every id is
-- distinct, so hashing them builds a group per id (17.7 s for the 10.1 M order lines of
-- scale 400, against 3.8 s sorted on the workers). The statement has no other grouping
-- worth hashing.
SET enable_hashagg = off;

CREATE UNLOGGED TABLE staging.transaction_items_checked AS
-- OFFSET 0 keeps PostgreSQL from merging a subquery into the statement, so that each
-- value is cleaned, and each rule checked, once per row however often it is read. The
-- cleaning runs on the parallel workers (the two costs above let the planner use them).
WITH cleaned AS (
    SELECT
        s.batch_id,
        s.line_number,
        pipeline.trim_to_null(s.item_id) AS item_id,
        pipeline.trim_to_null(s.transaction_id) AS transaction_id,
        pipeline.trim_to_null(s.product_id) AS product_id,
        pipeline.trim_to_null(s.quantity) AS quantity_raw,
        pipeline.to_integer_or_null(s.quantity) AS quantity,
        pipeline.trim_to_null(s.unit_price) AS unit_price_raw,
        pipeline.to_money_or_null(s.unit_price) AS unit_price,
        pipeline.trim_to_null(s.discount_percentage) AS discount_percentage_raw,
        -- an empty discount is no discount
        CASE
            WHEN pipeline.trim_to_null(s.discount_percentage) IS NULL THEN 0
            ELSE pipeline.to_money_or_null(s.discount_percentage)
        END AS discount_percentage,
        pipeline.trim_to_null(s.line_total) AS line_total_raw,
        pipeline.to_money_or_null(s.line_total) AS line_total
    FROM (
        SELECT
            current_setting('pipeline.batch_id') AS batch_id,
            i.line_number,
            i.item_id,
            i.transaction_id,
            i.product_id,
            i.quantity,
            i.unit_price,
            i.discount_percentage,
            i.line_total
        FROM staging.transaction_items AS i
        UNION ALL
        SELECT
            w.batch_id,
            w.line_number,
            w.item_id,
            w.transaction_id,
            w.product_id,
            w.quantity,
            w.unit_price,
            w.discount_percentage,
            w.line_total
        FROM staging.transaction_items_waiting AS w
    ) AS s
    OFFSET 0
),

-- The ids delivered more than once (the raw ids sorted and grouped on the workers): only
-- their rows can be duplicates or superseded, and the UPDATE below looks at those alone.
-- Read from staging again, not from cleaned: a second reference would make PostgreSQL
-- materialize cleaned, on one core. An empty id is left out (its rows are quarantined):
-- otherwise a NULL in the list would make may_repeat NULL, not false, for every other id.
repeated AS (
    SELECT s.item_id
    FROM (
        SELECT pipeline.trim_to_null(i.item_id) AS item_id FROM staging.transaction_items AS i
        UNION ALL
        SELECT pipeline.trim_to_null(w.item_id) AS item_id FROM staging.transaction_items_waiting AS w
    ) AS s
    WHERE s.item_id IS NOT NULL
    GROUP BY s.item_id
    HAVING count(*) > 1
),

-- The transactions and products in production. On Citus only those this batch names, looked
-- up by key: a join with the whole distributed table would read it all. One server joins
-- the tables themselves, by index on a daily run, and without hashing the batch's ids
-- three more times on a first load (0.6 s less at scale 40, docs/benchmarks.md).
parents AS (
    SELECT t.transaction_id
    FROM production.transactions AS t
    {%- if citus %}
    WHERE t.transaction_id IN (SELECT c.transaction_id FROM cleaned AS c)
    {%- endif %}
),

products AS (
    SELECT p.product_id
    FROM production.products AS p
    {%- if citus %}
    WHERE p.product_id IN (SELECT c.product_id FROM cleaned AS c)
    {%- endif %}
),

-- Transactions whose row was quarantined, in this batch or before: their lines cannot load.
rejected_parents AS (
    SELECT k.transaction_id
    FROM staging.transactions_checked AS k
    WHERE k.outcome = 'quarantined' AND k.transaction_id IS NOT NULL
    UNION
    SELECT r.record_id
    FROM pipeline.rejected_rows AS r
    WHERE r.source_file = 'transactions.csv' AND r.record_id IS NOT NULL
),

validated AS (
    SELECT
        c.*,
        t.transaction_id IS NOT NULL AS has_parent,
        c.item_id IN (SELECT r.item_id FROM repeated AS r) AS may_repeat,
        CASE
            WHEN
                c.item_id IS NULL OR c.transaction_id IS NULL OR c.product_id IS NULL OR c.quantity_raw IS NULL
                OR c.unit_price_raw IS NULL OR c.line_total_raw IS NULL
                THEN 'missing_required'
            WHEN c.quantity IS NULL OR c.unit_price IS NULL OR c.discount_percentage IS NULL OR c.line_total IS NULL
                THEN 'invalid_number'
            WHEN c.quantity <= 0 THEN 'quantity_not_positive'
            WHEN c.discount_percentage NOT BETWEEN 0 AND 100 THEN 'discount_out_of_range'
            WHEN c.unit_price < 0 OR c.line_total < 0 THEN 'negative_amount'
            WHEN abs(round(c.quantity * c.unit_price * (1 - c.discount_percentage / 100), 2) - c.line_total) > 0.01
                THEN 'line_total_mismatch'
            WHEN p.product_id IS NULL THEN 'unknown_product'
            WHEN t.transaction_id IS NULL AND c.transaction_id IN (SELECT r.transaction_id FROM rejected_parents AS r)
                THEN 'parent_rejected'
        END AS rule_name
    FROM cleaned AS c
    LEFT JOIN parents AS t ON c.transaction_id = t.transaction_id
    LEFT JOIN products AS p ON c.product_id = p.product_id
    OFFSET 0
),

-- The lines in production that this batch delivers again, wherever they are (as above).
known AS (
    SELECT
        p.item_id,
        p.transaction_id,
        p.product_id,
        p.quantity,
        p.unit_price,
        p.discount_percentage,
        p.line_total
    FROM production.transaction_items AS p
    {%- if citus %}
    WHERE p.item_id IN (SELECT c.item_id FROM cleaned AS c)
    {%- endif %}
),

decided AS (
    SELECT
        v.*,
        k.item_id IS NOT NULL AS is_in_production,
        k.transaction_id AS previous_transaction_id,
        (
            (v.transaction_id, v.product_id, v.quantity, v.unit_price, v.discount_percentage, v.line_total)
            IS NOT DISTINCT FROM (
                k.transaction_id, k.product_id, k.quantity, k.unit_price, k.discount_percentage,
                k.line_total
            )
        ) AS matches_production
    FROM validated AS v
    LEFT JOIN known AS k ON v.item_id = k.item_id
)

SELECT
    d.batch_id,
    d.line_number,
    d.item_id,
    d.transaction_id,
    d.product_id,
    d.quantity,
    d.unit_price,
    d.discount_percentage,
    d.line_total,
    d.previous_transaction_id,
    d.rule_name,
    d.may_repeat,
    CASE d.rule_name
        WHEN 'missing_required'
            THEN 'required column(s) empty: ' || concat_ws(
                ', ',
                CASE WHEN d.item_id IS NULL THEN 'item_id' END,
                CASE WHEN d.transaction_id IS NULL THEN 'transaction_id' END,
                CASE WHEN d.product_id IS NULL THEN 'product_id' END,
                CASE WHEN d.quantity_raw IS NULL THEN 'quantity' END,
                CASE WHEN d.unit_price_raw IS NULL THEN 'unit_price' END,
                CASE WHEN d.line_total_raw IS NULL THEN 'line_total' END
            )
        WHEN 'invalid_number'
            THEN 'not a number (digits, optional sign, at most 2 decimals): ' || concat_ws(
                ', ',
                CASE WHEN d.quantity IS NULL THEN format('quantity %L', d.quantity_raw) END,
                CASE WHEN d.unit_price IS NULL THEN format('unit_price %L', d.unit_price_raw) END,
                CASE WHEN d.discount_percentage IS NULL THEN format('discount_percentage %L', d.discount_percentage_raw) END,
                CASE WHEN d.line_total IS NULL THEN format('line_total %L', d.line_total_raw) END
            )
        WHEN 'quantity_not_positive' THEN format('quantity %s must be greater than 0', d.quantity)
        WHEN 'discount_out_of_range'
            THEN format('discount_percentage %s must be between 0 and 100', d.discount_percentage)
        WHEN 'negative_amount'
            THEN concat_ws(
                ', ',
                CASE WHEN d.unit_price < 0 THEN format('unit_price %s', d.unit_price) END,
                CASE WHEN d.line_total < 0 THEN format('line_total %s', d.line_total) END
            ) || ' must not be negative'
        WHEN 'line_total_mismatch'
            THEN format(
                'line_total %s differs from quantity x unit_price x (1 - discount/100) = %s by more than one cent',
                d.line_total, round(d.quantity * d.unit_price * (1 - d.discount_percentage / 100), 2)
            )
        WHEN 'unknown_product' THEN format('product_id %L is not a known product', d.product_id)
        WHEN 'parent_rejected'
            THEN format('transaction_id %L was quarantined, so its items cannot be loaded', d.transaction_id)
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
-- looked at: an UPDATE runs on one core, and grouping every id here took 0.9 of 5.1 s.
UPDATE staging.transaction_items_checked AS c
SET
    outcome = pipeline.decide_outcome(
        c.rule_name, TRUE, FALSE,
        (c.transaction_id, c.product_id, c.quantity, c.unit_price, c.discount_percentage, c.line_total)
        IS NOT DISTINCT FROM (
            w.transaction_id, w.product_id, w.quantity, w.unit_price, w.discount_percentage,
            w.line_total
        ),
        TRUE, FALSE
    )
FROM (
    SELECT DISTINCT ON (k.item_id)
        k.*
    FROM staging.transaction_items_checked AS k
    WHERE
        k.may_repeat AND k.outcome IN ('inserted', 'updated', 'duplicate')
        AND k.item_id IN (
            SELECT r.item_id
            FROM staging.transaction_items_checked AS r
            WHERE r.may_repeat AND r.outcome IN ('inserted', 'updated', 'duplicate')
            GROUP BY r.item_id
            HAVING count(*) > 1
        )
    ORDER BY k.item_id, pipeline.delivery_order(k.batch_id, k.line_number) DESC
) AS w
WHERE
    c.item_id = w.item_id
    AND c.may_repeat
    AND c.outcome IN ('inserted', 'updated', 'duplicate')
    AND (c.batch_id, c.line_number) != (w.batch_id, w.line_number);

ANALYZE staging.transaction_items_checked;
