-- =====================================================================
-- 500_select_daily_sales.sql
-- purpose:     orders, units, net revenue and profit per day, per product category
--              and for all categories together: the data the page's filters
--              (date range, category) sum for the KPI cards and their previous-
--              period comparison, and the daily revenue chart. Orders of all
--              categories come from agg_daily_sales: an order with lines in two
--              categories counts once there, once per category in the view.
-- target:      dashboard panels "Key figures" and "Daily net revenue"
-- grain:       one row per day with sales and category, plus one row per day with
--              sales and category NULL (all categories)
-- reads:       analytics.daily_category_sales, warehouse.agg_daily_sales
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    d.sales_date,
    d.category,
    d.orders,
    d.units,
    d.net_revenue,
    d.profit_amount
FROM analytics.daily_category_sales AS d

UNION ALL

SELECT
    a.sales_date,
    NULL AS category,
    a.transactions AS orders,
    a.units,
    a.net_revenue,
    a.profit_amount
FROM warehouse.agg_daily_sales AS a

ORDER BY sales_date ASC, category ASC NULLS FIRST;
