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
-- OFFSET 0 keeps PostgreSQL from merging a subquery into the statement, so that each
-- value is cleaned, and each rule checked, once per row however often it is read.
WITH cleaned AS (
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
    OFFSET 0
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
    OFFSET 0
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
)

SELECT
    current_setting('pipeline.batch_id') AS batch_id,
    v.line_number,
    v.customer_id,
    v.first_name,
    v.last_name,
    v.email,
    v.phone,
    v.registration_date,
    v.city,
    v.state,
    v.country,
    v.age_group,
    v.rule_name,
    CASE v.rule_name
        WHEN 'missing_required'
            THEN 'required column(s) empty: ' || concat_ws(
                ', ',
                CASE WHEN v.customer_id IS NULL THEN 'customer_id' END,
                CASE WHEN v.first_name IS NULL THEN 'first_name' END,
                CASE WHEN v.last_name IS NULL THEN 'last_name' END,
                CASE WHEN v.email IS NULL THEN 'email' END,
                CASE WHEN v.registration_date_raw IS NULL THEN 'registration_date' END
            )
        WHEN 'invalid_email' THEN format('email %L is not a valid address', v.email)
        WHEN 'invalid_date' THEN format('registration_date %L is not a date (YYYY-MM-DD)', v.registration_date_raw)
        WHEN 'future_date'
            THEN format(
                'registration_date %s is after the batch date %s', v.registration_date,
                current_setting('pipeline.batch_id')
            )
        WHEN 'date_out_of_range'
            THEN format(
                'registration_date %s is before %s, the earliest date accepted', v.registration_date,
                pipeline.earliest_accepted_date()
            )
        WHEN 'incomplete_address'
            THEN format(
                'city %L, state %L and country %L must be given together or not at all', v.city, v.state, v.country
            )
    END AS reason,
    -- as if each id came once; the UPDATEs below settle repeated ids and shared emails
    pipeline.decide_outcome(
        v.rule_name, TRUE, TRUE, FALSE, k.customer_id IS NOT NULL,
        (v.first_name, v.last_name, v.email, v.phone, v.registration_date, v.city, v.state, v.country, v.age_group)
        IS NOT DISTINCT FROM (
            k.first_name, k.last_name, k.email, k.phone, k.registration_date, k.city, k.state,
            k.country, k.age_group
        )
    ) AS outcome
FROM validated AS v
LEFT JOIN known AS k ON v.customer_id = k.customer_id;

-- De-duplication, the same in every checked table: of an id delivered more than once, the
-- latest valid line wins; every earlier valid line is a duplicate (same values) or
-- superseded. Only the repeated ids are looked at (a hash aggregate finds them).
UPDATE staging.customers_checked AS c
SET
    outcome = pipeline.decide_outcome(
        c.rule_name, TRUE, FALSE,
        (c.first_name, c.last_name, c.email, c.phone, c.registration_date, c.city, c.state, c.country, c.age_group)
        IS NOT DISTINCT FROM (
            w.first_name, w.last_name, w.email, w.phone, w.registration_date, w.city, w.state,
            w.country, w.age_group
        ),
        TRUE, FALSE
    )
FROM (
    SELECT DISTINCT ON (k.customer_id)
        k.*
    FROM staging.customers_checked AS k
    WHERE
        k.outcome IN ('inserted', 'updated', 'duplicate')
        AND k.customer_id IN (
            SELECT r.customer_id
            FROM staging.customers_checked AS r
            WHERE r.outcome IN ('inserted', 'updated', 'duplicate')
            GROUP BY r.customer_id
            HAVING count(*) > 1
        )
    ORDER BY k.customer_id ASC, k.line_number DESC
) AS w
WHERE
    c.customer_id = w.customer_id
    AND c.outcome IN ('inserted', 'updated', 'duplicate')
    AND c.line_number != w.line_number;

-- An email belongs to one customer. Among the rows that will be merged (the latest valid
-- line of each customer that changes production), the first line claims an email, unless
-- another customer in production holds it and keeps it in this batch: the others are
-- quarantined.
UPDATE staging.customers_checked AS c
SET
    rule_name = 'duplicate_email',
    -- quote_literal, not format(): Citus calls no STABLE function with a column in an UPDATE
    reason = 'email ' || quote_literal(c.email) || ' already belongs to another customer',
    outcome = 'quarantined'
-- IN (...), not FROM or EXISTS: the form Citus takes for an UPDATE of a coordinator table
-- that reads a reference table.
WHERE c.line_number IN (
    -- a later claim of the same email in this batch
    SELECT m.line_number
    FROM (
        SELECT
            k.line_number,
            min(k.line_number) OVER (PARTITION BY k.email) AS first_claim_line
        FROM staging.customers_checked AS k
        WHERE k.outcome IN ('inserted', 'updated')
    ) AS m
    WHERE m.line_number > m.first_claim_line
    UNION
    -- an email another customer holds in production, unless this batch moves them to another
    SELECT m.line_number
    FROM staging.customers_checked AS m
    INNER JOIN production.customers AS other ON m.email = other.email AND m.customer_id != other.customer_id
    LEFT JOIN staging.customers_checked AS moving
        ON other.customer_id = moving.customer_id AND moving.outcome IN ('inserted', 'updated')
    WHERE
        m.outcome IN ('inserted', 'updated')
        AND (moving.customer_id IS NULL OR moving.email = other.email)
);

ANALYZE staging.customers_checked;
