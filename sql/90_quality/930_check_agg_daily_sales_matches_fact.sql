-- =====================================================================
-- 930_check_agg_daily_sales_matches_fact.sql
-- purpose:     agg_daily_sales equals fact_sales summed per day, to the cent, on
--              every measure (new versus repeat customers included), with no day
--              missing and no extra day: a full recomputation, independent of the
--              incremental load
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per day that differs, is missing or is extra
-- reads:       pipeline.check_scope_start(), warehouse.agg_daily_sales, warehouse.fact_sales,
--              warehouse.dim_date, warehouse.dim_customers, warehouse.customer_first_orders
-- scope:       days with facts of the batches from pipeline.check_scope_start() on, or whose
--              aggregate changed since pipeline.check_since()
--              (every day when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
WITH days_in_scope AS (
    SELECT f.date_key
    FROM warehouse.fact_sales AS f
    WHERE f.batch_id >= pipeline.check_scope_start()
    UNION
    SELECT a.date_key
    FROM warehouse.agg_daily_sales AS a
    WHERE a.updated_at >= pipeline.check_since()
),

lines AS (
    SELECT
        f.date_key,
        f.transaction_id,
        f.quantity,
        f.gross_amount,
        f.discount_amount,
        f.net_amount,
        f.cost_amount,
        f.profit_amount,
        dc.customer_id
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    WHERE f.date_key IN (SELECT d.date_key FROM days_in_scope AS d)
),

-- First order over all of a customer's history, not only the days in scope.
first_orders AS (
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.customer_first_orders AS fo
    WHERE fo.customer_id IN (SELECT l.customer_id FROM lines AS l)
),

expected AS (
    SELECT
        l.date_key,
        dd.full_date AS sales_date,
        count(DISTINCT l.transaction_id) AS transactions,
        count(*) AS items,
        sum(l.quantity) AS units,
        sum(l.gross_amount) AS gross_amount,
        sum(l.discount_amount) AS discount_amount,
        sum(l.net_amount) AS net_revenue,
        sum(l.cost_amount) AS cost_amount,
        sum(l.profit_amount) AS profit_amount,
        count(DISTINCT l.customer_id) AS distinct_customers,
        count(DISTINCT l.customer_id) FILTER (WHERE fo.first_date_key = l.date_key) AS new_customers,
        count(DISTINCT l.customer_id) FILTER (WHERE fo.first_date_key < l.date_key) AS repeat_customers,
        round(sum(l.net_amount) / count(DISTINCT l.transaction_id), 2) AS average_order_value
    FROM lines AS l
    INNER JOIN first_orders AS fo ON l.customer_id = fo.customer_id
    INNER JOIN warehouse.dim_date AS dd ON l.date_key = dd.date_key
    GROUP BY l.date_key, dd.full_date
),

stored AS (
    SELECT
        a.date_key,
        a.sales_date,
        a.transactions,
        a.items,
        a.units,
        a.gross_amount,
        a.discount_amount,
        a.net_revenue,
        a.cost_amount,
        a.profit_amount,
        a.distinct_customers,
        a.new_customers,
        a.repeat_customers,
        a.average_order_value
    FROM warehouse.agg_daily_sales AS a
    WHERE a.date_key IN (SELECT d.date_key FROM days_in_scope AS d)
)

SELECT
    coalesce(s.date_key, e.date_key) AS date_key,
    CASE
        WHEN s.date_key IS NULL THEN 'day missing from agg_daily_sales'
        WHEN e.date_key IS NULL THEN 'day in agg_daily_sales without sales'
        ELSE 'measures differ from fact_sales'
    END AS problem,
    to_jsonb(s) AS stored_row,
    to_jsonb(e) AS expected_row
FROM stored AS s
FULL OUTER JOIN expected AS e ON s.date_key = e.date_key
WHERE
    s.date_key IS NULL
    OR e.date_key IS NULL
    OR (
        s.sales_date, s.transactions, s.items, s.units, s.gross_amount, s.discount_amount,
        s.net_revenue, s.cost_amount, s.profit_amount, s.distinct_customers, s.new_customers,
        s.repeat_customers, s.average_order_value
    )
    IS DISTINCT FROM (
        e.sales_date, e.transactions, e.items, e.units, e.gross_amount, e.discount_amount,
        e.net_revenue, e.cost_amount, e.profit_amount, e.distinct_customers, e.new_customers,
        e.repeat_customers, e.average_order_value
    )
ORDER BY date_key;
