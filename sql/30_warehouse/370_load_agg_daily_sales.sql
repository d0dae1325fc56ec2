-- =====================================================================
-- 370_load_agg_daily_sales.sql
-- purpose:     recompute agg_daily_sales for exactly the days this batch moved
--              (staging.agg_days, 362). Lives in the warehouse stage so fact and
--              aggregate commit together: readers never see them disagree.
-- target:      warehouse.agg_daily_sales (through the scratch staging.agg_daily_rows)
-- grain:       one row per date with sales
-- reads:       staging.agg_days, warehouse.fact_sales, warehouse.dim_date,
--              warehouse.dim_customers, warehouse.first_orders_of()
-- rerunnable:  yes (the touched days are deleted and recomputed from fact_sales)
-- =====================================================================
-- The recomputed days, made by a CREATE TABLE AS, which runs on parallel workers (the
-- SELECT of an INSERT never does). The sums come from each day's lines, the distinct
-- counts from each day's orders (an order has one day and one customer), not from
-- count(DISTINCT ...) over every line.
DROP TABLE IF EXISTS staging.agg_daily_rows;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

CREATE UNLOGGED TABLE staging.agg_daily_rows AS
WITH
{%- if citus %}
-- On Citus, which refuses a subquery over the distributed facts correlated by date_key
-- (not their distribution column), every day at once: the sums from one aggregate over the
-- days' lines (a few hundred groups), the distinct counts from the days' orders, hashed.
day_totals AS (
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
    WHERE f.date_key IN (SELECT d.date_key FROM staging.agg_days AS d)
    GROUP BY f.date_key
),

day_orders AS (
    SELECT DISTINCT
        f.date_key,
        f.transaction_id,
        dc.customer_id
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    WHERE f.date_key IN (SELECT d.date_key FROM staging.agg_days AS d)
),

-- First order over each customer's whole history, not only the days recomputed: the view
-- filtered by the customers (306 says why). The orders stay distinct after the join: made
-- distinct before it, the workers' partial groups do not shrink (an order is on one
-- worker), and the leader's final grouping of 4 M orders took 17.8 s at scale 400, against
-- 8.0 s for one grouping of the joined lines (930 runs serially and gains from it).
first_orders AS (
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.customer_first_orders AS fo
    WHERE fo.customer_id IN (SELECT o.customer_id FROM day_orders AS o)
),

day_customer_counts AS (
    SELECT
        c.date_key,
        count(*) AS distinct_customers
    FROM (
        SELECT DISTINCT
            o.date_key,
            o.customer_id
        FROM day_orders AS o
    ) AS c
    GROUP BY c.date_key
),
{%- else %}
-- Day by day, each day's lines read by the index on date_key: a day's orders and
-- customers (5 k at scale 400) are made distinct in a hash table that stays in the CPU's
-- cache: at scale 400 the statement took 8.2-9.0 s so, against 13.5-14.9 s for one
-- grouping of every day's joined lines at once (docs/benchmarks.md). A day without lines
-- has a row of zero items in day_totals but no orders: the inner joins below leave it out.
-- A customer has one version on any day (a fact has the version valid on its day, 350,
-- and a customer's versions never overlap, 320), so a day's customer versions are its
-- customers.
day_totals AS (
    SELECT
        d.date_key,
        s.items,
        s.units,
        s.gross_amount,
        s.discount_amount,
        s.net_revenue,
        s.cost_amount,
        s.profit_amount
    FROM staging.agg_days AS d
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
    FROM staging.agg_days AS d
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
    FROM staging.agg_days AS d
    CROSS JOIN LATERAL (
        SELECT DISTINCT f.customer_key
        FROM warehouse.fact_sales AS f
        WHERE f.date_key = d.date_key
    ) AS c
),

-- First order over each customer's whole history, not only the days recomputed: by
-- warehouse.first_orders_of (one index probe per customer version).
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

day_customer_counts AS (
    SELECT
        c.date_key,
        count(*) AS distinct_customers
    FROM day_customers AS c
    GROUP BY c.date_key
),
{%- endif %}

day_order_counts AS (
    SELECT
        o.date_key,
        count(*) AS transactions
    FROM day_orders AS o
    GROUP BY o.date_key
),

-- A customer is new on the day of their first order (they ordered that day) and a repeat
-- customer on every later day they order: the new ones are counted from the first orders
-- (a few hundred groups), the repeat ones are the rest, with no join of every day's
-- customers to their first order.
day_new_customer_counts AS (
    SELECT
        fo.first_date_key AS date_key,
        count(*) AS new_customers
    FROM first_orders AS fo
    GROUP BY fo.first_date_key
)

SELECT
    t.date_key,
    dd.full_date AS sales_date,
    o.transactions,
    t.items,
    t.units,
    t.gross_amount,
    t.discount_amount,
    t.net_revenue,
    t.cost_amount,
    t.profit_amount,
    c.distinct_customers,
    coalesce(n.new_customers, 0) AS new_customers,
    c.distinct_customers - coalesce(n.new_customers, 0) AS repeat_customers,
    round(t.net_revenue / o.transactions, 2) AS average_order_value
FROM day_totals AS t
INNER JOIN warehouse.dim_date AS dd ON t.date_key = dd.date_key
INNER JOIN day_order_counts AS o ON t.date_key = o.date_key
INNER JOIN day_customer_counts AS c ON t.date_key = c.date_key
LEFT JOIN day_new_customer_counts AS n ON t.date_key = n.date_key;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;

DELETE FROM warehouse.agg_daily_sales AS a
WHERE a.date_key IN (SELECT d.date_key FROM staging.agg_days AS d);

INSERT INTO warehouse.agg_daily_sales (
    date_key, sales_date, transactions, items, units, gross_amount, discount_amount,
    net_revenue, cost_amount, profit_amount, distinct_customers, new_customers,
    repeat_customers, average_order_value
)
SELECT
    r.date_key,
    r.sales_date,
    r.transactions,
    r.items,
    r.units,
    r.gross_amount,
    r.discount_amount,
    r.net_revenue,
    r.cost_amount,
    r.profit_amount,
    r.distinct_customers,
    r.new_customers,
    r.repeat_customers,
    r.average_order_value
FROM staging.agg_daily_rows AS r;
