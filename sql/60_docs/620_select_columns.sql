-- =====================================================================
-- 620_select_columns.sql
-- purpose:     the columns of every table and view of the database's own schemas,
--              with type, nullability and COMMENT ON text, for the data dictionary
-- target:      (none: a read-only query docs/build_docs.py runs for the data dictionary)
-- grain:       one row per column, in table order
-- reads:       pg_catalog.pg_attribute, pg_catalog.pg_class, pg_catalog.pg_namespace
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    n.nspname AS schema_name,
    c.relname AS relation_name,
    a.attname AS column_name,
    format_type(a.atttypid, a.atttypmod) AS data_type,
    a.attnotnull AS is_not_null,
    col_description(c.oid, a.attnum) AS column_comment
FROM pg_catalog.pg_attribute AS a
INNER JOIN pg_catalog.pg_class AS c ON a.attrelid = c.oid
INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    c.relkind IN ('r', 'p', 'v', 'm')
    AND a.attnum > 0
    AND NOT a.attisdropped
    AND n.nspname NOT LIKE 'pg\_%'
    AND n.nspname != 'information_schema'
ORDER BY n.nspname, c.relname, a.attnum;
