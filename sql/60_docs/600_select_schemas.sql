-- =====================================================================
-- 600_select_schemas.sql
-- purpose:     the schemas the data dictionary documents, in the order it lists
--              them, with their COMMENT ON SCHEMA texts. This list is the one
--              place that decides what docs/data_dictionary.md covers; the other
--              queries of this folder read every schema and the builder keeps
--              these. staging is left out: it holds only the batch being loaded.
-- target:      (none: a read-only query docs/build_docs.py runs for the data dictionary)
-- grain:       one row per documented schema that exists in the database
-- reads:       pg_catalog.pg_namespace
-- rerunnable:  yes (read only)
-- =====================================================================
WITH documented_schemas (schema_name, list_order) AS (
    VALUES
    ('production', 1),
    ('warehouse', 2),
    ('analytics', 3),
    ('pipeline', 4)
)

SELECT
    d.schema_name,
    obj_description(n.oid, 'pg_namespace') AS schema_comment
FROM documented_schemas AS d
INNER JOIN pg_catalog.pg_namespace AS n ON d.schema_name = n.nspname
ORDER BY d.list_order;
