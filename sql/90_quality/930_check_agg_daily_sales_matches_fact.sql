-- =====================================================================
-- 930_check_agg_daily_sales_matches_fact.sql
-- purpose:     agg_daily_sales equals fact_sales summed per day, to the cent, on
--              every measure (new versus repeat customers included), with no day
--              missing and no extra day: a full recomputation, independent of the
--              incremental load
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per day that differs, is missing or is extra
-- reads:       pipeline.check_scope_start(), warehouse.agg_daily_sales, warehouse.fact_sales,
--              warehouse.dim_date, warehouse.dim_customers, warehouse.first_orders_of()
-- scope:       days with facts of the batches from pipeline.check_scope_start() on, or whose
--              aggregate changed since pipeline.check_since()
--              (every day when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
-- Each day of dim_date probes fact_sales by index: on a full scope the probe stops at the
-- day's first fact (1,461 probes, where a UNION over the facts hashes every line); on a
-- daily scope the planner reads the batch's facts by the index on batch_id instead. Citus
-- runs no correlated subquery beside a reference table: there the facts' days are hashed.
WITH days_in_scope AS (
    {%- if citus %}
    SELECT f.date_key
    FROM warehouse.fact_sales AS f
    WHERE f.batch_id >= pipeline.check_scope_start()
    {%- else %}
    SELECT dd.date_key
    FROM warehouse.dim_date AS dd
    WHERE
        EXISTS (
            SELECT FROM warehouse.fact_sales AS f
            WHERE f.date_key = dd.date_key AND f.batch_id >= pipeline.check_scope_start()
        )
    {%- endif %}
    UNION
    SELECT a.date_key
    FROM warehouse.agg_daily_sales AS a
    WHERE a.updated_at >= pipeline.check_since()
),

-- Recomputed from fact_sales for the days in scope, however the batch maintained them.
{%- if citus %}
-- On Citus, which refuses a subquery over the distributed facts correlated by date_key
-- (not their distribution column), every day at once: sums per day over the lines; orders
-- and customers per day from the days' orders, made distinct before their customers are
-- looked up (an order's lines share one customer version, the one valid at its time: the
-- join reads one row per order, not per line); the first orders from the view filtered by
-- the customers (306 says why).
sums AS (
    SELECT
        f.date_key,
        count(*) AS items,
        sum(f.quantity) AS units,
        sum(f.gross_amount) AS gross_amount,
        sum(f.discount_amount) AS discount_amount,
        sum(f.net_amount) AS net_revenue,
        sum(f.cost_amount) AS cost_amount,
        sum(f.profit_amount) AS profit_amount
    FROM warehouse.fact_sales AS f
    WHERE f.date_key IN (SELECT d.date_key FROM days_in_scope AS d)
    GROUP BY f.date_key
),

day_orders AS (
    SELECT
        o.date_key,
        o.transaction_id,
        dc.customer_id
    FROM (
        SELECT DISTINCT
            f.date_key,
            f.transaction_id,
            f.customer_key
        FROM warehouse.fact_sales AS f
        WHERE f.date_key IN (SELECT d.date_key FROM days_in_scope AS d)
    ) AS o
    INNER JOIN warehouse.dim_customers AS dc ON o.customer_key = dc.customer_key
),

customers AS (
    SELECT
        c.date_key,
        count(*) AS distinct_customers
    FROM (SELECT DISTINCT
        o.date_key,
        o.customer_id
    FROM day_orders AS o) AS c
    GROUP BY c.date_key
),

first_orders AS (
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.customer_first_orders AS fo
    WHERE fo.customer_id IN (SELECT o.customer_id FROM day_orders AS o)
),
{%- else %}
-- Day by day, each day's facts read by the index on date_key: a day's orders and
-- customers (5 k at scale 400) are made distinct in a hash table that stays in the CPU's
-- cache, where one grouping of every day's orders at once (4 M at scale 400) took 4.9 s of
-- this check's 14.8-18.1 s; day by day, the check took 9.5 s (docs/benchmarks.md). A customer
-- has one version on any day (910 proves versions never overlap, 920 that each fact has
-- the version valid on its day), so a day's customer versions are its customers.
-- (a day in scope without facts has a row of zero items here, but no orders: the inner
-- joins of expected leave it out)
sums AS (
    SELECT
        d.date_key,
        s.items,
        s.units,
        s.gross_amount,
        s.discount_amount,
        s.net_revenue,
        s.cost_amount,
        s.profit_amount
    FROM days_in_scope AS d
    CROSS JOIN LATERAL (
        SELECT
            count(*) AS items,
            sum(f.quantity) AS units,
            sum(f.gross_amount) AS gross_amount,
            sum(f.discount_amount) AS discount_amount,
            sum(f.net_amount) AS net_revenue,
            sum(f.cost_amount) AS cost_amount,
            sum(f.profit_amount) AS profit_amount
        FROM warehouse.fact_sales AS f
        WHERE f.date_key = d.date_key
    ) AS s
),

day_orders AS (
    SELECT
        d.date_key,
        o.transaction_id
    FROM days_in_scope AS d
    CROSS JOIN LATERAL (
        SELECT DISTINCT f.transaction_id
        FROM warehouse.fact_sales AS f
        WHERE f.date_key = d.date_key
    ) AS o
),

day_customers AS (
    SELECT
        d.date_key,
        c.customer_key
    FROM days_in_scope AS d
    CROSS JOIN LATERAL (
        SELECT DISTINCT f.customer_key
        FROM warehouse.fact_sales AS f
        WHERE f.date_key = d.date_key
    ) AS c
),

customers AS (
    SELECT
        c.date_key,
        count(*) AS distinct_customers
    FROM day_customers AS c
    GROUP BY c.date_key
),

-- First order over all of a customer's history, not only the days in scope.
first_orders AS (
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.first_orders_of(
        array(
            SELECT DISTINCT dc.customer_id
            FROM warehouse.dim_customers AS dc
            WHERE dc.customer_key IN (SELECT c.customer_key FROM day_customers AS c)
        )
    ) AS fo
),
{%- endif %}

orders AS (
    SELECT
        o.date_key,
        count(*) AS transactions
    FROM day_orders AS o
    GROUP BY o.date_key
),

-- New on the day of the first order, repeat on every later day (as 370 counts them).
new_customers AS (
    SELECT
        fo.first_date_key AS date_key,
        count(*) AS new_customers
    FROM first_orders AS fo
    GROUP BY fo.first_date_key
),

expected AS (
    SELECT
        s.date_key,
        dd.full_date AS sales_date,
        o.transactions,
        s.items,
        s.units,
        s.gross_amount,
        s.discount_amount,
        s.net_revenue,
        s.cost_amount,
        s.profit_amount,
        c.distinct_customers,
        coalesce(n.new_customers, 0) AS new_customers,
        c.distinct_customers - coalesce(n.new_customers, 0) AS repeat_customers,
        round(s.net_revenue / o.transactions, 2) AS average_order_value
    FROM sums AS s
    INNER JOIN warehouse.dim_date AS dd ON s.date_key = dd.date_key
    INNER JOIN orders AS o ON s.date_key = o.date_key
    INNER JOIN customers AS c ON s.date_key = c.date_key
    LEFT JOIN new_customers AS n ON s.date_key = n.date_key
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
