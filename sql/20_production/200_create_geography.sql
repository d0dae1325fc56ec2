-- =====================================================================
-- 200_create_geography.sql
-- purpose:     geography in third normal form: a city belongs to a state, a state
--              to a country; customers reference the city only
-- target:      production.countries, production.states, production.cities
-- grain:       one row per country / per state in a country / per city in a state
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS production.countries (
    country_id integer NOT NULL,
    country_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT countries_pkey PRIMARY KEY (country_id),
    CONSTRAINT countries_country_name_key UNIQUE (country_name)
);

SELECT pipeline.distribute('production.countries');

COMMENT ON TABLE production.countries IS 'Countries customers live in.';
COMMENT ON COLUMN production.countries.country_id IS 'Surrogate id of the country.';
COMMENT ON COLUMN production.countries.country_name IS 'Country name, proper-cased.';
COMMENT ON COLUMN production.countries.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.countries.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.states (
    state_id integer NOT NULL,
    country_id integer NOT NULL,
    state_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT states_pkey PRIMARY KEY (state_id),
    CONSTRAINT states_country_id_state_name_key UNIQUE (country_id, state_name),
    CONSTRAINT states_country_id_fkey FOREIGN KEY (country_id) REFERENCES production.countries (country_id)
);

SELECT pipeline.distribute('production.states');

COMMENT ON TABLE production.states IS 'States, regions or provinces, each within one country.';
COMMENT ON COLUMN production.states.state_id IS 'Surrogate id of the state.';
COMMENT ON COLUMN production.states.country_id IS 'Country the state belongs to.';
COMMENT ON COLUMN production.states.state_name IS 'State name, proper-cased.';
COMMENT ON COLUMN production.states.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.states.updated_at IS 'When the row last changed.';

CREATE TABLE IF NOT EXISTS production.cities (
    city_id integer NOT NULL,
    state_id integer NOT NULL,
    city_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cities_pkey PRIMARY KEY (city_id),
    CONSTRAINT cities_state_id_city_name_key UNIQUE (state_id, city_name),
    CONSTRAINT cities_state_id_fkey FOREIGN KEY (state_id) REFERENCES production.states (state_id)
);

SELECT pipeline.distribute('production.cities');

COMMENT ON TABLE production.cities IS 'Cities, each within one state.';
COMMENT ON COLUMN production.cities.city_id IS 'Surrogate id of the city.';
COMMENT ON COLUMN production.cities.state_id IS 'State the city belongs to.';
COMMENT ON COLUMN production.cities.city_name IS 'City name, proper-cased.';
COMMENT ON COLUMN production.cities.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.cities.updated_at IS 'When the row last changed.';
