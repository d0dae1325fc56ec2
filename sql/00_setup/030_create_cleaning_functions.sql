-- =====================================================================
-- 030_create_cleaning_functions.sql
-- purpose:     small, inlinable SQL functions that clean text and cast it safely
--              (NULL instead of an error), so every rule stays one set-based pass
--              and runs on PostgreSQL 15 (which has no pg_input_is_valid)
-- target:      pipeline.clean_text, pipeline.clean_phone, pipeline.is_email,
--              pipeline.trim_space, pipeline.trim_to_null, pipeline.to_date_or_null, pipeline.to_time_or_null,
--              pipeline.to_integer_or_null, pipeline.to_money_or_null
-- grain:       one function per cleaning idiom
-- reads:       (none)
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================

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

-- White space (spaces, tabs, line breaks) trimmed from both ends; cheaper than clean_text,
-- which the casts below do not need: their patterns accept no inner white space.
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


-- The patterns use [0-9], not \d, because \d also matches non-ASCII digits the casts reject.
-- Every cast is guarded by a CASE branch, never by AND, whose order PostgreSQL does not promise.
-- The date and time functions are STABLE, like the text-to-date and text-to-time casts they
-- use: PostgreSQL inlines a SQL function only when its body is no more volatile than the
-- function says, and a function that is not inlined costs a call per row (2x slower here).

-- ISO date YYYY-MM-DD that exists in the calendar (year 0001 or later), else NULL.
CREATE OR REPLACE FUNCTION pipeline.to_date_or_null(raw_value text)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
            WHEN pipeline.trim_space(raw_value) !~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
                OR left(pipeline.trim_space(raw_value), 4) = '0000'
                THEN NULL
            -- days 1 to 28 exist in every month; only 29 to 31 need the calendar
            WHEN substr(pipeline.trim_space(raw_value), 9, 2)::integer <= 28
                THEN pipeline.trim_space(raw_value)::date
            WHEN substr(pipeline.trim_space(raw_value), 9, 2)::integer
                <= extract(
                    DAY FROM make_date(
                        left(pipeline.trim_space(raw_value), 4)::integer,
                        substr(pipeline.trim_space(raw_value), 6, 2)::integer,
                        1
                    ) + INTERVAL '1 month' - INTERVAL '1 day'
                )
                THEN pipeline.trim_space(raw_value)::date
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

-- A whole number that fits an integer (optional sign), else NULL.
CREATE OR REPLACE FUNCTION pipeline.to_integer_or_null(raw_value text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
            WHEN pipeline.trim_space(raw_value) ~ '^[+-]?[0-9]{1,9}$' THEN pipeline.trim_space(raw_value)::integer
        END
$$;

-- A decimal with at most 2 decimals that fits numeric(12,2), else NULL.
-- Thousands separators, exponents and decimal commas are not guessed at: they fail.
CREATE OR REPLACE FUNCTION pipeline.to_money_or_null(raw_value text)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT
        CASE
            WHEN pipeline.trim_space(raw_value) ~ '^[+-]?[0-9]{1,10}(\.[0-9]{1,2})?$'
                THEN pipeline.trim_space(raw_value)::numeric(12, 2)
        END
$$;
