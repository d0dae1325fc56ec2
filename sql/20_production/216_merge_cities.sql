-- =====================================================================
-- 216_merge_cities.sql
-- purpose:     add the cities that accepted customers mention for the first time
-- target:      production.cities
-- grain:       one row per city within a state
-- reads:       staging.customers_checked, production.countries, production.states
-- rerunnable:  yes (only missing cities are added)
-- =====================================================================
INSERT INTO production.cities (state_id, city_name)
SELECT DISTINCT
    st.state_id,
    c.city
FROM staging.customers_checked AS c
INNER JOIN production.countries AS co ON c.country = co.country_name
INNER JOIN production.states AS st ON co.country_id = st.country_id AND c.state = st.state_name
WHERE
    c.outcome IN ('inserted', 'updated')
    AND NOT EXISTS (
        SELECT FROM production.cities AS known
        WHERE known.state_id = st.state_id AND known.city_name = c.city
    )
ORDER BY st.state_id, c.city;
