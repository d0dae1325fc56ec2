-- =====================================================================
-- 545_select_discount_bands.sql
-- purpose:     what discounts cost: order lines, discount given, net revenue,
--              discount rate and margin per discount band
-- target:      dashboard panel "Discount bands"
-- grain:       one row per discount band with sales
-- reads:       analytics.discount_impact
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    d.discount_band,
    d.items,
    d.discount_amount,
    d.net_revenue,
    d.effective_discount_pct,
    d.margin_pct
FROM analytics.discount_impact AS d
ORDER BY d.band_order ASC;
