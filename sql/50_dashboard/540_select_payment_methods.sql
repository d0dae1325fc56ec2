-- =====================================================================
-- 540_select_payment_methods.sql
-- purpose:     how customers pay: orders, customers, net revenue, average order
--              value and share of net revenue per payment method
-- target:      dashboard panel "Payment methods"
-- grain:       one row per payment method used
-- reads:       analytics.payment_method_summary
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    m.payment_method_name,
    m.orders,
    m.customers,
    m.net_revenue,
    m.average_order_value,
    m.revenue_share_pct
FROM analytics.payment_method_summary AS m
ORDER BY m.net_revenue DESC, m.payment_method_name ASC;
