-- =====================================================================
-- 470_create_revenue_by_geography.sql
-- purpose:     revenue by country and state, where the customer lived when
--              ordering (the customer version valid on the order date)
-- target:      analytics.revenue_by_geography
-- grain:       one row per country and state (empty for customers without an
--              address)
-- reads:       warehouse.fact_sales, warehouse.dim_customers
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.revenue_by_geography;

CREATE VIEW analytics.revenue_by_geography AS
WITH per_state AS (
    SELECT
        dc.country,
        dc.state,
        count(DISTINCT dc.customer_id) AS customers,
        count(DISTINCT f.transaction_id) AS orders,
        sum(f.net_amount) AS net_revenue,
        sum(f.profit_amount) AS profit_amount
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    GROUP BY dc.country, dc.state
)

SELECT
    s.country,
    s.state,
    s.customers,
    s.orders,
    s.net_revenue::numeric(14, 2) AS net_revenue,
    s.profit_amount::numeric(14, 2) AS profit_amount,
    (s.net_revenue / s.orders)::numeric(14, 2) AS average_order_value,
    (sum(s.net_revenue) OVER (PARTITION BY s.country))::numeric(14, 2) AS country_net_revenue,
    round(100 * s.net_revenue / sum(s.net_revenue) OVER (PARTITION BY s.country), 2) AS share_of_country_pct,
    round(100 * s.net_revenue / sum(s.net_revenue) OVER (), 2) AS revenue_share_pct
FROM per_state AS s;

COMMENT ON VIEW analytics.revenue_by_geography IS 'Revenue per country and state of the customer at the time of the order, with shares of the country and of the total.';
COMMENT ON COLUMN analytics.revenue_by_geography.country IS 'Country of the customer when ordering (empty if unknown).';
COMMENT ON COLUMN analytics.revenue_by_geography.state IS 'State of the customer when ordering (empty if unknown).';
COMMENT ON COLUMN analytics.revenue_by_geography.customers IS 'Customers who ordered from there.';
COMMENT ON COLUMN analytics.revenue_by_geography.orders IS 'Orders placed.';
COMMENT ON COLUMN analytics.revenue_by_geography.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.revenue_by_geography.profit_amount IS 'Profit: net revenue minus cost, currency units.';
COMMENT ON COLUMN analytics.revenue_by_geography.average_order_value IS 'Net revenue per order, currency units.';
COMMENT ON COLUMN analytics.revenue_by_geography.country_net_revenue IS 'Net revenue of the whole country, currency units.';
COMMENT ON COLUMN analytics.revenue_by_geography.share_of_country_pct IS 'The state''s share of its country''s net revenue, percent.';
COMMENT ON COLUMN analytics.revenue_by_geography.revenue_share_pct IS 'Share of all net revenue, percent.';
