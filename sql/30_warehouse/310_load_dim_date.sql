-- =====================================================================
-- 310_load_dim_date.sql
-- purpose:     make the calendar cover every order date and batch date with a
--              margin: from 1 January of the year before the first to 31 December
--              of the year after the last; it extends itself as data arrives (order
--              dates start in 2000, see pipeline.earliest_accepted_date, so no garbage
--              year can stretch it). The fiscal year starts in month
--              {{ fiscal_year_start_month }} (setting FISCAL_YEAR_START_MONTH).
-- target:      warehouse.dim_date
-- grain:       one row per calendar day
-- reads:       production.transactions, warehouse.dim_date
-- rerunnable:  yes (existing days are only updated if the fiscal setting changed)
-- =====================================================================
INSERT INTO warehouse.dim_date (
    date_key, full_date, day_of_week, day_name, day_of_month, day_of_year, iso_week, iso_year,
    month_number, month_name, year_month, quarter_number, quarter_name, year_number,
    is_weekend, is_holiday, holiday_name, fiscal_year, fiscal_quarter, fiscal_month
)
-- The dates this batch brings (by last_batch_id, an index: a daily batch reads its own
-- orders, not the history), widened to whole years and joined to the calendar so far.
WITH batch_dates AS (
    SELECT
        least(min(t.transaction_date), current_setting('pipeline.batch_id')::date) AS first_date,
        greatest(max(t.transaction_date), current_setting('pipeline.batch_id')::date) AS last_date
    FROM production.transactions AS t
    WHERE t.last_batch_id = current_setting('pipeline.batch_id')
),

bounds AS (
    SELECT
        least(
            (SELECT min(d.full_date) FROM warehouse.dim_date AS d),
            make_date(extract(YEAR FROM b.first_date)::integer - 1, 1, 1)
        ) AS first_day,
        greatest(
            (SELECT max(d.full_date) FROM warehouse.dim_date AS d),
            make_date(extract(YEAR FROM b.last_date)::integer + 1, 12, 31)
        ) AS last_day
    FROM batch_dates AS b
),

days AS (
    SELECT
        d::date AS full_date,
        extract(ISODOW FROM d)::smallint AS day_of_week,
        extract(DAY FROM d)::smallint AS day_of_month,
        extract(MONTH FROM d)::smallint AS month_number,
        extract(YEAR FROM d)::smallint AS year_number
    FROM generate_series(
        (SELECT b.first_day FROM bounds AS b),
        (SELECT b.last_day FROM bounds AS b),
        interval '1 day'
    ) AS d
),

named AS (
    SELECT
        s.*,
        CASE
            WHEN s.month_number = 1 AND s.day_of_month = 1 THEN 'New Year''s Day'
            WHEN s.month_number = 1 AND s.day_of_week = 1 AND s.day_of_month BETWEEN 15 AND 21
                THEN 'Martin Luther King Jr. Day'
            WHEN s.month_number = 2 AND s.day_of_week = 1 AND s.day_of_month BETWEEN 15 AND 21
                THEN 'Presidents'' Day'
            WHEN s.month_number = 5 AND s.day_of_week = 1 AND s.day_of_month >= 25 THEN 'Memorial Day'
            WHEN s.month_number = 7 AND s.day_of_month = 4 THEN 'Independence Day'
            WHEN s.month_number = 9 AND s.day_of_week = 1 AND s.day_of_month <= 7 THEN 'Labor Day'
            WHEN s.month_number = 11 AND s.day_of_week = 4 AND s.day_of_month BETWEEN 22 AND 28
                THEN 'Thanksgiving'
            WHEN s.month_number = 11 AND s.day_of_week = 5 AND s.day_of_month BETWEEN 23 AND 29
                THEN 'Black Friday'
            WHEN s.day_of_week = 1 AND (
                (s.month_number = 11 AND s.day_of_month >= 26) OR (s.month_number = 12 AND s.day_of_month <= 2)
            ) THEN 'Cyber Monday'
            WHEN s.month_number = 12 AND s.day_of_month = 24 THEN 'Christmas Eve'
            WHEN s.month_number = 12 AND s.day_of_month = 25 THEN 'Christmas Day'
            WHEN s.month_number = 12 AND s.day_of_month = 31 THEN 'New Year''s Eve'
        END AS holiday_name,
        (s.month_number - {{ fiscal_year_start_month }} + 12) % 12 + 1 AS fiscal_month
    FROM days AS s
)

SELECT
    (n.year_number * 10000 + n.month_number * 100 + n.day_of_month) AS date_key,
    n.full_date,
    n.day_of_week,
    to_char(n.full_date, 'FMDay'),
    n.day_of_month,
    extract(DOY FROM n.full_date)::smallint,
    extract(WEEK FROM n.full_date)::smallint,
    extract(ISOYEAR FROM n.full_date)::smallint,
    n.month_number,
    to_char(n.full_date, 'FMMonth'),
    to_char(n.full_date, 'YYYY-MM'),
    extract(QUARTER FROM n.full_date)::smallint,
    'Q' || extract(QUARTER FROM n.full_date),
    n.year_number,
    n.day_of_week IN (6, 7),
    n.holiday_name IS NOT NULL,
    n.holiday_name,
    (n.year_number + CASE WHEN n.month_number >= {{ fiscal_year_start_month }} AND {{ fiscal_year_start_month }} > 1 THEN 1 ELSE 0 END)::smallint,
    ((n.fiscal_month - 1) / 3 + 1)::smallint,
    n.fiscal_month::smallint
FROM named AS n
ON CONFLICT ON CONSTRAINT dim_date_pkey DO UPDATE SET
    fiscal_year = excluded.fiscal_year,
    fiscal_quarter = excluded.fiscal_quarter,
    fiscal_month = excluded.fiscal_month
WHERE
(dim_date.fiscal_year, dim_date.fiscal_quarter, dim_date.fiscal_month)
IS DISTINCT FROM (excluded.fiscal_year, excluded.fiscal_quarter, excluded.fiscal_month);
