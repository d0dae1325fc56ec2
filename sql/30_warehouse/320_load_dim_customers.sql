-- =====================================================================
-- 320_load_dim_customers.sql
-- purpose:     SCD Type 2 upsert of the customer versions this batch delivered:
--              close the current version of every customer whose tracked
--              attributes changed (valid_to = the batch date), open a new version
--              valid from the batch date (from 1900-01-01 for a customer's first
--              version, so every historic order finds one), and overwrite the
--              type 1 attributes (names, phone) on all versions
-- target:      warehouse.dim_customers
-- grain:       one row per customer_id per version
-- reads:       production.customers_history, production.cities, production.states,
--              production.countries
-- rerunnable:  yes (an unchanged version is detected by its hash and left alone)
-- =====================================================================
-- Dropped first: a full refresh runs this file once per batch in one transaction.
DROP TABLE IF EXISTS incoming_customers;

CREATE TEMPORARY TABLE incoming_customers ON COMMIT DROP AS
WITH delivered AS (
    SELECT
        h.customer_id,
        h.first_name,
        h.last_name,
        h.email,
        h.phone,
        h.registration_date,
        ci.city_name AS city,
        st.state_name AS state,
        co.country_name AS country,
        h.age_group,
        CASE
            WHEN h.age_group IN ('18-24', '25-34') THEN 'Young Adults'
            WHEN h.age_group IN ('35-44', '45-54') THEN 'Middle Age'
            WHEN h.age_group IN ('55-64', '65+') THEN 'Seniors'
            ELSE 'Unknown'
        END AS customer_segment
    FROM production.customers_history AS h
    LEFT JOIN production.cities AS ci ON h.city_id = ci.city_id
    LEFT JOIN production.states AS st ON ci.state_id = st.state_id
    LEFT JOIN production.countries AS co ON st.country_id = co.country_id
    WHERE h.batch_id = current_setting('pipeline.batch_id')
)

SELECT
    d.*,
    md5(row(d.email, d.city, d.state, d.country, d.age_group, d.customer_segment)::text) AS attribute_hash
FROM delivered AS d;

UPDATE warehouse.dim_customers AS d
SET
    valid_to = current_setting('pipeline.batch_id')::date,
    is_current = FALSE,
    updated_at = now()
FROM incoming_customers AS i
WHERE
    d.customer_id = i.customer_id
    AND d.is_current
    AND d.attribute_hash != i.attribute_hash;

INSERT INTO warehouse.dim_customers (
    customer_id, first_name, last_name, full_name, email, phone, registration_date,
    city, state, country, age_group, customer_segment, attribute_hash,
    valid_from, valid_to, is_current, batch_id
)
SELECT
    i.customer_id,
    i.first_name,
    i.last_name,
    i.first_name || ' ' || i.last_name,
    i.email,
    i.phone,
    i.registration_date,
    i.city,
    i.state,
    i.country,
    i.age_group,
    i.customer_segment,
    i.attribute_hash,
    CASE
        WHEN
            EXISTS (
                SELECT FROM warehouse.dim_customers AS old
                WHERE old.customer_id = i.customer_id
            )
            THEN current_setting('pipeline.batch_id')::date
        ELSE date '1900-01-01'
    END,
    date '9999-12-31',
    TRUE,
    current_setting('pipeline.batch_id')
FROM incoming_customers AS i
WHERE
    NOT EXISTS (
        SELECT FROM warehouse.dim_customers AS d
        WHERE d.customer_id = i.customer_id AND d.is_current
    )
ORDER BY i.customer_id;

UPDATE warehouse.dim_customers AS d
SET
    first_name = i.first_name,
    last_name = i.last_name,
    full_name = i.first_name || ' ' || i.last_name,
    phone = i.phone,
    registration_date = i.registration_date,
    updated_at = now()
FROM incoming_customers AS i
WHERE
    d.customer_id = i.customer_id
    AND (d.first_name, d.last_name, d.phone, d.registration_date)
    IS DISTINCT FROM (i.first_name, i.last_name, i.phone, i.registration_date);
