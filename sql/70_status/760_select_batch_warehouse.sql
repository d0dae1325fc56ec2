-- =====================================================================
-- 760_select_batch_warehouse.sql
-- purpose:     what one batch wrote to the warehouse: its fact rows and the customer
--              and product versions it created (a run's line per warehouse stage).
--              In psql: SET pipeline.batch_id = '2024-12-31'; then this file.
-- target:      (none: a read-only query a run's warehouse stage runs before it commits)
-- grain:       one row
-- reads:       warehouse.fact_sales, warehouse.dim_customers, warehouse.dim_products
-- rerunnable:  yes (read only)
-- =====================================================================
WITH facts AS (
    SELECT count(*) AS facts
    FROM warehouse.fact_sales AS f
    WHERE f.batch_id = current_setting('pipeline.batch_id')
),

customer_versions AS (
    SELECT count(*) AS customer_versions
    FROM warehouse.dim_customers AS c
    WHERE c.batch_id = current_setting('pipeline.batch_id')
),

product_versions AS (
    SELECT count(*) AS product_versions
    FROM warehouse.dim_products AS p
    WHERE p.batch_id = current_setting('pipeline.batch_id')
)

SELECT
    f.facts,
    c.customer_versions,
    p.product_versions
FROM facts AS f
CROSS JOIN customer_versions AS c
CROSS JOIN product_versions AS p;
