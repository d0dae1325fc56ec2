-- =====================================================================
-- 535_select_country_sales.sql
-- purpose:     net revenue, profit and orders per country of the customer when
--              ordering, with the country's share of all net revenue
-- target:      dashboard panel "Net revenue by country"
-- grain:       one row per country (NULL: customers without an address)
-- reads:       analytics.revenue_by_geography
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    g.country,
    sum(g.orders) AS orders,
    sum(g.net_revenue) AS net_revenue,
    sum(g.profit_amount) AS profit_amount,
    round(100 * sum(g.net_revenue) / sum(sum(g.net_revenue)) OVER (), 2) AS revenue_share_pct
FROM analytics.revenue_by_geography AS g
GROUP BY g.country
ORDER BY net_revenue DESC, g.country ASC NULLS LAST;
