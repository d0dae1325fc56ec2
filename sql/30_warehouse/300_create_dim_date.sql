-- =====================================================================
-- 300_create_dim_date.sql
-- purpose:     the calendar dimension (filled by 310_load_dim_date.sql)
-- target:      warehouse.dim_date
-- grain:       one row per calendar day
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS warehouse.dim_date (
    date_key integer NOT NULL,
    full_date date NOT NULL,
    day_of_week smallint NOT NULL,
    day_name text NOT NULL,
    day_of_month smallint NOT NULL,
    day_of_year smallint NOT NULL,
    iso_week smallint NOT NULL,
    iso_year smallint NOT NULL,
    month_number smallint NOT NULL,
    month_name text NOT NULL,
    year_month text NOT NULL,
    quarter_number smallint NOT NULL,
    quarter_name text NOT NULL,
    year_number smallint NOT NULL,
    is_weekend boolean NOT NULL,
    is_holiday boolean NOT NULL,
    holiday_name text,
    fiscal_year smallint NOT NULL,
    fiscal_quarter smallint NOT NULL,
    fiscal_month smallint NOT NULL,
    CONSTRAINT dim_date_pkey PRIMARY KEY (date_key),
    CONSTRAINT dim_date_full_date_key UNIQUE (full_date)
);

SELECT pipeline.distribute('warehouse.dim_date');

COMMENT ON TABLE warehouse.dim_date IS 'Calendar: one row per day, covering every date in the data with at least a year of margin; extended automatically.';
COMMENT ON COLUMN warehouse.dim_date.date_key IS 'Surrogate key YYYYMMDD, e.g. 20241231.';
COMMENT ON COLUMN warehouse.dim_date.full_date IS 'The calendar date.';
COMMENT ON COLUMN warehouse.dim_date.day_of_week IS 'ISO day of week: 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN warehouse.dim_date.day_name IS 'Day name, e.g. Monday.';
COMMENT ON COLUMN warehouse.dim_date.day_of_month IS 'Day of the month, 1-31.';
COMMENT ON COLUMN warehouse.dim_date.day_of_year IS 'Day of the year, 1-366.';
COMMENT ON COLUMN warehouse.dim_date.iso_week IS 'ISO 8601 week number, 1-53.';
COMMENT ON COLUMN warehouse.dim_date.iso_year IS 'ISO 8601 week-numbering year.';
COMMENT ON COLUMN warehouse.dim_date.month_number IS 'Month, 1-12.';
COMMENT ON COLUMN warehouse.dim_date.month_name IS 'Month name, e.g. January.';
COMMENT ON COLUMN warehouse.dim_date.year_month IS 'Year and month, e.g. 2024-12 (sorts correctly as text).';
COMMENT ON COLUMN warehouse.dim_date.quarter_number IS 'Calendar quarter, 1-4.';
COMMENT ON COLUMN warehouse.dim_date.quarter_name IS 'Calendar quarter label, e.g. Q4.';
COMMENT ON COLUMN warehouse.dim_date.year_number IS 'Calendar year.';
COMMENT ON COLUMN warehouse.dim_date.is_weekend IS 'True on Saturday and Sunday.';
COMMENT ON COLUMN warehouse.dim_date.is_holiday IS 'True on a US federal or major retail holiday.';
COMMENT ON COLUMN warehouse.dim_date.holiday_name IS 'Name of the holiday, if any.';
COMMENT ON COLUMN warehouse.dim_date.fiscal_year IS 'Fiscal year, named after the calendar year in which it ends.';
COMMENT ON COLUMN warehouse.dim_date.fiscal_quarter IS 'Fiscal quarter, 1-4.';
COMMENT ON COLUMN warehouse.dim_date.fiscal_month IS 'Month within the fiscal year, 1-12.';
