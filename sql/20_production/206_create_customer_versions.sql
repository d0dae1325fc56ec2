-- =====================================================================
-- 206_create_customer_versions.sql
-- purpose:     every delivered version of a customer with its address by name, the
--              way the warehouse's SCD Type 2 dimension reads it
-- target:      production.customer_versions
-- grain:       one row per customer_id per batch that changed it
-- reads:       production.customers_history, production.cities, production.states,
--              production.countries
-- rerunnable:  yes (CREATE OR REPLACE VIEW)
-- =====================================================================
CREATE OR REPLACE VIEW production.customer_versions AS
SELECT
    h.customer_id,
    h.batch_id,
    h.first_name,
    h.last_name,
    h.email,
    h.phone,
    h.registration_date,
    ci.city_name AS city,
    st.state_name AS state,
    co.country_name AS country,
    h.age_group
FROM production.customers_history AS h
LEFT JOIN production.cities AS ci ON h.city_id = ci.city_id
LEFT JOIN production.states AS st ON ci.state_id = st.state_id
LEFT JOIN production.countries AS co ON st.country_id = co.country_id;

COMMENT ON VIEW production.customer_versions IS 'Every delivered version of a customer, address by name: what warehouse.dim_customers is built from.';
COMMENT ON COLUMN production.customer_versions.customer_id IS 'Natural key of the customer.';
COMMENT ON COLUMN production.customer_versions.batch_id IS 'Batch that delivered this version.';
COMMENT ON COLUMN production.customer_versions.first_name IS 'First name in this version.';
COMMENT ON COLUMN production.customer_versions.last_name IS 'Last name in this version.';
COMMENT ON COLUMN production.customer_versions.email IS 'Email in this version.';
COMMENT ON COLUMN production.customer_versions.phone IS 'Phone in this version.';
COMMENT ON COLUMN production.customer_versions.registration_date IS 'Registration date in this version.';
COMMENT ON COLUMN production.customer_versions.city IS 'City in this version.';
COMMENT ON COLUMN production.customer_versions.state IS 'State of the city.';
COMMENT ON COLUMN production.customer_versions.country IS 'Country of the state.';
COMMENT ON COLUMN production.customer_versions.age_group IS 'Age band in this version.';
