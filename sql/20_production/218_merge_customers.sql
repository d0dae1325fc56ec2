-- =====================================================================
-- 218_merge_customers.sql
-- purpose:     insert new customers and overwrite changed ones with the version
--              this batch delivered (production holds the latest truth)
-- target:      production.customers
-- grain:       one row per customer_id
-- reads:       staging.customers_checked, production.countries, production.states,
--              production.cities
-- rerunnable:  yes (upsert on customer_id)
-- =====================================================================
-- Into a table that never held rows (a first load) the foreign keys are dropped before the
-- insert and proved after it, one pass each instead of one lookup per row
-- (060_create_bulk_load_functions.sql); a daily merge keeps them.
SELECT pipeline.defer_foreign_keys('production.customers');

-- Every merge into a small table is INSERT ... ON CONFLICT DO UPDATE: on Citus these are
-- reference tables, which take no UPDATE ... FROM a coordinator table and no MERGE. The
-- timestamps come with the inserted row (Citus evaluates no now() in the SET list).
INSERT INTO production.customers (
    customer_id, first_name, last_name, email, phone, registration_date, city_id,
    age_group, last_batch_id, created_at, updated_at
)
SELECT
    c.customer_id,
    c.first_name,
    c.last_name,
    c.email,
    c.phone,
    c.registration_date,
    ci.city_id,
    c.age_group,
    c.batch_id,
    now(),
    now()
FROM staging.customers_checked AS c
LEFT JOIN production.countries AS co ON c.country = co.country_name
LEFT JOIN production.states AS st
    ON co.country_id = st.country_id AND c.state = st.state_name
LEFT JOIN production.cities AS ci
    ON st.state_id = ci.state_id AND c.city = ci.city_name
WHERE c.outcome IN ('inserted', 'updated')
ON CONFLICT ON CONSTRAINT customers_pkey DO UPDATE SET
    first_name = excluded.first_name,
    last_name = excluded.last_name,
    email = excluded.email,
    phone = excluded.phone,
    registration_date = excluded.registration_date,
    city_id = excluded.city_id,
    age_group = excluded.age_group,
    last_batch_id = excluded.last_batch_id,
    updated_at = excluded.updated_at;

SELECT pipeline.restore_foreign_keys('production.customers');

-- Planner statistics before the stage's next statements join this table: after a first
-- load it has none, and the planner guesses (060_create_bulk_load_functions.sql).
SELECT pipeline.analyze_if_changed('production.customers');
