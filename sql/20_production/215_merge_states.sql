-- =====================================================================
-- 215_merge_states.sql
-- purpose:     add the states that accepted customers mention for the first time
-- target:      production.states
-- grain:       one row per state within a country
-- reads:       staging.customers_checked, production.countries, production.states
-- rerunnable:  yes (only missing states are added)
-- =====================================================================
-- Ids: the largest in use plus the row number (see 214_merge_countries.sql).
INSERT INTO production.states (state_id, country_id, state_name)
SELECT
    coalesce((SELECT max(k.state_id) FROM production.states AS k), 0)
    + row_number() OVER (ORDER BY n.country_id, n.state_name),
    n.country_id,
    n.state_name
FROM (
    SELECT DISTINCT
        co.country_id,
        c.state AS state_name
    FROM staging.customers_checked AS c
    INNER JOIN production.countries AS co ON c.country = co.country_name
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND NOT EXISTS (
            SELECT 1 FROM production.states AS known
            WHERE known.country_id = co.country_id AND known.state_name = c.state
        )
) AS n;
