-- =====================================================================
-- 630_select_constraints.sql
-- purpose:     the primary key, unique and foreign key constraints of every table
--              of the database's own schemas, with their columns and definitions,
--              for the key column and the constraint list of the data dictionary
-- target:      (none: a read-only query docs/build_docs.py runs for the data dictionary)
-- grain:       one row per constraint
-- reads:       pg_catalog.pg_constraint, pg_catalog.pg_class, pg_catalog.pg_namespace,
--              pg_catalog.pg_attribute
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    n.nspname AS schema_name,
    c.relname AS relation_name,
    con.contype AS constraint_type,
    con.conname AS constraint_name,
    pg_get_constraintdef(con.oid, TRUE) AS constraint_definition,
    array_agg(a.attname ORDER BY k.column_order) AS column_names
FROM pg_catalog.pg_constraint AS con
INNER JOIN pg_catalog.pg_class AS c ON con.conrelid = c.oid
INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k (attnum, column_order)
INNER JOIN pg_catalog.pg_attribute AS a
    ON
        con.conrelid = a.attrelid
        AND k.attnum = a.attnum
WHERE
    con.contype IN ('p', 'u', 'f')
    AND n.nspname NOT LIKE 'pg\_%'
    AND n.nspname != 'information_schema'
GROUP BY n.nspname, c.relname, con.contype, con.conname, con.oid
ORDER BY n.nspname ASC, c.relname ASC, con.contype DESC, con.conname ASC;
