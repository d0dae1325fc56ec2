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
WITH transactions_in_scope AS (
    SELECT t.transaction_id
    FROM production.transactions AS t
    WHERE t.last_batch_id >= pipeline.check_scope_start()
    UNION
    SELECT ti.transaction_id
    FROM production.transaction_items AS ti
    WHERE ti.last_batch_id >= pipeline.check_scope_start()
),

-- Orders known to be incomplete: a line was quarantined or is still waiting.
incomplete AS (
    SELECT pipeline.trim_to_null(r.raw_row ->> 'transaction_id') AS transaction_id
    FROM pipeline.rejected_rows AS r
    WHERE r.source_file = 'transaction_items.csv'
    UNION
    SELECT pipeline.trim_to_null(w.transaction_id)
    FROM staging.transaction_items_waiting AS w
),

line_sums AS (
    SELECT
        ti.transaction_id,
        count(*) AS loaded_items,
        sum(ti.line_total) AS items_total
    FROM production.transaction_items AS ti
    WHERE ti.transaction_id IN (SELECT s.transaction_id FROM transactions_in_scope AS s)
    GROUP BY ti.transaction_id
)

SELECT
    t.transaction_id,
    t.transaction_date,
    t.total_amount,
    coalesce(ls.loaded_items, 0) AS loaded_items,
    coalesce(ls.items_total, 0) AS items_total,
    t.total_amount - coalesce(ls.items_total, 0) AS difference
FROM production.transactions AS t
LEFT JOIN line_sums AS ls ON t.transaction_id = ls.transaction_id
WHERE
    t.transaction_id IN (SELECT s.transaction_id FROM transactions_in_scope AS s)
    AND abs(t.total_amount - coalesce(ls.items_total, 0)) > 0.01
    AND t.transaction_id NOT IN (
        SELECT i.transaction_id FROM incomplete AS i
        WHERE i.transaction_id IS NOT NULL
    )
ORDER BY t.transaction_id;
