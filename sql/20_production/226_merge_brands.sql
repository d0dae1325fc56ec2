-- =====================================================================
-- 226_merge_brands.sql
-- purpose:     add the brands that accepted products mention for the first time
-- target:      production.brands
-- grain:       one row per brand
-- reads:       staging.products_checked
-- rerunnable:  yes (only missing brands are added)
-- =====================================================================
INSERT INTO production.brands (brand_name)
SELECT DISTINCT c.brand
FROM staging.products_checked AS c
WHERE
    c.outcome IN ('inserted', 'updated')
    AND c.brand IS NOT NULL
    AND NOT EXISTS (
        SELECT FROM production.brands AS known
        WHERE known.brand_name = c.brand
    )
ORDER BY c.brand;
