-- =====================================================================
-- 226_merge_brands.sql
-- purpose:     add the brands that accepted products mention for the first time
-- target:      production.brands
-- grain:       one row per brand
-- reads:       staging.products_checked, production.brands
-- rerunnable:  yes (only missing brands are added)
-- =====================================================================
-- Ids: the largest in use plus the row number (see 214_merge_countries.sql).
INSERT INTO production.brands (brand_id, brand_name)
SELECT
    coalesce((SELECT max(k.brand_id) FROM production.brands AS k), 0)
    + row_number() OVER (ORDER BY n.brand_name),
    n.brand_name
FROM (
    SELECT DISTINCT c.brand AS brand_name
    FROM staging.products_checked AS c
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND c.brand IS NOT NULL
        AND NOT EXISTS (
            SELECT 1 FROM production.brands AS known
            WHERE known.brand_name = c.brand
        )
) AS n;
