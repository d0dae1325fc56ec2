-- =====================================================================
-- 370_load_agg_daily_sales.sql
-- purpose:     recompute agg_daily_sales for exactly the days this batch moved: the
--              old and new day of every changed line, and, for every customer whose
--              first order moved to another day, both days (new versus repeat changes
--              only there). Lives in the warehouse stage so fact and aggregate commit
--              together: readers never see them disagree.
-- target:      warehouse.agg_daily_sales (through the scratch staging.agg_days)
-- grain:       one row per date with sales
-- reads:       staging.fact_sales_changes, warehouse.fact_sales, warehouse.dim_date,
--              warehouse.dim_customers, warehouse.customer_first_orders
-- rerunnable:  yes (the touched days are deleted and recomputed from fact_sales)
-- =====================================================================
DROP TABLE IF EXISTS staging.agg_days;

CREATE UNLOGGED TABLE staging.agg_days AS
WITH first_days_before AS (
    SELECT
        c.customer_id,
        c.customer_first_date_key_before AS date_key
    FROM staging.fact_sales_changes AS c
    UNION
    SELECT
        c.fact_customer_id,
        c.fact_customer_first_date_key_before
    FROM staging.fact_sales_changes AS c
    WHERE c.fact_customer_id IS NOT NULL
),

first_days_now AS (
    SELECT
        fo.customer_id,
        fo.first_date_key AS date_key
    FROM warehouse.customer_first_orders AS fo
    WHERE fo.customer_id IN (SELECT b.customer_id FROM first_days_before AS b)
),

-- Customers whose first-order day moved: new versus repeat changes on both days.
moved_first_days AS (
    SELECT
        b.date_key AS before_key,
        n.date_key AS now_key
    FROM first_days_before AS b
    FULL JOIN first_days_now AS n ON b.customer_id = n.customer_id
    WHERE b.date_key IS DISTINCT FROM n.date_key
)

SELECT c.date_key
FROM staging.fact_sales_changes AS c
UNION
SELECT c.fact_date_key
FROM staging.fact_sales_changes AS c
WHERE c.fact_date_key IS NOT NULL
UNION
SELECT m.before_key
FROM moved_first_days AS m
WHERE m.before_key IS NOT NULL
UNION
SELECT m.now_key
FROM moved_first_days AS m
WHERE m.now_key IS NOT NULL;

-- A handful of days on a daily run: statistics let the planner read them by index.
ANALYZE staging.agg_days;

DELETE FROM warehouse.agg_daily_sales AS a
WHERE a.date_key IN (SELECT d.date_key FROM staging.agg_days AS d);

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
        dc.customer_id
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    WHERE f.date_key IN (SELECT d.date_key FROM staging.agg_days AS d)
),

first_orders AS (
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.customer_first_orders AS fo
    WHERE fo.customer_id IN (SELECT l.customer_id FROM day_lines AS l)
),

day_totals AS (
    SELECT
        l.date_key,
        count(*) AS items,
        sum(l.quantity) AS units,
        sum(l.gross_amount) AS gross_amount,
        sum(l.discount_amount) AS discount_amount,
        sum(l.net_amount) AS net_revenue,
        sum(l.cost_amount) AS cost_amount,
        sum(l.profit_amount) AS profit_amount
    FROM day_lines AS l
    GROUP BY l.date_key
),

-- The distinct counts come from hashed DISTINCT steps, not count(DISTINCT ...), which
-- sorts every line of the days.
day_orders AS (
    SELECT
        o.date_key,
        count(*) AS transactions
    FROM (SELECT DISTINCT
        l.date_key,
        l.transaction_id
    FROM day_lines AS l) AS o
    GROUP BY o.date_key
),

day_customers AS (
    SELECT
        c.date_key,
        count(*) AS distinct_customers,
        count(*) FILTER (WHERE fo.first_date_key = c.date_key) AS new_customers,
        count(*) FILTER (WHERE fo.first_date_key < c.date_key) AS repeat_customers
    FROM (SELECT DISTINCT
        l.date_key,
        l.customer_id
    FROM day_lines AS l) AS c
    INNER JOIN first_orders AS fo ON c.customer_id = fo.customer_id
    GROUP BY c.date_key
)

SELECT
    t.date_key,
    dd.full_date,
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
INNER JOIN warehouse.dim_date AS dd ON t.date_key = dd.date_key
INNER JOIN day_orders AS o ON t.date_key = o.date_key
INNER JOIN day_customers AS c ON t.date_key = c.date_key;
