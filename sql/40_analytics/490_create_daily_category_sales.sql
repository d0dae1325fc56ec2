-- =====================================================================
-- 490_create_daily_category_sales.sql
-- purpose:     sales per day and product category with the calendar attributes
--              BI tools slice by (weekend, holiday, fiscal period)
-- target:      analytics.daily_category_sales
-- grain:       one row per date and category with sales (as categorised when sold)
-- reads:       warehouse.fact_sales, warehouse.dim_date, warehouse.dim_products
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.daily_category_sales;

CREATE VIEW analytics.daily_category_sales AS
SELECT
    dd.date_key,
    dd.full_date AS sales_date,
    dd.day_name,
    dd.year_month,
    dd.is_weekend,
    dd.is_holiday,
    dd.holiday_name,
    dd.fiscal_year,
    dd.fiscal_quarter,
    dp.category,
    count(DISTINCT f.transaction_id) AS orders,
    sum(f.quantity) AS units,
    sum(f.net_amount)::numeric(14, 2) AS net_revenue,
    sum(f.profit_amount)::numeric(14, 2) AS profit_amount
FROM warehouse.fact_sales AS f
INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key
INNER JOIN warehouse.dim_products AS dp ON f.product_key = dp.product_key
GROUP BY
    dd.date_key, dd.full_date, dd.day_name, dd.year_month, dd.is_weekend, dd.is_holiday,
    dd.holiday_name, dd.fiscal_year, dd.fiscal_quarter, dp.category;

COMMENT ON VIEW analytics.daily_category_sales IS 'Sales per day and category with calendar attributes, for date x category slicing.';
COMMENT ON COLUMN analytics.daily_category_sales.date_key IS 'Day, key to dim_date.';
COMMENT ON COLUMN analytics.daily_category_sales.sales_date IS 'The calendar date.';
COMMENT ON COLUMN analytics.daily_category_sales.day_name IS 'Day name, e.g. Monday.';
COMMENT ON COLUMN analytics.daily_category_sales.year_month IS 'Month, YYYY-MM.';
COMMENT ON COLUMN analytics.daily_category_sales.is_weekend IS 'True on Saturday and Sunday.';
COMMENT ON COLUMN analytics.daily_category_sales.is_holiday IS 'True on a holiday.';
COMMENT ON COLUMN analytics.daily_category_sales.holiday_name IS 'Name of the holiday, if any.';
COMMENT ON COLUMN analytics.daily_category_sales.fiscal_year IS 'Fiscal year.';
COMMENT ON COLUMN analytics.daily_category_sales.fiscal_quarter IS 'Fiscal quarter, 1-4.';
COMMENT ON COLUMN analytics.daily_category_sales.category IS 'Product category at the time of sale.';
COMMENT ON COLUMN analytics.daily_category_sales.orders IS 'Orders containing the category that day.';
COMMENT ON COLUMN analytics.daily_category_sales.units IS 'Units sold.';
COMMENT ON COLUMN analytics.daily_category_sales.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.daily_category_sales.profit_amount IS 'Profit: net revenue minus cost, currency units.';
