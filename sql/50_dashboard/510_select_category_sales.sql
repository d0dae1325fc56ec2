-- =====================================================================
-- 510_select_category_sales.sql
-- purpose:     net revenue, profit, units and orders per product category over all
--              months, with the category's share of all net revenue
-- target:      dashboard panel "Net revenue by category"
-- grain:       one row per category (as categorised when sold)
-- reads:       analytics.revenue_by_category_month
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    r.category,
    sum(r.orders) AS orders,
    sum(r.units) AS units,
    sum(r.net_revenue) AS net_revenue,
    sum(r.profit_amount) AS profit_amount,
    round(100 * sum(r.net_revenue) / sum(sum(r.net_revenue)) OVER (), 2) AS revenue_share_pct
FROM analytics.revenue_by_category_month AS r
GROUP BY r.category
ORDER BY net_revenue DESC, r.category ASC;
