-- =====================================================================
-- 460_create_payment_method_summary.sql
-- purpose:     how customers pay: orders, customers and revenue per payment
--              method, with shares
-- target:      analytics.payment_method_summary
-- grain:       one row per payment method used
-- reads:       warehouse.fact_sales, warehouse.dim_payment_methods,
--              warehouse.dim_customers
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.payment_method_summary;

CREATE VIEW analytics.payment_method_summary AS
WITH per_method AS (
    SELECT
        pm.payment_method_name,
        pm.payment_type,
        count(DISTINCT f.transaction_id) AS orders,
        count(DISTINCT dc.customer_id) AS customers,
        sum(f.net_amount) AS net_revenue
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_payment_methods AS pm ON f.payment_method_key = pm.payment_method_key
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    GROUP BY pm.payment_method_name, pm.payment_type
)

SELECT
    m.payment_method_name,
    m.payment_type,
    m.orders,
    m.customers,
    m.net_revenue::numeric(14, 2) AS net_revenue,
    (m.net_revenue / m.orders)::numeric(14, 2) AS average_order_value,
    round(100.0 * m.orders / sum(m.orders) OVER (), 2) AS order_share_pct,
    round(100 * m.net_revenue / sum(m.net_revenue) OVER (), 2) AS revenue_share_pct
FROM per_method AS m;

COMMENT ON VIEW analytics.payment_method_summary IS 'Orders, customers and revenue per payment method, with shares of all orders and revenue.';
COMMENT ON COLUMN analytics.payment_method_summary.payment_method_name IS 'Payment method, e.g. Credit Card.';
COMMENT ON COLUMN analytics.payment_method_summary.payment_type IS 'Card, Digital Wallet, Bank Transfer, Cash or Other.';
COMMENT ON COLUMN analytics.payment_method_summary.orders IS 'Orders paid this way.';
COMMENT ON COLUMN analytics.payment_method_summary.customers IS 'Customers who paid this way at least once.';
COMMENT ON COLUMN analytics.payment_method_summary.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.payment_method_summary.average_order_value IS 'Net revenue per order, currency units.';
COMMENT ON COLUMN analytics.payment_method_summary.order_share_pct IS 'Share of all orders, percent.';
COMMENT ON COLUMN analytics.payment_method_summary.revenue_share_pct IS 'Share of all net revenue, percent.';
