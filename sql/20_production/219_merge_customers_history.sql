-- =====================================================================
-- 219_merge_customers_history.sql
-- purpose:     record the version of every customer this batch inserted or changed;
--              the warehouse builds its SCD Type 2 versions from this history
-- target:      production.customers_history
-- grain:       one row per customer_id per batch that changed it
-- reads:       production.customers
-- rerunnable:  yes (upsert on customer_id and batch)
-- =====================================================================
-- Foreign keys proved after a first load's insert, not row by row (see 218).
SELECT pipeline.defer_foreign_keys('production.customers_history');

INSERT INTO production.customers_history (
    customer_id, batch_id, first_name, last_name, email, phone,
    registration_date, city_id, age_group, created_at, updated_at
)
SELECT
    c.customer_id,
    c.last_batch_id,
    c.first_name,
    c.last_name,
    c.email,
    c.phone,
    c.registration_date,
    c.city_id,
    c.age_group,
    now(),
    now()
FROM production.customers AS c
WHERE c.last_batch_id = current_setting('pipeline.batch_id')
ON CONFLICT ON CONSTRAINT customers_history_pkey DO UPDATE SET
    first_name = excluded.first_name,
    last_name = excluded.last_name,
    email = excluded.email,
    phone = excluded.phone,
    registration_date = excluded.registration_date,
    city_id = excluded.city_id,
    age_group = excluded.age_group,
    updated_at = excluded.updated_at;

SELECT pipeline.restore_foreign_keys('production.customers_history');

-- Planner statistics before the stage's next statements join this table: after a first
-- load it has none, and the planner guesses (060_create_bulk_load_functions.sql).
SELECT pipeline.analyze_if_changed('production.customers_history');
