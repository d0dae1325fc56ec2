-- =====================================================================
-- 450_create_product_performance.sql
-- purpose:     top products and product profitability: units, revenue, profit
--              and margin per product, ranked overall and within its category
-- target:      analytics.product_performance
-- grain:       one row per product with at least one sale
-- reads:       warehouse.fact_sales, warehouse.dim_products
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.product_performance;

CREATE VIEW analytics.product_performance AS
WITH per_product AS (
    SELECT
        dp.product_id,
        count(DISTINCT f.transaction_id) AS orders,
        sum(f.quantity) AS units,
        sum(f.gross_amount) AS gross_amount,
        sum(f.discount_amount) AS discount_amount,
        sum(f.net_amount) AS net_revenue,
        sum(f.cost_amount) AS cost_amount,
        sum(f.profit_amount) AS profit_amount
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_products AS dp ON f.product_key = dp.product_key
    GROUP BY dp.product_id
)

SELECT
    p.product_id,
    cur.product_name,
    cur.category,
    cur.sub_category,
    cur.brand,
    cur.price::numeric(14, 2) AS current_price,
    cur.cost::numeric(14, 2) AS current_cost,
    p.orders,
    p.units,
    p.gross_amount::numeric(14, 2) AS gross_amount,
    p.discount_amount::numeric(14, 2) AS discount_amount,
    p.net_revenue::numeric(14, 2) AS net_revenue,
    p.cost_amount::numeric(14, 2) AS cost_amount,
    p.profit_amount::numeric(14, 2) AS profit_amount,
    round(100 * p.profit_amount / nullif(p.net_revenue, 0), 2) AS margin_pct,
    rank() OVER (ORDER BY p.net_revenue DESC) AS revenue_rank,
    rank() OVER (ORDER BY p.profit_amount DESC) AS profit_rank,
    rank() OVER (PARTITION BY cur.category ORDER BY p.net_revenue DESC) AS category_revenue_rank
FROM per_product AS p
INNER JOIN warehouse.dim_products AS cur ON p.product_id = cur.product_id AND cur.is_current;

COMMENT ON VIEW analytics.product_performance IS 'Sales and profitability per product, ranked by revenue and profit; descriptive attributes from the current version.';
COMMENT ON COLUMN analytics.product_performance.product_id IS 'Natural key of the product.';
COMMENT ON COLUMN analytics.product_performance.product_name IS 'Product name.';
COMMENT ON COLUMN analytics.product_performance.category IS 'Category (current version).';
COMMENT ON COLUMN analytics.product_performance.sub_category IS 'Sub-category (current version).';
COMMENT ON COLUMN analytics.product_performance.brand IS 'Brand (current version).';
COMMENT ON COLUMN analytics.product_performance.current_price IS 'List price now, currency units.';
COMMENT ON COLUMN analytics.product_performance.current_cost IS 'Unit cost now, currency units.';
COMMENT ON COLUMN analytics.product_performance.orders IS 'Orders containing the product.';
COMMENT ON COLUMN analytics.product_performance.units IS 'Units sold.';
COMMENT ON COLUMN analytics.product_performance.gross_amount IS 'Revenue before discounts, currency units.';
COMMENT ON COLUMN analytics.product_performance.discount_amount IS 'Discounts given, currency units.';
COMMENT ON COLUMN analytics.product_performance.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.product_performance.cost_amount IS 'Cost of the units sold (cost of the version sold), currency units.';
COMMENT ON COLUMN analytics.product_performance.profit_amount IS 'Profit: net revenue minus cost, currency units.';
COMMENT ON COLUMN analytics.product_performance.margin_pct IS 'Profit as a share of net revenue, percent.';
COMMENT ON COLUMN analytics.product_performance.revenue_rank IS 'Rank by net revenue among all products, 1 = highest.';
COMMENT ON COLUMN analytics.product_performance.profit_rank IS 'Rank by profit among all products, 1 = highest.';
COMMENT ON COLUMN analytics.product_performance.category_revenue_rank IS 'Rank by net revenue within the current category, 1 = highest.';
