-- =====================================================================
-- 960_check_transaction_totals.sql
-- purpose:     transactions whose total_amount differs by more than a cent from
--              the sum of their loaded order lines (shipping, fees or a source
--              error); transactions with any quarantined or still waiting item are
--              left out, since their loaded lines are known to be incomplete
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per transaction that does not add up
-- reads:       pipeline.check_scope_start(), production.transactions, production.transaction_items,
--              pipeline.rejected_rows, staging.transaction_items_waiting
-- scope:       transactions of the batches from pipeline.check_scope_start() on, or with
--              lines from them (all when unset)
-- rerunnable:  yes (read only)
-- severity:    warn
-- =====================================================================
-- Transactions in scope: their row was written by a batch in scope, or else one of their
-- lines was (on a full check the second part is empty, and never read).
WITH in_scope AS (
    SELECT
        t.transaction_id,
        t.transaction_date,
        t.total_amount
    FROM production.transactions AS t
    WHERE t.last_batch_id >= pipeline.check_scope_start()
    UNION ALL
    SELECT
        t.transaction_id,
        t.transaction_date,
        t.total_amount
    FROM production.transactions AS t
    WHERE
        t.last_batch_id < pipeline.check_scope_start()
        AND t.transaction_id IN (
            SELECT ti.transaction_id
            FROM production.transaction_items AS ti
            WHERE ti.last_batch_id >= pipeline.check_scope_start()
        )
),

-- Each order's lines summed by the index on transaction_id: a grouping of every line by
-- order spills to disk and finishes on one process at scale 400 (docs/benchmarks.md).
totals AS (
    SELECT
        s.transaction_id,
        s.transaction_date,
        s.total_amount,
        l.loaded_items,
        l.items_total
    FROM in_scope AS s
    CROSS JOIN LATERAL (
        SELECT
            count(*) AS loaded_items,
            coalesce(sum(ti.line_total), 0) AS items_total
        FROM production.transaction_items AS ti
        WHERE ti.transaction_id = s.transaction_id
    ) AS l
),

-- Orders known to be incomplete: a line was quarantined or is still waiting.
incomplete AS (
    SELECT pipeline.trim_to_null(r.raw_row ->> 'transaction_id') AS transaction_id
    FROM pipeline.rejected_rows AS r
    WHERE r.source_file = 'transaction_items.csv'
    UNION
    SELECT pipeline.trim_to_null(w.transaction_id)
    FROM staging.transaction_items_waiting AS w
)

SELECT
    o.transaction_id,
    o.transaction_date,
    o.total_amount,
    o.loaded_items,
    o.items_total,
    o.total_amount - o.items_total AS difference
FROM totals AS o
WHERE
    abs(o.total_amount - o.items_total) > 0.01
    AND o.transaction_id NOT IN (
        SELECT i.transaction_id FROM incomplete AS i
        WHERE i.transaction_id IS NOT NULL
    )
ORDER BY o.transaction_id;
