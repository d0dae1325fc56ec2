-- =====================================================================
-- 060_create_bulk_load_functions.sql
-- purpose:     bulk loads as the PostgreSQL manual advises: a load into a table that
--              never held rows (a first load; production in a reload) empties it in its
--              own transaction (with wal_level = minimal the rows skip the WAL) and drops
--              its keys and indexes, or only its foreign keys, added again in one pass
--              each in the same transaction; planner statistics after big changes; line
--              numbers as an editor counts them when a quoted value spans lines.
-- target:      pipeline.prepare_bulk_load, pipeline.deferred_foreign_keys, pipeline.defer_foreign_keys,
--              pipeline.restore_foreign_keys, pipeline.analyze_if_changed, pipeline.number_lines_as_in_editor
-- grain:       one function per idiom
-- reads:       pipeline.loaded_files
-- rerunnable:  yes (CREATE OR REPLACE)
-- =====================================================================

-- When target has never held rows (no page on disk): truncate it, drop its foreign
-- keys, the foreign keys that reference it, and every index and unique constraint;
-- return whether it did. A table that held rows, even deleted ones that a reader's
-- snapshot may still see (a full refresh or a reload deletes the warehouse's rows in its
-- transaction), is left alone: its load maintains the indexes, and readers keep reading
-- the old rows until the load commits. The lock is taken without waiting: if a reader
-- holds the (empty) table, the load simply keeps the indexes.
CREATE OR REPLACE FUNCTION pipeline.prepare_bulk_load(target regclass)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    item record;
BEGIN
{%- if citus %}
    -- On Citus the rows live in the shards, whose size cannot be read inside a transaction
    -- that has written to several shards; the shards keep their indexes.
    RETURN FALSE;
{%- endif %}
    IF pg_catalog.pg_relation_size(target) > 0 THEN
        RETURN FALSE;
    END IF;
    BEGIN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE NOWAIT', target);
    EXCEPTION WHEN lock_not_available THEN
        RETURN FALSE;
    END;
    FOR item IN
        SELECT c.conrelid::regclass AS table_name, c.conname
        FROM pg_catalog.pg_constraint AS c
        WHERE c.contype = 'f' AND (c.conrelid = target OR c.confrelid = target)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', item.table_name, item.conname);
    END LOOP;
    EXECUTE format('TRUNCATE %s', target);
    FOR item IN
        SELECT c.conname FROM pg_catalog.pg_constraint AS c
        WHERE c.conrelid = target AND c.contype IN ('p', 'u')
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', target, item.conname);
    END LOOP;
    FOR item IN
        SELECT i.indexrelid::regclass AS index_name FROM pg_catalog.pg_index AS i
        WHERE i.indrelid = target
    LOOP
        EXECUTE format('DROP INDEX %s', item.index_name);
    END LOOP;
    RETURN TRUE;
END
$$;

-- The same idea for a merge that keeps its keys (its ON CONFLICT needs them): when target
-- has never held rows, drop only its own foreign keys and remember them in
-- pipeline.deferred_foreign_keys; restore_foreign_keys adds them back after the load, each
-- proved by one query over the table instead of one lookup per inserted row (at scale 40 the
-- row-by-row checks were 0.16-0.24 s of each of 218, 219, 228 and 229's 0.25-0.34 s). A
-- table, not a temporary one: a file run with psql in autocommit still finds the keys it
-- dropped. The locks are taken without waiting: if a reader holds a referenced table, the
-- row-by-row checks stay. Each returns the number of foreign keys dropped or added.
CREATE TABLE IF NOT EXISTS pipeline.deferred_foreign_keys (
    table_name text NOT NULL,
    constraint_name text NOT NULL,
    definition text NOT NULL,
    CONSTRAINT deferred_foreign_keys_pkey PRIMARY KEY (table_name, constraint_name)
);

COMMENT ON TABLE pipeline.deferred_foreign_keys IS 'Foreign keys pipeline.defer_foreign_keys dropped before a first load, until pipeline.restore_foreign_keys adds them back (empty between steps).';
COMMENT ON COLUMN pipeline.deferred_foreign_keys.table_name IS 'Schema-qualified table the key belongs to.';
COMMENT ON COLUMN pipeline.deferred_foreign_keys.constraint_name IS 'Name of the foreign key constraint.';
COMMENT ON COLUMN pipeline.deferred_foreign_keys.definition IS 'Its definition, as pg_get_constraintdef gives it.';

CREATE OR REPLACE FUNCTION pipeline.defer_foreign_keys(target regclass)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    item record;
    dropped integer := 0;
    -- schema-qualified whatever the search_path, as the table remembers it
    qualified_name text := (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, target, 0)).identity;
