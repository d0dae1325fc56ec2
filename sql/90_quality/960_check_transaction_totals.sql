-- =====================================================================
-- 960_check_transaction_totals.sql
-- purpose:     transactions whose total_amount differs by more than a cent from
--              the sum of their loaded order lines (shipping, fees or a source
--              error); transactions with any quarantined or still waiting item are
--              left out, since their loaded lines are known to be incomplete
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per transaction that does not add up
-- reads:       production.transactions, production.transaction_items,
--              pipeline.rejected_rows, staging.transaction_items_waiting
-- scope:       transactions changed since pipeline.check_since(), or whose lines
--              changed since then (everything when unset)
-- rerunnable:  yes (read only)
-- severity:    warn
-- =====================================================================
WITH line_sums AS (
    SELECT
        ti.transaction_id,
        count(*) AS loaded_items,
        sum(ti.line_total) AS items_total,
        max(ti.updated_at) AS last_line_change
    FROM production.transaction_items AS ti
    GROUP BY ti.transaction_id
),

incomplete AS (
    SELECT pipeline.trim_to_null(r.raw_row ->> 'transaction_id') AS transaction_id
    FROM pipeline.rejected_rows AS r
    WHERE r.source_file = 'transaction_items.csv'
    UNION
    SELECT pipeline.trim_to_null(w.transaction_id)
    FROM staging.transaction_items_waiting AS w
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
    (t.updated_at >= pipeline.check_since() OR ls.last_line_change >= pipeline.check_since())
    AND abs(t.total_amount - coalesce(ls.items_total, 0)) > 0.01
    AND NOT EXISTS (
        SELECT FROM incomplete AS i
        WHERE i.transaction_id = t.transaction_id
    )
ORDER BY t.transaction_id;
