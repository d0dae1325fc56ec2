-- =====================================================================
-- 320_load_dim_customers.sql
-- purpose:     SCD Type 2 upsert of the customer versions this batch delivered:
--              close the current version of every customer whose tracked
--              attributes changed (valid_to = the batch date), open a new version
--              valid from the batch date (from 1900-01-01 for a customer's first
--              version, so every historic order finds one), and overwrite the
--              type 1 attributes (names, phone, registration date) on all versions
-- target:      warehouse.dim_customers
-- grain:       one row per customer_id per version
-- reads:       production.customer_versions
-- rerunnable:  yes (an unchanged version is recognised and left alone)
-- =====================================================================
-- Tracked (type 2): email, city, state, country, age group and the segment derived from it.
UPDATE warehouse.dim_customers AS d
SET
    valid_to = current_setting('pipeline.batch_id')::date,
    is_current = FALSE,
    updated_at = now()
FROM production.customer_versions AS v
WHERE
    v.batch_id = current_setting('pipeline.batch_id')
    AND d.customer_id = v.customer_id
    AND d.is_current
    AND (d.email, d.city, d.state, d.country, d.age_group)
    IS DISTINCT FROM (v.email, v.city, v.state, v.country, v.age_group);

-- Keys: the largest in use plus the row number in customer_id order. No sequence (a
-- sequence reset in a transaction can, with wal_level = minimal, come back after a crash
-- behind the keys it handed out), and a full refresh gives every version the same key.
INSERT INTO warehouse.dim_customers (
    customer_key, customer_id, first_name, last_name, full_name, email, phone, registration_date,
    city, state, country, age_group, customer_segment, valid_from, valid_to, is_current, batch_id
)
SELECT
    coalesce((SELECT max(k.customer_key) FROM warehouse.dim_customers AS k), 0)
    + row_number() OVER (ORDER BY v.customer_id),
    v.customer_id,
    v.first_name,
    v.last_name,
    v.first_name || ' ' || v.last_name,
    v.email,
    v.phone,
    v.registration_date,
    v.city,
    v.state,
    v.country,
    v.age_group,
    CASE
        WHEN v.age_group IN ('18-24', '25-34') THEN 'Young Adults'
        WHEN v.age_group IN ('35-44', '45-54') THEN 'Middle Age'
        WHEN v.age_group IN ('55-64', '65+') THEN 'Seniors'
        ELSE 'Unknown'
    END,
    CASE
        WHEN
            EXISTS (
                SELECT 1 FROM warehouse.dim_customers AS old
                WHERE old.customer_id = v.customer_id
            )
            THEN current_setting('pipeline.batch_id')::date
        ELSE date '1900-01-01'
    END,
    date '9999-12-31',
    TRUE,
    v.batch_id
FROM production.customer_versions AS v
WHERE
    v.batch_id = current_setting('pipeline.batch_id')
    AND NOT EXISTS (
        SELECT 1 FROM warehouse.dim_customers AS d
        WHERE d.customer_id = v.customer_id AND d.is_current
    );

-- Type 1: the latest value on every version.
UPDATE warehouse.dim_customers AS d
SET
    first_name = v.first_name,
    last_name = v.last_name,
    full_name = v.first_name || ' ' || v.last_name,
    phone = v.phone,
    registration_date = v.registration_date,
    updated_at = now()
FROM production.customer_versions AS v
WHERE
    v.batch_id = current_setting('pipeline.batch_id')
    AND d.customer_id = v.customer_id
    AND (d.first_name, d.last_name, d.phone, d.registration_date)
    IS DISTINCT FROM (v.first_name, v.last_name, v.phone, v.registration_date);

-- Planner statistics before the stage's next statements join this table: after a first
-- load it has none, and the planner guesses (060_create_bulk_load_functions.sql).
SELECT pipeline.analyze_if_changed('warehouse.dim_customers');
