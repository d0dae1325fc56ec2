-- =====================================================================
-- 400_create_revenue_by_category_month.sql
-- purpose:     revenue, units and profit per product category and month, with the
--              category's share of the month's revenue
-- target:      analytics.revenue_by_category_month
-- grain:       one row per month and category (as categorised when sold)
-- reads:       warehouse.fact_sales, warehouse.dim_date, warehouse.dim_products
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.revenue_by_category_month;

CREATE VIEW analytics.revenue_by_category_month AS
WITH monthly AS (
    SELECT
        make_date(dd.year_number, dd.month_number, 1) AS month_start_date,
        dd.year_month,
        dp.category,
        count(DISTINCT f.transaction_id) AS orders,
        sum(f.quantity) AS units,
        sum(f.net_amount) AS net_revenue,
        sum(f.profit_amount) AS profit_amount
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key
    INNER JOIN warehouse.dim_products AS dp ON f.product_key = dp.product_key
    GROUP BY dd.year_number, dd.month_number, dd.year_month, dp.category
)

SELECT
    m.month_start_date,
    m.year_month,
    m.category,
    m.orders,
    m.units,
    m.net_revenue::numeric(14, 2) AS net_revenue,
    m.profit_amount::numeric(14, 2) AS profit_amount,
    round(100 * m.net_revenue / sum(m.net_revenue) OVER (PARTITION BY m.year_month), 2) AS revenue_share_pct
FROM monthly AS m;

COMMENT ON VIEW analytics.revenue_by_category_month IS 'Revenue, units and profit per category and month, with each category''s share of the month.';
COMMENT ON COLUMN analytics.revenue_by_category_month.month_start_date IS 'First day of the month: a date for a date axis.';
COMMENT ON COLUMN analytics.revenue_by_category_month.year_month IS 'Month, YYYY-MM.';
COMMENT ON COLUMN analytics.revenue_by_category_month.category IS 'Product category at the time of sale.';
COMMENT ON COLUMN analytics.revenue_by_category_month.orders IS 'Orders containing the category.';
COMMENT ON COLUMN analytics.revenue_by_category_month.units IS 'Units sold.';
COMMENT ON COLUMN analytics.revenue_by_category_month.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.revenue_by_category_month.profit_amount IS 'Profit: net revenue minus cost, currency units.';
COMMENT ON COLUMN analytics.revenue_by_category_month.revenue_share_pct IS 'Share of the month''s revenue, percent.';
