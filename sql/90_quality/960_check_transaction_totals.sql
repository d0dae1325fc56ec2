-- =====================================================================
-- 960_check_transaction_totals.sql
-- purpose:     transactions whose total_amount differs by more than a cent from
--              the sum of their loaded order lines (shipping, fees or a source
--              error); transactions with any quarantined or still waiting item are
--              left out, since their loaded lines are known to be incomplete
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per transaction that does not add up
-- reads:       pipeline.check_scope_batch_ids(), production.transactions, production.transaction_items,
--              pipeline.rejected_rows, staging.transaction_items_waiting
-- scope:       transactions of the batches in pipeline.check_scope_batch_ids(), or with
--              lines from them (all when unset)
-- rerunnable:  yes (read only)
-- severity:    warn
-- =====================================================================
WITH transactions_in_scope AS (
    SELECT t.transaction_id
    FROM production.transactions AS t
    WHERE t.last_batch_id = any(pipeline.check_scope_batch_ids())
    UNION
    SELECT ti.transaction_id
    FROM production.transaction_items AS ti
    WHERE ti.last_batch_id = any(pipeline.check_scope_batch_ids())
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
    ls.loaded_items,
    ls.items_total,
    t.total_amount - ls.items_total AS difference
FROM transactions_in_scope AS s
INNER JOIN production.transactions AS t ON s.transaction_id = t.transaction_id
CROSS JOIN
    LATERAL (
        SELECT
            count(*) AS loaded_items,
            coalesce(sum(ti.line_total), 0) AS items_total
        FROM production.transaction_items AS ti
        WHERE ti.transaction_id = t.transaction_id
    ) AS ls
WHERE
    abs(t.total_amount - ls.items_total) > 0.01
    AND NOT EXISTS (
        SELECT FROM incomplete AS i
        WHERE i.transaction_id = t.transaction_id
    )
ORDER BY t.transaction_id;
