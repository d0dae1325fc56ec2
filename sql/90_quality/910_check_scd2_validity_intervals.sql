-- =====================================================================
-- 910_check_scd2_validity_intervals.sql
-- purpose:     the versions of every customer and product tile time exactly:
--              the first is valid from 1900-01-01, the last to 9999-12-31, each
--              version starts where the previous one ends (no gap, no overlap),
--              and only the open version is current
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per offending version
-- reads:       pipeline.check_scope_start(), warehouse.dim_customers, warehouse.dim_products
-- scope:       customers and products with a version from the batches in
--              pipeline.check_scope_start() (all when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
WITH versions AS (
    SELECT
        'dim_customers' AS dimension,
        d.customer_id AS natural_id,
        d.customer_key AS version_key,
        d.valid_from,
        d.valid_to,
        d.is_current
    FROM warehouse.dim_customers AS d
    WHERE
        d.customer_id IN (
            SELECT s.customer_id FROM warehouse.dim_customers AS s
            WHERE s.batch_id >= pipeline.check_scope_start()
        )
    UNION ALL
    SELECT
        'dim_products',
        d.product_id,
        d.product_key,
        d.valid_from,
        d.valid_to,
        d.is_current
    FROM warehouse.dim_products AS d
    WHERE d.product_id IN (
        SELECT s.product_id FROM warehouse.dim_products AS s
        WHERE s.batch_id >= pipeline.check_scope_start()
    )
),

chained AS (
    SELECT
        v.*,
        lag(v.valid_to) OVER by_key AS previous_valid_to,
        row_number() OVER by_key AS version_number,
        count(*) OVER (PARTITION BY v.dimension, v.natural_id) AS version_count
    FROM versions AS v
    WINDOW by_key AS (PARTITION BY v.dimension, v.natural_id ORDER BY v.valid_from, v.version_key)
)

SELECT
    c.dimension,
    c.natural_id,
    c.version_key,
    c.valid_from,
    c.valid_to,
    c.is_current,
    c.previous_valid_to,
    CASE
        WHEN c.version_number = 1 AND c.valid_from != date '1900-01-01'
            THEN 'first version does not start on 1900-01-01'
        WHEN c.version_number > 1 AND c.valid_from > c.previous_valid_to
            THEN 'gap after the previous version'
        WHEN c.version_number > 1 AND c.valid_from < c.previous_valid_to
            THEN 'overlaps the previous version'
        WHEN c.version_number = c.version_count AND c.valid_to != date '9999-12-31'
            THEN 'last version does not end on 9999-12-31'
        ELSE 'is_current does not match valid_to = 9999-12-31'
    END AS problem
FROM chained AS c
WHERE
    (c.version_number = 1 AND c.valid_from != date '1900-01-01')
    OR (c.version_number > 1 AND c.valid_from != c.previous_valid_to)
    OR (c.version_number = c.version_count AND c.valid_to != date '9999-12-31')
    OR c.is_current != (c.valid_to = date '9999-12-31')
ORDER BY c.dimension, c.natural_id, c.valid_from;
