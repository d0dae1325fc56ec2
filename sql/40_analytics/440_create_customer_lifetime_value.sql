-- =====================================================================
-- 440_create_customer_lifetime_value.sql
-- purpose:     historic customer lifetime value: revenue, profit, orders and
--              tenure per customer, with the current version's attributes
-- target:      analytics.customer_lifetime_value
-- grain:       one row per customer with at least one order
-- reads:       warehouse.fact_sales, warehouse.dim_date, warehouse.dim_customers
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.customer_lifetime_value;

CREATE VIEW analytics.customer_lifetime_value AS
WITH per_customer AS (
    SELECT
        dc.customer_id,
        min(dd.full_date) AS first_order_date,
        max(dd.full_date) AS last_order_date,
        count(DISTINCT f.transaction_id) AS orders,
        sum(f.quantity) AS units,
        sum(f.net_amount) AS net_revenue,
        sum(f.profit_amount) AS profit_amount
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    GROUP BY dc.customer_id
)

SELECT
    p.customer_id,
    cur.full_name,
    cur.registration_date,
    cur.city,
    cur.state,
    cur.country,
    cur.customer_segment,
    p.first_order_date,
    p.last_order_date,
    p.last_order_date - p.first_order_date AS lifespan_days,
    p.orders,
    p.units,
    p.net_revenue::numeric(14, 2) AS net_revenue,
    p.profit_amount::numeric(14, 2) AS profit_amount,
    (p.net_revenue / p.orders)::numeric(14, 2) AS average_order_value,
    CASE
        WHEN p.orders > 1 THEN round((p.last_order_date - p.first_order_date)::numeric / (p.orders - 1), 1)
    END AS average_days_between_orders,
    rank() OVER (ORDER BY p.net_revenue DESC) AS revenue_rank
FROM per_customer AS p
INNER JOIN warehouse.dim_customers AS cur ON p.customer_id = cur.customer_id AND cur.is_current;

COMMENT ON VIEW analytics.customer_lifetime_value IS 'Historic lifetime value per customer with orders: revenue, profit, orders, tenure; attributes from the current version.';
COMMENT ON COLUMN analytics.customer_lifetime_value.customer_id IS 'Natural key of the customer.';
COMMENT ON COLUMN analytics.customer_lifetime_value.full_name IS 'Customer name (current version).';
COMMENT ON COLUMN analytics.customer_lifetime_value.registration_date IS 'Date the customer registered.';
COMMENT ON COLUMN analytics.customer_lifetime_value.city IS 'City (current version).';
COMMENT ON COLUMN analytics.customer_lifetime_value.state IS 'State (current version).';
COMMENT ON COLUMN analytics.customer_lifetime_value.country IS 'Country (current version).';
COMMENT ON COLUMN analytics.customer_lifetime_value.customer_segment IS 'Life-stage segment (current version).';
COMMENT ON COLUMN analytics.customer_lifetime_value.first_order_date IS 'Date of the first order.';
COMMENT ON COLUMN analytics.customer_lifetime_value.last_order_date IS 'Date of the latest order.';
COMMENT ON COLUMN analytics.customer_lifetime_value.lifespan_days IS 'Days from the first to the latest order.';
COMMENT ON COLUMN analytics.customer_lifetime_value.orders IS 'Orders placed.';
COMMENT ON COLUMN analytics.customer_lifetime_value.units IS 'Units bought.';
COMMENT ON COLUMN analytics.customer_lifetime_value.net_revenue IS 'Lifetime net revenue (sum of fact_sales.net_amount), currency units.';
COMMENT ON COLUMN analytics.customer_lifetime_value.profit_amount IS 'Lifetime profit: net revenue minus cost, currency units.';
COMMENT ON COLUMN analytics.customer_lifetime_value.average_order_value IS 'Net revenue per order, currency units.';
COMMENT ON COLUMN analytics.customer_lifetime_value.average_days_between_orders IS 'Average days between orders; empty for a single order.';
COMMENT ON COLUMN analytics.customer_lifetime_value.revenue_rank IS 'Rank by lifetime revenue, 1 = highest.';
