-- =====================================================================
-- 420_create_repeat_customer_revenue.sql
-- purpose:     how much of each month's revenue comes from repeat customers: an
--              order is a repeat order when its customer ordered on an earlier day
--              (the same rule as new versus repeat in agg_daily_sales: the first
--              order day comes from warehouse.customer_first_orders, its one home)
-- target:      analytics.repeat_customer_revenue
-- grain:       one row per month with sales
-- reads:       warehouse.fact_sales, warehouse.dim_date, warehouse.dim_customers,
--              warehouse.customer_first_orders
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.repeat_customer_revenue;

CREATE VIEW analytics.repeat_customer_revenue AS
WITH lines AS (
    SELECT
        dd.year_number,
        dd.month_number,
        dd.year_month,
        f.date_key,
        f.transaction_id,
        f.net_amount,
        dc.customer_id,
        fo.first_date_key
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    INNER JOIN warehouse.customer_first_orders AS fo ON dc.customer_id = fo.customer_id
),

monthly AS (
    SELECT
        make_date(l.year_number, l.month_number, 1) AS month_start_date,
        l.year_month,
        count(DISTINCT l.customer_id) AS customers,
        count(DISTINCT l.customer_id) FILTER (WHERE l.date_key > l.first_date_key) AS repeat_customers,
        count(DISTINCT l.transaction_id) AS orders,
        count(DISTINCT l.transaction_id) FILTER (WHERE l.date_key > l.first_date_key) AS repeat_orders,
        sum(l.net_amount) AS net_revenue,
        coalesce(sum(l.net_amount) FILTER (WHERE l.date_key > l.first_date_key), 0) AS repeat_revenue
    FROM lines AS l
    GROUP BY l.year_number, l.month_number, l.year_month
)

SELECT
    m.month_start_date,
    m.year_month,
    m.customers,
    m.repeat_customers,
    m.orders,
    m.repeat_orders,
    m.net_revenue::numeric(14, 2) AS net_revenue,
    m.repeat_revenue::numeric(14, 2) AS repeat_revenue,
    (m.net_revenue - m.repeat_revenue)::numeric(14, 2) AS first_order_revenue,
    round(100 * m.repeat_revenue / m.net_revenue, 2) AS repeat_revenue_share_pct
FROM monthly AS m;

COMMENT ON VIEW analytics.repeat_customer_revenue IS 'Monthly revenue split into first-day orders and repeat orders (customer ordered on an earlier day).';
COMMENT ON COLUMN analytics.repeat_customer_revenue.month_start_date IS 'First day of the month: a date for a date axis.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.year_month IS 'Month, YYYY-MM.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.customers IS 'Customers who ordered in the month.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.repeat_customers IS 'Of those, customers with a repeat order in the month.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.orders IS 'Orders in the month.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.repeat_orders IS 'Orders from customers who had ordered on an earlier day.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.repeat_revenue IS 'Net revenue of repeat orders, currency units.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.first_order_revenue IS 'Net revenue of orders placed on the customer''s first order day, currency units.';
COMMENT ON COLUMN analytics.repeat_customer_revenue.repeat_revenue_share_pct IS 'Repeat revenue as a share of the month''s net revenue, percent.';
