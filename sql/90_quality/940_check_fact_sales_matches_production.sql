-- =====================================================================
-- 940_check_fact_sales_matches_production.sql
-- purpose:     fact_sales holds exactly the production order lines, each with its
--              line total as net amount: no missing fact, no extra fact, no
--              different amount. Lines last changed by a batch that has not been
--              through the warehouse stage yet are not expected in the fact.
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per order line that differs
-- reads:       warehouse.fact_sales, production.transaction_items, production.transactions,
--              pipeline.batches
-- scope:       order lines whose production row, transaction or fact changed since
--              pipeline.check_since() (everything when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
WITH production_lines AS (
    SELECT
        ti.item_id,
        ti.line_total,
        coalesce(b.status = 'complete', FALSE) AS is_settled
    FROM production.transaction_items AS ti
    INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id
    LEFT JOIN pipeline.batches AS b ON ti.last_batch_id = b.batch_id
    WHERE ti.updated_at >= pipeline.check_since() OR t.updated_at >= pipeline.check_since()
),

fact_lines AS (
    SELECT
        f.item_id,
        f.net_amount
    FROM warehouse.fact_sales AS f
    WHERE f.updated_at >= pipeline.check_since()
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
        OR (f.net_amount != pl.line_total AND f.updated_at < pipeline.check_since())
    )
ORDER BY item_id;
