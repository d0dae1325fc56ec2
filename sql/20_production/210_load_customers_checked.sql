-- =====================================================================
-- 210_load_customers_checked.sql
-- purpose:     clean, cast and validate the staged customers in one set-based pass,
--              and decide each row's outcome: inserted, updated, duplicate,
--              superseded (a later row of the batch wins) or quarantined (first
--              failed rule and a readable reason)
-- target:      staging.customers_checked
-- grain:       one row per staged customers row
-- reads:       staging.customers, production.customers
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.customers_checked;

CREATE UNLOGGED TABLE staging.customers_checked AS
WITH cleaned AS MATERIALIZED (
    SELECT
        s.batch_id,
        s.source_file,
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

ruled AS (
    SELECT
        c.*,
        concat_ws(
            ', ',
            CASE WHEN c.customer_id IS NULL THEN 'customer_id' END,
            CASE WHEN c.first_name IS NULL THEN 'first_name' END,
            CASE WHEN c.last_name IS NULL THEN 'last_name' END,
            CASE WHEN c.email IS NULL THEN 'email' END,
            CASE WHEN c.registration_date_raw IS NULL THEN 'registration_date' END
        ) AS missing_columns,
        md5(
            row(
                c.first_name, c.last_name, c.email, c.phone, c.registration_date,
                c.city, c.state, c.country, c.age_group
            )::text
        ) AS source_hash
    FROM cleaned AS c
),

validated AS (
    SELECT
        r.*,
        CASE
            WHEN r.missing_columns != '' THEN 'missing_required'
            WHEN NOT pipeline.is_email(r.email) THEN 'invalid_email'
            WHEN r.registration_date IS NULL THEN 'invalid_date'
            WHEN r.registration_date > current_setting('pipeline.batch_id')::date THEN 'future_date'
            WHEN num_nonnulls(r.city, r.state, r.country) NOT IN (0, 3) THEN 'incomplete_address'
        END AS rule_name
    FROM ruled AS r
),

ranked AS (
    SELECT
        v.*,
        row_number() OVER latest_first AS rank_in_batch,
        first_value(v.source_hash) OVER latest_first AS winner_hash
    FROM validated AS v
    WINDOW latest_first AS (
        PARTITION BY v.customer_id, v.rule_name IS NULL ORDER BY v.line_number DESC
    )
),

-- Among the rows that will be merged (valid, last of their customer), the first
-- customer to claim an email keeps it.
claimed AS (
    SELECT
        k.*,
        first_value(k.customer_id) OVER (
            PARTITION BY k.email, k.rule_name IS NULL AND k.rank_in_batch = 1 ORDER BY k.line_number
        ) AS first_customer_with_email
    FROM ranked AS k
),

decided AS (
    SELECT
        k.*,
        p.source_hash AS production_hash,
        coalesce(
            k.rule_name,
            CASE
                WHEN
                    k.rank_in_batch = 1
                    AND (
                        k.first_customer_with_email != k.customer_id
                        OR EXISTS (
                            SELECT FROM production.customers AS other
                            WHERE
                                other.email = k.email
                                AND other.customer_id != k.customer_id
                                -- unless this batch moves the other customer to a new email
                                AND NOT EXISTS (
                                    SELECT FROM ranked AS moving
                                    WHERE
                                        moving.customer_id = other.customer_id
                                        AND moving.rule_name IS NULL
                                        AND moving.rank_in_batch = 1
                                        AND moving.email != k.email
                                )
                        )
                    )
                    THEN 'duplicate_email'
            END
        ) AS final_rule_name
    FROM claimed AS k
    LEFT JOIN production.customers AS p ON k.customer_id = p.customer_id
)

SELECT
    d.batch_id,
    d.source_file,
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
    d.source_hash,
    d.final_rule_name AS rule_name,
    CASE d.final_rule_name
        WHEN 'missing_required' THEN 'required column(s) empty: ' || d.missing_columns
        WHEN 'invalid_email' THEN format('email %L is not a valid address', d.email)
        WHEN 'invalid_date' THEN format('registration_date %L is not a date (YYYY-MM-DD)', d.registration_date_raw)
        WHEN 'future_date' THEN format('registration_date %s is after the batch date %s', d.registration_date, d.batch_id)
        WHEN 'incomplete_address'
            THEN
                format(
                    'city %L, state %L and country %L must be given together or not at all', d.city, d.state, d.country
                )
        WHEN 'duplicate_email' THEN format('email %L already belongs to another customer', d.email)
    END AS reason,
    CASE
        WHEN d.final_rule_name IS NOT NULL THEN 'quarantined'
        WHEN d.rank_in_batch > 1 AND d.source_hash = d.winner_hash THEN 'duplicate'
        WHEN d.rank_in_batch > 1 THEN 'superseded'
        WHEN d.production_hash IS NULL THEN 'inserted'
        WHEN d.production_hash = d.source_hash THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM decided AS d;
