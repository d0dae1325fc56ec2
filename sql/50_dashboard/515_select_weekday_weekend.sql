-- =====================================================================
-- 515_select_weekday_weekend.sql
-- purpose:     weekdays against weekends: days with sales, net revenue, net revenue
--              and orders per day, average order value and share of net revenue
-- target:      dashboard panel "Weekday vs weekend"
-- grain:       one row per day type (Weekday, Weekend)
-- reads:       analytics.weekday_vs_weekend
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    w.day_type,
    w.days_with_sales,
    w.net_revenue,
    w.revenue_per_day,
    w.orders_per_day,
    w.average_order_value,
    w.revenue_share_pct
FROM analytics.weekday_vs_weekend AS w
ORDER BY w.day_type ASC;
