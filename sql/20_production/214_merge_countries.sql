-- =====================================================================
-- 214_merge_countries.sql
-- purpose:     add the countries that accepted customers mention for the first time
-- target:      production.countries
-- grain:       one row per country
-- reads:       staging.customers_checked, production.countries
-- rerunnable:  yes (only missing countries are added)
-- =====================================================================
-- Ids of every lookup table: the largest in use plus the row number, in name order. No
-- sequence: one created or reset in a transaction can, with wal_level = minimal, come
-- back after a crash behind the ids it handed out; and a reload gives the same ids again.
INSERT INTO production.countries (country_id, country_name)
SELECT
    coalesce((SELECT max(k.country_id) FROM production.countries AS k), 0)
    + row_number() OVER (ORDER BY n.country_name),
    n.country_name
FROM (
    SELECT DISTINCT c.country AS country_name
    FROM staging.customers_checked AS c
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND c.country IS NOT NULL
        AND NOT EXISTS (
            SELECT 1 FROM production.countries AS known
            WHERE known.country_name = c.country
        )
) AS n;
