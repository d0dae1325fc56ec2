-- =====================================================================
-- 370_load_agg_daily_sales.sql
-- purpose:     recompute agg_daily_sales for exactly the days this batch moved: the
--              old and new day of every changed line, and, for every customer whose
--              first order moved to another day, both days (new versus repeat changes
--              only there). Lives in the warehouse stage so fact and
--              aggregate commit together: readers never see them disagree.
-- target:      warehouse.agg_daily_sales
-- grain:       one row per date with sales
-- reads:       staging.fact_sales_changes, warehouse.fact_sales, warehouse.dim_date,
--              warehouse.dim_customers
-- rerunnable:  yes (the touched days are deleted and recomputed from fact_sales)
-- =====================================================================
-- Dropped first: a full refresh runs this file once per batch in one transaction.
DROP TABLE IF EXISTS agg_days;

CREATE TEMPORARY TABLE agg_days ON COMMIT DROP AS
WITH first_day_before AS (
    SELECT
        c.new_customer_id AS customer_id,
        c.new_customer_first_date_key AS date_key
    FROM staging.fact_sales_changes AS c
    UNION
    SELECT
        c.old_customer_id,
        c.old_customer_first_date_key
    FROM staging.fact_sales_changes AS c
    WHERE c.old_customer_id IS NOT NULL
),

-- Each version's first sale is one probe of fact_sales_customer_key_date_key_idx,
-- so the cost follows the customers touched, not history.
first_day_now AS (
    SELECT
        b.customer_id,
        min(v.first_date_key) AS date_key
    FROM (SELECT DISTINCT fb.customer_id FROM first_day_before AS fb) AS b
    INNER JOIN warehouse.dim_customers AS dc ON b.customer_id = dc.customer_id
    CROSS JOIN
        LATERAL (
            SELECT min(f.date_key) AS first_date_key
            FROM warehouse.fact_sales AS f
            WHERE f.customer_key = dc.customer_key
        ) AS v
    GROUP BY b.customer_id
    HAVING min(v.first_date_key) IS NOT NULL
),

-- Customers whose first-order day moved: new versus repeat changes on both days.
moved_first_days AS (
    SELECT
        b.date_key AS before_key,
        n.date_key AS now_key
    FROM first_day_before AS b
    FULL JOIN first_day_now AS n ON b.customer_id = n.customer_id
    WHERE b.date_key IS DISTINCT FROM n.date_key
)

SELECT c.new_sales_date AS sales_date
FROM staging.fact_sales_changes AS c
UNION
SELECT c.old_sales_date
FROM staging.fact_sales_changes AS c
WHERE c.old_sales_date IS NOT NULL
UNION
SELECT dd.full_date
FROM warehouse.dim_date AS dd
WHERE
    dd.date_key IN (
        SELECT m.before_key FROM moved_first_days AS m
        UNION
        SELECT m.now_key FROM moved_first_days AS m
    );

-- A handful of days on a daily run: statistics let the planner read them by index.
ANALYZE agg_days;

DELETE FROM warehouse.agg_daily_sales AS a
USING agg_days AS d
WHERE a.sales_date = d.sales_date;

INSERT INTO warehouse.agg_daily_sales (
    date_key, sales_date, transactions, items, units, gross_amount, discount_amount,
    net_revenue, cost_amount, profit_amount, distinct_customers, new_customers,
    repeat_customers, average_order_value
)
WITH day_lines AS (
    SELECT
        f.date_key,
        f.transaction_id,
        f.quantity,
        f.gross_amount,
        f.discount_amount,
        f.net_amount,
        f.cost_amount,
        f.profit_amount,
        dd.full_date,
        dc.customer_id
    FROM agg_days AS d
    INNER JOIN warehouse.dim_date AS dd ON d.sales_date = dd.full_date
    INNER JOIN warehouse.fact_sales AS f ON dd.date_key = f.date_key
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
),

-- First order over each customer's whole history, one index probe per version.
first_orders AS (
    SELECT
        dc.customer_id,
        min(v.first_date_key) AS first_date_key
    FROM warehouse.dim_customers AS dc
    CROSS JOIN
        LATERAL (
            SELECT min(f.date_key) AS first_date_key
            FROM warehouse.fact_sales AS f
            WHERE f.customer_key = dc.customer_key
        ) AS v
    WHERE dc.customer_id IN (SELECT dl.customer_id FROM day_lines AS dl)
    GROUP BY dc.customer_id
),

-- The distinct counts come from hashed DISTINCT steps (day_orders, day_customers), not
-- count(DISTINCT ...), which sorts every line of the days (scale 400 first load: 47 s -> 41 s).
day_totals AS (
    SELECT
        l.date_key,
        l.full_date,
        count(*) AS items,
        sum(l.quantity) AS units,
        sum(l.gross_amount) AS gross_amount,
        sum(l.discount_amount) AS discount_amount,
        sum(l.net_amount) AS net_revenue,
        sum(l.cost_amount) AS cost_amount,
        sum(l.profit_amount) AS profit_amount
    FROM day_lines AS l
    GROUP BY l.date_key, l.full_date
),

day_orders AS (
    SELECT DISTINCT
        l.date_key,
        l.transaction_id
    FROM day_lines AS l
),

day_customers AS (
    SELECT DISTINCT
        l.date_key,
        l.customer_id
    FROM day_lines AS l
),

day_order_counts AS (
    SELECT
        o.date_key,
        count(*) AS transactions
    FROM day_orders AS o
    GROUP BY o.date_key
),

day_customer_counts AS (
    SELECT
        c.date_key,
        count(*) AS distinct_customers,
        count(*) FILTER (WHERE fo.first_date_key = c.date_key) AS new_customers,
        count(*) FILTER (WHERE fo.first_date_key < c.date_key) AS repeat_customers
    FROM day_customers AS c
    INNER JOIN first_orders AS fo ON c.customer_id = fo.customer_id
    GROUP BY c.date_key
)

SELECT
    t.date_key,
    t.full_date,
    o.transactions,
    t.items,
    t.units,
    t.gross_amount,
    t.discount_amount,
    t.net_revenue,
    t.cost_amount,
    t.profit_amount,
    c.distinct_customers,
    c.new_customers,
    c.repeat_customers,
    round(t.net_revenue / o.transactions, 2)
FROM day_totals AS t
INNER JOIN day_order_counts AS o ON t.date_key = o.date_key
INNER JOIN day_customer_counts AS c ON t.date_key = c.date_key
ORDER BY t.date_key;
