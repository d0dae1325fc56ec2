-- =====================================================================
-- 410_create_weekday_vs_weekend.sql
-- purpose:     orders, revenue and profit on weekdays versus weekends, with each
--              day type's share and its average per calendar day with sales
-- target:      analytics.weekday_vs_weekend
-- grain:       one row per day type (Weekday, Weekend)
-- reads:       warehouse.agg_daily_sales, warehouse.dim_date
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.weekday_vs_weekend;

CREATE VIEW analytics.weekday_vs_weekend AS
-- From the daily aggregate (one row per day with sales, equal to fact_sales: check 930),
-- not the order lines: an order has one day, so a day type's orders are its days' orders.
WITH by_day_type AS (
    SELECT
        CASE WHEN dd.is_weekend THEN 'Weekend' ELSE 'Weekday' END AS day_type,
        count(*) AS days_with_sales,
        sum(a.transactions)::bigint AS orders,
        sum(a.units)::bigint AS units,
        sum(a.net_revenue) AS net_revenue,
        sum(a.profit_amount) AS profit_amount
    FROM warehouse.agg_daily_sales AS a
    INNER JOIN warehouse.dim_date AS dd ON a.date_key = dd.date_key
    GROUP BY dd.is_weekend
)

SELECT
    b.day_type,
    b.days_with_sales,
    b.orders,
    b.units,
    b.net_revenue::numeric(14, 2) AS net_revenue,
    b.profit_amount::numeric(14, 2) AS profit_amount,
    (b.net_revenue / b.orders)::numeric(14, 2) AS average_order_value,
    round(b.orders::numeric / b.days_with_sales, 2) AS orders_per_day,
    (b.net_revenue / b.days_with_sales)::numeric(14, 2) AS revenue_per_day,
    round(100.0 * b.orders / sum(b.orders) OVER (), 2) AS order_share_pct,
    round(100 * b.net_revenue / sum(b.net_revenue) OVER (), 2) AS revenue_share_pct
FROM by_day_type AS b;

COMMENT ON VIEW analytics.weekday_vs_weekend IS 'Weekday versus weekend sales: totals, averages per order and per day, and shares.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.day_type IS 'Weekday (Monday-Friday) or Weekend (Saturday, Sunday).';
COMMENT ON COLUMN analytics.weekday_vs_weekend.days_with_sales IS 'Calendar days of this type with at least one sale.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.orders IS 'Orders placed.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.units IS 'Units sold.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.profit_amount IS 'Profit: net revenue minus cost, currency units.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.average_order_value IS 'Net revenue per order, currency units.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.orders_per_day IS 'Orders per day with sales.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.revenue_per_day IS 'Net revenue per day with sales, currency units.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.order_share_pct IS 'Share of all orders, percent.';
COMMENT ON COLUMN analytics.weekday_vs_weekend.revenue_share_pct IS 'Share of all net revenue, percent.';