BEGIN
{%- if citus %}
    -- On Citus the shards' sizes cannot be read inside a transaction that has written to
    -- several shards (see prepare_bulk_load); the checks stay.
    RETURN 0;
{%- endif %}
    IF pg_catalog.pg_relation_size(target) > 0 THEN
        RETURN 0;
    END IF;
    BEGIN
        FOR item IN
            SELECT DISTINCT c.confrelid::regclass AS referenced
            FROM pg_catalog.pg_constraint AS c
            WHERE c.contype = 'f' AND c.conrelid = target
        LOOP
            EXECUTE format('LOCK TABLE %s, %s IN ACCESS EXCLUSIVE MODE NOWAIT', target, item.referenced);
        END LOOP;
    EXCEPTION WHEN lock_not_available THEN
        RETURN 0;
    END;
    FOR item IN
        SELECT c.conname, pg_catalog.pg_get_constraintdef(c.oid) AS definition
        FROM pg_catalog.pg_constraint AS c
        WHERE c.contype = 'f' AND c.conrelid = target
        ORDER BY c.conname
    LOOP
        INSERT INTO pipeline.deferred_foreign_keys (table_name, constraint_name, definition)
        VALUES (qualified_name, item.conname, item.definition);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', target, item.conname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

CREATE OR REPLACE FUNCTION pipeline.restore_foreign_keys(target regclass)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    item record;
    added integer := 0;
    -- schema-qualified whatever the search_path, as the table remembers it
    qualified_name text := (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, target, 0)).identity;
BEGIN
    FOR item IN
        DELETE FROM pipeline.deferred_foreign_keys AS d
        WHERE d.table_name = qualified_name
        RETURNING d.constraint_name, d.definition
    LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', target, item.constraint_name, item.definition);
        added := added + 1;
    END LOOP;
    RETURN added;
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

-- COPY numbers records; an editor numbers lines. They differ after a quoted value that
-- spans lines. The orchestrator counts the file's lines while it streams it to COPY
-- (pipeline.loaded_files.line_count); only when they differ does this renumber the
-- staged rows of the batch: each row's line is its record number plus the line breaks
-- inside the records before it.
CREATE OR REPLACE FUNCTION pipeline.number_lines_as_in_editor(target regclass, source_file text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    renumbered bigint;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pipeline.loaded_files AS f
        WHERE
            f.batch_id = current_setting('pipeline.batch_id')
            AND f.file_name = source_file
            AND f.line_count > f.row_count + 1
    ) THEN
        RETURN 0;
    END IF;
    EXECUTE format(
        $sql$
        UPDATE %1$s AS s
        SET line_number = s.line_number + o.earlier_breaks
        FROM (
            SELECT
                r.line_number,
                sum(r.breaks) OVER (ORDER BY r.line_number) - r.breaks AS earlier_breaks
            FROM (
                SELECT t.line_number, length(t::text) - length(replace(t::text, E'\n', '')) AS breaks
                FROM %1$s AS t
            ) AS r
        ) AS o
        WHERE s.line_number = o.line_number AND o.earlier_breaks > 0
        $sql$,
        target
    );
    GET DIAGNOSTICS renumbered = ROW_COUNT;
    RETURN renumbered;
END
$$;

COMMENT ON FUNCTION pipeline.prepare_bulk_load(regclass) IS 'Before a load into a table that never held rows: truncate it (WAL-free with wal_level minimal) and drop its keys and indexes; returns whether it did.';
COMMENT ON FUNCTION pipeline.defer_foreign_keys(regclass) IS 'Before a merge into a table that never held rows: drop its own foreign keys, remembered in pipeline.deferred_foreign_keys, so that restore_foreign_keys proves them in one pass each; returns how many.';
COMMENT ON FUNCTION pipeline.restore_foreign_keys(regclass) IS 'Adds back (and validates) the foreign keys defer_foreign_keys dropped from the table; returns how many.';
COMMENT ON FUNCTION pipeline.analyze_if_changed(regclass) IS 'ANALYZE the table when this transaction changed more than 10000 rows and more than a tenth of it; returns whether it did.';
COMMENT ON FUNCTION pipeline.number_lines_as_in_editor(regclass, text) IS 'Renumbers staged rows with the line an editor shows when quoted values span lines; returns the rows renumbered.';
