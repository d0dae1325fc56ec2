-- =====================================================================
-- 060_create_bulk_load_functions.sql
-- purpose:     bulk loads as the PostgreSQL manual advises: a merge into an EMPTY
--              table (first load, full refresh, reload) drops its foreign keys and
--              secondary indexes first; a `create_*_keys` file then builds them in
--              one pass each, in the same transaction. A daily merge changes nothing.
-- target:      pipeline.drop_keys_if_empty, pipeline.analyze_if_changed
-- grain:       one function
-- reads:       (none)
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================

-- Drops the foreign keys and the indexes other than the primary key and unique
-- constraints of an empty table; returns whether it did.
CREATE OR REPLACE FUNCTION pipeline.drop_keys_if_empty(target regclass)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    is_empty boolean;
    item record;
BEGIN
    EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s)', target) INTO is_empty;
    IF NOT is_empty THEN
        RETURN FALSE;
    END IF;
    FOR item IN
        SELECT c.conname FROM pg_catalog.pg_constraint AS c
        WHERE c.conrelid = target AND c.contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', target, item.conname);
    END LOOP;
    FOR item IN
        SELECT i.indexrelid::regclass AS index_name FROM pg_catalog.pg_index AS i
        WHERE
            i.indrelid = target
            AND NOT i.indisprimary
            AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint AS c WHERE c.conindid = i.indexrelid)
    LOOP
        EXECUTE format('DROP INDEX %s', item.index_name);
    END LOOP;
    RETURN TRUE;
END
$$;

-- Planner statistics after a load that changed a large part of the table (a first load,
-- a reload); a daily batch leaves them to autovacuum. Counts this transaction's changes.
CREATE OR REPLACE FUNCTION pipeline.analyze_if_changed(target regclass)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    changed bigint := pg_catalog.pg_stat_get_xact_tuples_inserted(target)
    + pg_catalog.pg_stat_get_xact_tuples_updated(target)
    + pg_catalog.pg_stat_get_xact_tuples_deleted(target);
    estimated real := (SELECT c.reltuples FROM pg_catalog.pg_class AS c WHERE c.oid = target);
BEGIN
    IF changed > 10000 AND changed > 0.1 * greatest(estimated, 0) THEN
        EXECUTE format('ANALYZE %s', target);
        RETURN TRUE;
    END IF;
    RETURN FALSE;
END
$$;
