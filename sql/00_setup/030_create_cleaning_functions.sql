-- =====================================================================
-- 030_create_cleaning_functions.sql
-- purpose:     small, inlinable SQL functions that clean text and cast it safely
--              (NULL instead of an error), so every rule stays one set-based pass;
--              plus the accepted date range and the raw-row text of a quarantined row
-- target:      pipeline.clean_text, pipeline.clean_phone, pipeline.is_email,
--              pipeline.trim_space, pipeline.trim_to_null, pipeline.to_date_or_null,
--              pipeline.to_time_or_null, pipeline.to_integer_or_null,
--              pipeline.to_money_or_null, pipeline.earliest_accepted_date,
--              pipeline.raw_row
-- grain:       one function per cleaning idiom
-- reads:       (none)
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================
{#- server_version_num and citus are passed by the orchestrator from the target server. #}
-- PostgreSQL inlines a SQL function into the query that calls it only when its body is
-- no more volatile than the function says: the casts and pg_input_is_valid() are STABLE,
-- so the functions that use them are declared STABLE (IMMUTABLE would cost a function
-- call per value, 4x slower). The patterns use [0-9], not \d, because \d also matches
-- non-ASCII digits the casts reject. Every cast is guarded by a CASE branch, never by
-- AND, whose order PostgreSQL does not promise.

-- Trimmed text with runs of white space folded to one space; empty becomes NULL.
-- Most values have nothing to fold (no two white space characters in a row, none but
-- the plain space): testing for that first is 4x cheaper than always replacing.
CREATE OR REPLACE FUNCTION pipeline.clean_text(raw_value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT nullif(
        btrim(
            CASE
                WHEN raw_value ~ '\s\s|(?! )\s' THEN regexp_replace(raw_value, '\s+', ' ', 'g')
                ELSE raw_value
            END
        ),
        ''
    )
$$;

-- White space (spaces, tabs, line breaks) trimmed from both ends.
CREATE OR REPLACE FUNCTION pipeline.trim_space(raw_value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT btrim(raw_value, E' \t\n\r\f\v')
$$;

-- Ids and raw numbers: trimmed, empty becomes NULL. Inner spaces are kept as delivered.
CREATE OR REPLACE FUNCTION pipeline.trim_to_null(raw_value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT nullif(pipeline.trim_space(raw_value), '')
$$;

-- Digits only, with a leading + kept for international numbers: '(555) 123-4567' -> '5551234567'.
CREATE OR REPLACE FUNCTION pipeline.clean_phone(raw_value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT nullif(
        CASE WHEN pipeline.trim_space(raw_value) LIKE '+%' THEN '+' ELSE '' END
        || regexp_replace(raw_value, '[^0-9]', '', 'g'),
        ''
    )
$$;

-- A plausible address: one @, something before it, a dot in the domain, no spaces.
CREATE OR REPLACE FUNCTION pipeline.is_email(clean_value text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT clean_value ~ '^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$'
$$;

-- The accepted dates run from this day to the batch date: an order or a registration
-- before it is quarantined (rule date_out_of_range), so that a garbage year can neither
-- fall outside every SCD2 version nor stretch dim_date over centuries.
CREATE OR REPLACE FUNCTION pipeline.earliest_accepted_date()
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT date '2000-01-01'
$$;

-- ISO date YYYY-MM-DD that exists in the calendar, else NULL.
CREATE OR REPLACE FUNCTION pipeline.to_date_or_null(raw_value text)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
            WHEN pipeline.trim_space(raw_value) !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN NULL
{%- if server_version_num >= 160000 %}
            WHEN pg_input_is_valid(pipeline.trim_space(raw_value), 'date') THEN pipeline.trim_space(raw_value)::date
{%- else %}
            -- PostgreSQL 15 has no pg_input_is_valid: the calendar is checked by hand
            WHEN substr(pipeline.trim_space(raw_value), 6, 2) NOT BETWEEN '01' AND '12'
                OR substr(pipeline.trim_space(raw_value), 9, 2) NOT BETWEEN '01' AND '31'
                OR left(pipeline.trim_space(raw_value), 4) = '0000'
                THEN NULL
            -- days 1 to 28 exist in every month; only 29 to 31 need the calendar
            WHEN substr(pipeline.trim_space(raw_value), 9, 2)::integer <= 28 THEN pipeline.trim_space(raw_value)::date
            WHEN substr(pipeline.trim_space(raw_value), 9, 2)::integer
                <= extract(
                    DAY FROM make_date(
                        left(pipeline.trim_space(raw_value), 4)::integer,
                        substr(pipeline.trim_space(raw_value), 6, 2)::integer,
                        1
                    ) + INTERVAL '1 month' - INTERVAL '1 day'
                )
                THEN pipeline.trim_space(raw_value)::date
{%- endif %}
        END
$$;

-- Time HH:MM or HH:MM:SS on a 24-hour clock, else NULL.
CREATE OR REPLACE FUNCTION pipeline.to_time_or_null(raw_value text)
RETURNS time
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
            WHEN pipeline.trim_space(raw_value) ~ '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$'
                THEN pipeline.trim_space(raw_value)::time
        END
$$;

-- A whole number that fits an integer: optional sign and digits, surrounding white
-- space allowed; no thousands separators, underscores or hexadecimal.
CREATE OR REPLACE FUNCTION pipeline.to_integer_or_null(raw_value text)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
{%- if server_version_num >= 160000 %}
            -- the character test keeps out what integer input also reads: 0x1F, 1_000
            WHEN raw_value !~ '[^0-9+\s-]' AND pg_input_is_valid(raw_value, 'integer') THEN raw_value::integer
{%- else %}
            WHEN raw_value ~ '^\s*[+-]?[0-9]+\s*$'
                THEN CASE WHEN raw_value::numeric BETWEEN -2147483648 AND 2147483647 THEN raw_value::integer END
{%- endif %}
        END
$$;

-- A plain decimal with at most 2 decimals that fits numeric(12,2): optional sign,
-- digits with an optional decimal point, surrounding white space allowed. Thousands
-- separators, exponents, decimal commas, NaN and Infinity are not guessed at: they fail.
CREATE OR REPLACE FUNCTION pipeline.to_money_or_null(raw_value text)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
{%- if server_version_num >= 160000 %}
            -- the character test keeps out what numeric input also reads: 1e3, NaN, 1_000;
            -- scale() keeps out 12.345, which numeric(12,2) would round
            WHEN raw_value !~ '[^0-9.+\s-]' AND pg_input_is_valid(raw_value, 'numeric(12,2)')
                THEN CASE WHEN scale(raw_value::numeric) <= 2 THEN raw_value::numeric(12, 2) END
{%- else %}
            WHEN raw_value ~ '^\s*[+-]?([0-9]+(\.[0-9]{0,2})?|\.[0-9]{1,2})\s*$'
                THEN CASE WHEN abs(raw_value::numeric) < 10000000000 THEN raw_value::numeric(12, 2) END
{%- endif %}
        END
$$;

-- The raw row of a quarantined line as delivered: column name to text, '' for an empty
-- value (COPY reads an empty field as NULL, but it arrived as '').
CREATE OR REPLACE FUNCTION pipeline.raw_row(raw_values jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT jsonb_object_agg(f.key, coalesce(f.value, ''))
    FROM jsonb_each_text(raw_values) AS f (key, value)
$$;

COMMENT ON FUNCTION pipeline.clean_text(text) IS 'Trimmed text with runs of white space folded to one space; empty becomes NULL.';
COMMENT ON FUNCTION pipeline.trim_space(text) IS 'The text with white space (spaces, tabs, line breaks) trimmed from both ends.';
COMMENT ON FUNCTION pipeline.trim_to_null(text) IS 'Ids and raw numbers: trimmed, empty becomes NULL; inner spaces are kept as delivered.';
COMMENT ON FUNCTION pipeline.clean_phone(text) IS 'Digits only, with a leading + kept for international numbers; NULL when no digit is left.';
COMMENT ON FUNCTION pipeline.is_email(text) IS 'Whether a cleaned value is a plausible email address: one @, something before it, a dot in the domain, no spaces.';
COMMENT ON FUNCTION pipeline.earliest_accepted_date() IS 'First day of the accepted date range (2000-01-01); the range ends on the batch date.';
COMMENT ON FUNCTION pipeline.to_date_or_null(text) IS 'An ISO date YYYY-MM-DD that exists in the calendar, else NULL.';
COMMENT ON FUNCTION pipeline.to_time_or_null(text) IS 'A time HH:MM or HH:MM:SS on a 24-hour clock, else NULL.';
COMMENT ON FUNCTION pipeline.to_integer_or_null(text) IS 'A whole number that fits an integer (optional sign), else NULL.';
COMMENT ON FUNCTION pipeline.to_money_or_null(text) IS 'A plain decimal with at most 2 decimals that fits numeric(12,2), else NULL; thousands separators, exponents and decimal commas fail.';
COMMENT ON FUNCTION pipeline.raw_row(jsonb) IS 'A raw row as delivered: column name to text, with an empty string for an empty value.';
