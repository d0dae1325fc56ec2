-- =====================================================================
-- 505_select_monthly_sales.sql
-- purpose:     net revenue per month, per product category and for all categories
--              together (the page shows one series at a time, chosen by the
--              category filter)
-- target:      dashboard panel "Monthly net revenue"
-- grain:       one row per month and category, plus one row per month with
--              category NULL (all categories)
-- reads:       analytics.revenue_by_category_month
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    r.month_start_date,
    r.category,
    sum(r.orders) AS orders,
    sum(r.net_revenue) AS net_revenue
FROM analytics.revenue_by_category_month AS r
GROUP BY GROUPING SETS ((r.month_start_date, r.category), (r.month_start_date))
ORDER BY r.month_start_date ASC, r.category ASC NULLS FIRST;
