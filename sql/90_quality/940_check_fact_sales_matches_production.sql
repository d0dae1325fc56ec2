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
WITH items_in_scope AS (
    SELECT ti.item_id
    FROM production.transaction_items AS ti
    WHERE ti.updated_at >= pipeline.check_since()
    UNION
    SELECT ti.item_id
    FROM production.transactions AS t
    INNER JOIN production.transaction_items AS ti ON t.transaction_id = ti.transaction_id
    WHERE t.updated_at >= pipeline.check_since()
    UNION
    SELECT f.item_id
    FROM warehouse.fact_sales AS f
    WHERE f.updated_at >= pipeline.check_since()
),

production_lines AS (
    SELECT
        ti.item_id,
        ti.line_total,
        coalesce(b.status = 'complete', FALSE) AS is_settled
    FROM production.transaction_items AS ti
    LEFT JOIN pipeline.batches AS b ON ti.last_batch_id = b.batch_id
    WHERE ti.item_id IN (SELECT s.item_id FROM items_in_scope AS s)
),

fact_lines AS (
    SELECT
        f.item_id,
        f.net_amount
    FROM warehouse.fact_sales AS f
    WHERE f.item_id IN (SELECT s.item_id FROM items_in_scope AS s)
)

SELECT
    coalesce(fl.item_id, pl.item_id) AS item_id,
    CASE
        WHEN pl.item_id IS NULL THEN 'extra fact'
        WHEN fl.item_id IS NULL THEN 'missing fact'
        ELSE 'different amount'
    END AS problem,
    pl.line_total AS production_line_total,
    fl.net_amount AS fact_net_amount
FROM fact_lines AS fl
FULL OUTER JOIN production_lines AS pl ON fl.item_id = pl.item_id
WHERE
    pl.item_id IS NULL
    OR (pl.is_settled AND fl.item_id IS NULL)
    OR (pl.is_settled AND fl.net_amount != pl.line_total)
ORDER BY item_id;
