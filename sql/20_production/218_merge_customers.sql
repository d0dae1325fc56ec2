-- =====================================================================
-- 218_merge_customers.sql
-- purpose:     insert new customers and overwrite changed ones with the version
--              this batch delivered (production holds the latest truth)
-- target:      production.customers
-- grain:       one row per customer_id
-- reads:       staging.customers_checked, production.countries, production.states,
--              production.cities
-- rerunnable:  yes (MERGE on customer_id)
-- =====================================================================
-- MERGE, not INSERT ... ON CONFLICT, like every entity merge: one join of the batch to
-- the table instead of a speculative insertion per row.
MERGE INTO production.customers AS p
USING (
    SELECT
        c.customer_id,
        c.first_name,
        c.last_name,
        c.email,
        c.phone,
        c.registration_date,
        ci.city_id,
        c.age_group,
        c.source_hash
    FROM staging.customers_checked AS c
    LEFT JOIN production.countries AS co ON c.country = co.country_name
    LEFT JOIN production.states AS st
        ON co.country_id = st.country_id AND c.state = st.state_name
    LEFT JOIN production.cities AS ci
        ON st.state_id = ci.state_id AND c.city = ci.city_name
    WHERE c.outcome IN ('inserted', 'updated')
) AS s
    ON p.customer_id = s.customer_id
WHEN MATCHED THEN
    UPDATE
        SET
            first_name = s.first_name,
            last_name = s.last_name,
            email = s.email,
            phone = s.phone,
            registration_date = s.registration_date,
            city_id = s.city_id,
            age_group = s.age_group,
            source_hash = s.source_hash,
            last_batch_id = current_setting('pipeline.batch_id'),
            updated_at = now()
WHEN NOT MATCHED THEN INSERT (
    customer_id, first_name, last_name, email, phone, registration_date, city_id,
    age_group, source_hash, last_batch_id
) VALUES (
    s.customer_id, s.first_name, s.last_name, s.email, s.phone, s.registration_date,
    s.city_id, s.age_group, s.source_hash, current_setting('pipeline.batch_id')
);
