-- =====================================================================
-- 530_select_top_products.sql
-- purpose:     the ten products with the most net revenue, with units, profit and
--              margin (name and category of the current version)
-- target:      dashboard panel "Top 10 products"
-- grain:       one row per product, at most ten
-- reads:       analytics.product_performance
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    p.revenue_rank,
    p.product_id,
    p.product_name,
    p.category,
    p.units,
    p.net_revenue,
    p.profit_amount,
    p.margin_pct
FROM analytics.product_performance AS p
ORDER BY p.revenue_rank ASC, p.product_id ASC
LIMIT 10;
