-- =====================================================================
-- 080_grant_bi_reader.sql
-- purpose:     read-only access for BI tools: bi_reader may read warehouse and
--              analytics, nothing else, and write nowhere. The role itself is
--              created by an administrator (the embedded server does it for you);
--              when it does not exist this file changes nothing.
-- target:      privileges of role bi_reader
-- grain:       one grant per schema
-- reads:       pg_catalog.pg_roles
-- rerunnable:  yes (grants are idempotent)
-- =====================================================================
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'bi_reader') THEN
        GRANT USAGE ON SCHEMA warehouse, analytics TO bi_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA warehouse, analytics TO bi_reader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA warehouse GRANT SELECT ON TABLES TO bi_reader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO bi_reader;
    END IF;
END
$$;
