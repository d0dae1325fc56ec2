-- =====================================================================
-- 940_check_fact_sales_matches_production.sql
-- purpose:     fact_sales holds exactly the production order lines, each with its
--              line total as net amount: no missing fact, no extra fact, no
--              different amount. Lines last changed by a batch that has not been
--              through the warehouse stage yet are not expected in the fact.
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per order line that differs
-- reads:       pipeline.check_scope_batch_ids(), warehouse.fact_sales, production.transaction_items, production.transactions,
--              pipeline.batches
-- scope:       order lines and facts of the batches in pipeline.check_scope_batch_ids()
--              (all when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
WITH lines_in_scope AS (
    SELECT ti.item_id
    FROM production.transaction_items AS ti
    WHERE ti.last_batch_id = any(pipeline.check_scope_batch_ids())
    UNION
    SELECT ti.item_id
    FROM production.transactions AS t
    INNER JOIN production.transaction_items AS ti ON t.transaction_id = ti.transaction_id
    WHERE t.last_batch_id = any(pipeline.check_scope_batch_ids())
),

production_lines AS (
    SELECT
        ti.item_id,
        ti.line_total,
        coalesce(b.status = 'complete', FALSE) AS is_settled
    FROM lines_in_scope AS s
    INNER JOIN production.transaction_items AS ti ON s.item_id = ti.item_id
    LEFT JOIN pipeline.batches AS b ON ti.last_batch_id = b.batch_id
),

fact_lines AS (
    SELECT
        f.item_id,
        f.net_amount
    FROM warehouse.fact_sales AS f
    WHERE f.batch_id = any(pipeline.check_scope_batch_ids())
)

-- Facts in scope: each must have its production line, with the same amount.
SELECT
    fl.item_id,
    CASE WHEN ti.item_id IS NULL THEN 'extra fact' ELSE 'different amount' END AS problem,
    ti.line_total AS production_line_total,
    fl.net_amount AS fact_net_amount
FROM fact_lines AS fl
LEFT JOIN production.transaction_items AS ti ON fl.item_id = ti.item_id
LEFT JOIN pipeline.batches AS b ON ti.last_batch_id = b.batch_id
WHERE ti.item_id IS NULL OR (b.status = 'complete' AND fl.net_amount != ti.line_total)
UNION ALL
-- Production lines in scope whose batch is complete: each must have its fact (a
-- differing amount on a fact outside the scope; inside it, the part above reports it).
SELECT
    pl.item_id,
    CASE WHEN f.item_id IS NULL THEN 'missing fact' ELSE 'different amount' END,
    pl.line_total,
    f.net_amount
FROM production_lines AS pl
LEFT JOIN warehouse.fact_sales AS f ON pl.item_id = f.item_id
WHERE
    pl.is_settled
    AND (
        f.item_id IS NULL
        OR (f.net_amount != pl.line_total AND f.batch_id != all(pipeline.check_scope_batch_ids()))
    )
ORDER BY item_id;
