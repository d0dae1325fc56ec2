-- =====================================================================
-- 520_select_repeat_orders.sql
-- purpose:     orders and net revenue of first-day orders against repeat orders
--              (the customer ordered on an earlier day), over all months
-- target:      dashboard panel "First-day vs repeat orders"
-- grain:       one row per order kind (First-day orders, Repeat orders); none without sales
-- reads:       analytics.repeat_customer_revenue
-- rerunnable:  yes (read-only)
-- =====================================================================
WITH totals AS (
    SELECT
        sum(r.orders - r.repeat_orders) AS first_day_orders,
        sum(r.repeat_orders) AS repeat_orders,
        sum(r.first_order_revenue) AS first_order_revenue,
        sum(r.repeat_revenue) AS repeat_revenue,
        sum(r.net_revenue) AS net_revenue
    FROM analytics.repeat_customer_revenue AS r
)

SELECT
    1 AS kind_order,
    'First-day orders' AS order_kind,
    t.first_day_orders AS orders,
    t.first_order_revenue AS net_revenue,
    round(100 * t.first_order_revenue / nullif(t.net_revenue, 0), 2) AS revenue_share_pct
FROM totals AS t
WHERE t.net_revenue IS NOT NULL

UNION ALL

SELECT
    2 AS kind_order,
    'Repeat orders' AS order_kind,
    t.repeat_orders AS orders,
    t.repeat_revenue AS net_revenue,
    round(100 * t.repeat_revenue / nullif(t.net_revenue, 0), 2) AS revenue_share_pct
FROM totals AS t
WHERE t.net_revenue IS NOT NULL

ORDER BY kind_order ASC;
