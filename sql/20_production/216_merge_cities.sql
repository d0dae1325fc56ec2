-- =====================================================================
-- 216_merge_cities.sql
-- purpose:     add the cities that accepted customers mention for the first time
-- target:      production.cities
-- grain:       one row per city within a state
-- reads:       staging.customers_checked, production.countries, production.states,
--              production.cities
-- rerunnable:  yes (only missing cities are added)
-- =====================================================================
-- Ids: the largest in use plus the row number (see 214_merge_countries.sql).
INSERT INTO production.cities (city_id, state_id, city_name)
SELECT
    coalesce((SELECT max(k.city_id) FROM production.cities AS k), 0)
    + row_number() OVER (ORDER BY n.state_id, n.city_name),
    n.state_id,
    n.city_name
FROM (
    SELECT DISTINCT
        st.state_id,
        c.city AS city_name
    FROM staging.customers_checked AS c
    INNER JOIN production.countries AS co ON c.country = co.country_name
    INNER JOIN production.states AS st ON co.country_id = st.country_id AND c.state = st.state_name
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND NOT EXISTS (
            SELECT 1 FROM production.cities AS known
            WHERE known.state_id = st.state_id AND known.city_name = c.city
        )
) AS n;
