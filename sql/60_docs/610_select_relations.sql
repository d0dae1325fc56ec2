-- =====================================================================
-- 610_select_relations.sql
-- purpose:     every table and view of the database's own schemas (not the system
--              ones) with its kind and COMMENT ON text, for the data dictionary
-- target:      (none: a read-only query docs/build_docs.py runs for the data dictionary)
-- grain:       one row per table, partitioned table, view or materialized view
-- reads:       pg_catalog.pg_class, pg_catalog.pg_namespace
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    n.nspname AS schema_name,
    c.relname AS relation_name,
    c.relkind AS relation_kind,
    obj_description(c.oid, 'pg_class') AS relation_comment
FROM pg_catalog.pg_class AS c
INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    c.relkind IN ('r', 'p', 'v', 'm')
    AND n.nspname NOT LIKE 'pg\_%'
    AND n.nspname != 'information_schema'
ORDER BY n.nspname, c.relname;
