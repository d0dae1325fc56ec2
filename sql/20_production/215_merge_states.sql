-- =====================================================================
-- 215_merge_states.sql
-- purpose:     add the states that accepted customers mention for the first time
-- target:      production.states
-- grain:       one row per state within a country
-- reads:       staging.customers_checked, production.countries
-- rerunnable:  yes (only missing states are added)
-- =====================================================================
INSERT INTO production.states (country_id, state_name)
SELECT DISTINCT
    co.country_id,
    c.state
FROM staging.customers_checked AS c
INNER JOIN production.countries AS co ON c.country = co.country_name
WHERE
    c.outcome IN ('inserted', 'updated')
    AND NOT EXISTS (
        SELECT FROM production.states AS known
        WHERE known.country_id = co.country_id AND known.state_name = c.state
    )
ORDER BY co.country_id, c.state;
