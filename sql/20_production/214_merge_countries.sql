-- =====================================================================
-- 214_merge_countries.sql
-- purpose:     add the countries that accepted customers mention for the first time
-- target:      production.countries
-- grain:       one row per country
-- reads:       staging.customers_checked
-- rerunnable:  yes (only missing countries are added)
-- =====================================================================
INSERT INTO production.countries (country_name)
SELECT DISTINCT c.country
FROM staging.customers_checked AS c
WHERE
    c.outcome IN ('inserted', 'updated')
    AND c.country IS NOT NULL
    AND NOT EXISTS (
        SELECT FROM production.countries AS known
        WHERE known.country_name = c.country
    )
ORDER BY c.country;
