-- =====================================================================
-- 525_select_rfm_segments.sql
-- purpose:     the RFM segments of analytics.customer_rfm (the one RFM definition):
--              customers, their net revenue and share, average recency and
--              frequency per segment, and all customers with orders
-- target:      dashboard panel "RFM segments"
-- grain:       one row per RFM segment with customers
-- reads:       analytics.customer_rfm
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    c.rfm_segment,
    count(*) AS customers,
    sum(c.net_revenue) AS net_revenue,
    round(100 * sum(c.net_revenue) / sum(sum(c.net_revenue)) OVER (), 2) AS revenue_share_pct,
    round(avg(c.recency_days), 1) AS average_recency_days,
    round(avg(c.frequency), 1) AS average_orders,
    sum(count(*)) OVER () AS customers_with_orders
FROM analytics.customer_rfm AS c
GROUP BY c.rfm_segment
ORDER BY net_revenue DESC, c.rfm_segment ASC;
