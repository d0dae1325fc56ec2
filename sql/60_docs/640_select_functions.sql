-- =====================================================================
-- 640_select_functions.sql
-- purpose:     the functions and procedures of the database's own schemas (not
--              those of extensions), with arguments, result, volatility and
--              COMMENT ON text, for the data dictionary
-- target:      (none: a read-only query docs/build_docs.py runs for the data dictionary)
-- grain:       one row per function or procedure
-- reads:       pg_catalog.pg_proc, pg_catalog.pg_namespace, pg_catalog.pg_depend
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    n.nspname AS schema_name,
    p.proname AS function_name,
    pg_get_function_identity_arguments(p.oid) AS arguments,
    pg_get_function_result(p.oid) AS result_type,
    CASE p.provolatile
        WHEN 'i' THEN 'immutable'
        WHEN 's' THEN 'stable'
        ELSE 'volatile'
    END AS volatility,
    obj_description(p.oid, 'pg_proc') AS function_comment
FROM pg_catalog.pg_proc AS p
INNER JOIN pg_catalog.pg_namespace AS n ON p.pronamespace = n.oid
WHERE
    p.prokind IN ('f', 'p')
    AND n.nspname NOT LIKE 'pg\_%'
    AND n.nspname != 'information_schema'
    AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend AS d
        WHERE
            d.classid = 'pg_catalog.pg_proc'::regclass
            AND d.objid = p.oid
            AND d.deptype = 'e'
    )
ORDER BY n.nspname, p.proname, arguments;
