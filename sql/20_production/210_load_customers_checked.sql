-- =====================================================================
-- 210_load_customers_checked.sql
-- purpose:     clean, cast and validate the staged customers in one set-based pass,
--              and decide each row's outcome (pipeline.decide_outcome): inserted,
--              updated, duplicate, superseded (a later line of the batch wins) or
--              quarantined (the first rule it failed, and a readable reason)
-- target:      staging.customers_checked
-- grain:       one row per staged customers row
-- reads:       staging.customers, production.customers, production.cities,
--              production.states, production.countries
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.customers_checked;

CREATE UNLOGGED TABLE staging.customers_checked AS
-- MATERIALIZED: each cleaned value is computed once, however often the rules read it.
WITH cleaned AS MATERIALIZED (
    SELECT
        s.line_number,
        pipeline.trim_to_null(s.customer_id) AS customer_id,
        initcap(pipeline.clean_text(s.first_name)) AS first_name,
        initcap(pipeline.clean_text(s.last_name)) AS last_name,
        lower(pipeline.clean_text(s.email)) AS email,
        pipeline.clean_phone(s.phone) AS phone,
        pipeline.trim_to_null(s.registration_date) AS registration_date_raw,
        pipeline.to_date_or_null(s.registration_date) AS registration_date,
        initcap(pipeline.clean_text(s.city)) AS city,
        initcap(pipeline.clean_text(s.state)) AS state,
        initcap(pipeline.clean_text(s.country)) AS country,
        pipeline.trim_to_null(s.age_group) AS age_group
    FROM staging.customers AS s
),

validated AS (
    SELECT
        c.*,
        CASE
            WHEN
                c.customer_id IS NULL OR c.first_name IS NULL OR c.last_name IS NULL OR c.email IS NULL
                OR c.registration_date_raw IS NULL
                THEN 'missing_required'
            WHEN NOT pipeline.is_email(c.email) THEN 'invalid_email'
            WHEN c.registration_date IS NULL THEN 'invalid_date'
            WHEN c.registration_date > current_setting('pipeline.batch_id')::date THEN 'future_date'
            WHEN c.registration_date < pipeline.earliest_accepted_date() THEN 'date_out_of_range'
            WHEN num_nonnulls(c.city, c.state, c.country) NOT IN (0, 3) THEN 'incomplete_address'
        END AS rule_name
    FROM cleaned AS c
),

-- De-duplication, the same in every checked table: the latest line of an id wins; only
-- ids delivered more than once are looked at (a hash aggregate finds them).
repeated AS (
    SELECT
        v.customer_id,
        max(v.line_number) AS latest_line
    FROM validated AS v
    WHERE v.rule_name IS NULL
    GROUP BY v.customer_id
    HAVING count(*) > 1
),

-- The rows that will be merged: valid and the latest line of their customer.
merging AS (
    SELECT v.*
    FROM validated AS v
    LEFT JOIN repeated AS r ON v.customer_id = r.customer_id
    WHERE v.rule_name IS NULL AND (r.latest_line IS NULL OR r.latest_line = v.line_number)
),

-- An email belongs to one customer: among the rows that will be merged, the first line
-- claims it, unless another customer in production holds it and keeps it in this batch.
email_taken AS (
    SELECT m.line_number
    FROM merging AS m
    WHERE
        EXISTS (
            SELECT FROM merging AS earlier
            WHERE earlier.email = m.email AND earlier.line_number < m.line_number
        )
        OR EXISTS (
            SELECT FROM production.customers AS other
            WHERE
                other.email = m.email
                AND other.customer_id != m.customer_id
                AND NOT EXISTS (
                    SELECT FROM merging AS moving
                    WHERE moving.customer_id = other.customer_id AND moving.email != m.email
                )
        )
),

-- The current production version of every customer the batch delivers, by name.
known AS (
    SELECT
        p.customer_id,
        p.first_name,
        p.last_name,
        p.email,
        p.phone,
        p.registration_date,
        ci.city_name AS city,
        st.state_name AS state,
        co.country_name AS country,
        p.age_group
    FROM production.customers AS p
    LEFT JOIN production.cities AS ci ON p.city_id = ci.city_id
    LEFT JOIN production.states AS st ON ci.state_id = st.state_id
    LEFT JOIN production.countries AS co ON st.country_id = co.country_id
    WHERE p.customer_id IN (SELECT c.customer_id FROM cleaned AS c)
),

decided AS (
    SELECT
        v.*,
        coalesce(v.rule_name, CASE WHEN t.line_number IS NOT NULL THEN 'duplicate_email' END) AS final_rule_name,
        r.latest_line,
        w.line_number IS NOT NULL AS is_winner,
        (v.first_name, v.last_name, v.email, v.phone, v.registration_date, v.city, v.state, v.country, v.age_group)
        IS NOT DISTINCT FROM (w.first_name, w.last_name, w.email, w.phone, w.registration_date, w.city, w.state,
            w.country, w.age_group) AS matches_latest_line,
        k.customer_id IS NOT NULL AS is_in_production,
        (v.first_name, v.last_name, v.email, v.phone, v.registration_date, v.city, v.state, v.country, v.age_group)
        IS NOT DISTINCT FROM (k.first_name, k.last_name, k.email, k.phone, k.registration_date, k.city, k.state,
            k.country, k.age_group) AS matches_production
    FROM validated AS v
    LEFT JOIN repeated AS r ON v.rule_name IS NULL AND v.customer_id = r.customer_id
    LEFT JOIN validated AS w ON r.latest_line = w.line_number
    LEFT JOIN email_taken AS t ON v.line_number = t.line_number
    LEFT JOIN known AS k ON v.customer_id = k.customer_id
)

SELECT
    current_setting('pipeline.batch_id') AS batch_id,
    d.line_number,
    d.customer_id,
    d.first_name,
    d.last_name,
    d.email,
    d.phone,
    d.registration_date,
    d.city,
    d.state,
    d.country,
    d.age_group,
    d.final_rule_name AS rule_name,
    CASE d.final_rule_name
        WHEN 'missing_required'
            THEN 'required column(s) empty: ' || concat_ws(
                ', ',
                CASE WHEN d.customer_id IS NULL THEN 'customer_id' END,
                CASE WHEN d.first_name IS NULL THEN 'first_name' END,
                CASE WHEN d.last_name IS NULL THEN 'last_name' END,
                CASE WHEN d.email IS NULL THEN 'email' END,
                CASE WHEN d.registration_date_raw IS NULL THEN 'registration_date' END
            )
        WHEN 'invalid_email' THEN format('email %L is not a valid address', d.email)
        WHEN 'invalid_date' THEN format('registration_date %L is not a date (YYYY-MM-DD)', d.registration_date_raw)
        WHEN 'future_date'
            THEN format('registration_date %s is after the batch date %s', d.registration_date,
                current_setting('pipeline.batch_id'))
        WHEN 'date_out_of_range'
            THEN format('registration_date %s is before %s, the earliest date accepted', d.registration_date,
                pipeline.earliest_accepted_date())
        WHEN 'incomplete_address'
            THEN format(
                'city %L, state %L and country %L must be given together or not at all', d.city, d.state, d.country
            )
        WHEN 'duplicate_email' THEN format('email %L already belongs to another customer', d.email)
    END AS reason,
    pipeline.decide_outcome(
        d.final_rule_name, TRUE, d.latest_line IS NULL OR d.latest_line = d.line_number, d.matches_latest_line,
        d.is_in_production, d.matches_production
    ) AS outcome
FROM decided AS d;

ANALYZE staging.customers_checked;
