-- =====================================================================
-- 480_create_discount_impact.sql
-- purpose:     what discounts cost: revenue, discount given and margin per
--              discount band of the order line
-- target:      analytics.discount_impact
-- grain:       one row per discount band with sales
-- reads:       warehouse.fact_sales
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.discount_impact;

CREATE VIEW analytics.discount_impact AS
WITH banded AS (
    SELECT
        f.transaction_id,
        f.quantity,
        f.gross_amount,
        f.discount_amount,
        f.net_amount,
        f.cost_amount,
        f.profit_amount,
        CASE
            WHEN f.discount_percentage = 0 THEN 1
            WHEN f.discount_percentage <= 10 THEN 2
            WHEN f.discount_percentage <= 20 THEN 3
            WHEN f.discount_percentage <= 30 THEN 4
            ELSE 5
        END AS band_order
    FROM warehouse.fact_sales AS f
),

per_band AS (
    SELECT
        b.band_order,
        count(*) AS items,
        count(DISTINCT b.transaction_id) AS orders,
        sum(b.quantity) AS units,
        sum(b.gross_amount) AS gross_amount,
        sum(b.discount_amount) AS discount_amount,
        sum(b.net_amount) AS net_revenue,
        sum(b.cost_amount) AS cost_amount,
        sum(b.profit_amount) AS profit_amount
    FROM banded AS b
    GROUP BY b.band_order
)

SELECT
    p.band_order,
    (ARRAY['No discount', '0-10%', '10-20%', '20-30%', 'Over 30%'])[p.band_order] AS discount_band,
    p.items,
    p.orders,
    p.units,
    p.gross_amount::numeric(14, 2) AS gross_amount,
    p.discount_amount::numeric(14, 2) AS discount_amount,
    p.net_revenue::numeric(14, 2) AS net_revenue,
    p.cost_amount::numeric(14, 2) AS cost_amount,
    p.profit_amount::numeric(14, 2) AS profit_amount,
    round(100 * p.discount_amount / nullif(p.gross_amount, 0), 2) AS effective_discount_pct,
    round(100 * p.profit_amount / nullif(p.net_revenue, 0), 2) AS margin_pct,
    round(100 * p.net_revenue / sum(p.net_revenue) OVER (), 2) AS revenue_share_pct
FROM per_band AS p;

COMMENT ON VIEW analytics.discount_impact IS 'Revenue, discount and margin per discount band of the order lines.';
COMMENT ON COLUMN analytics.discount_impact.band_order IS 'Sort order of the band, 1 = no discount.';
COMMENT ON COLUMN analytics.discount_impact.discount_band IS 'No discount, 0-10% (above 0 up to 10), 10-20%, 20-30% or Over 30%.';
COMMENT ON COLUMN analytics.discount_impact.items IS 'Order lines.';
COMMENT ON COLUMN analytics.discount_impact.orders IS 'Orders with a line in the band.';
COMMENT ON COLUMN analytics.discount_impact.units IS 'Units sold.';
COMMENT ON COLUMN analytics.discount_impact.gross_amount IS 'Revenue before discount, currency units.';
COMMENT ON COLUMN analytics.discount_impact.discount_amount IS 'Discount given, currency units.';
COMMENT ON COLUMN analytics.discount_impact.net_revenue IS 'Net revenue: sum of fact_sales.net_amount (after discounts), currency units.';
COMMENT ON COLUMN analytics.discount_impact.cost_amount IS 'Cost of the units sold, currency units.';
COMMENT ON COLUMN analytics.discount_impact.profit_amount IS 'Profit: net revenue minus cost, currency units.';
COMMENT ON COLUMN analytics.discount_impact.effective_discount_pct IS 'Discount as a share of gross revenue, percent.';
COMMENT ON COLUMN analytics.discount_impact.margin_pct IS 'Profit as a share of net revenue, percent.';
COMMENT ON COLUMN analytics.discount_impact.revenue_share_pct IS 'Share of all net revenue, percent.';
