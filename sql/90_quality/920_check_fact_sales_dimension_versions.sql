-- =====================================================================
-- 920_check_fact_sales_dimension_versions.sql
-- purpose:     every fact row has exactly one customer version and one product
--              version valid on its order date (for the customer and product of
--              its production order line), and its key is that version
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per fact row and dimension that does not match
-- reads:       pipeline.check_scope_batch_ids(), warehouse.fact_sales, warehouse.dim_date, warehouse.dim_customers,
--              warehouse.dim_products, production.transaction_items,
--              production.transactions
-- scope:       fact rows of the batches in pipeline.check_scope_batch_ids() (all when unset)
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
WITH fact_lines AS (
    SELECT
        f.item_id,
        f.customer_key,
        f.product_key,
        dd.full_date AS sales_date,
        t.customer_id,
        ti.product_id
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key
    INNER JOIN production.transaction_items AS ti ON f.item_id = ti.item_id
    INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id
    WHERE f.batch_id = any(pipeline.check_scope_batch_ids())
),

customer_matches AS (
    SELECT
        fl.item_id,
        fl.sales_date,
        fl.customer_id AS natural_id,
        fl.customer_key AS fact_key,
        count(dc.customer_key) AS matching_versions,
        min(dc.customer_key) AS matching_key
    FROM fact_lines AS fl
    LEFT JOIN warehouse.dim_customers AS dc
        ON
            fl.customer_id = dc.customer_id
            AND fl.sales_date >= dc.valid_from
            AND fl.sales_date < dc.valid_to
    GROUP BY fl.item_id, fl.sales_date, fl.customer_id, fl.customer_key
),

product_matches AS (
    SELECT
        fl.item_id,
        fl.sales_date,
        fl.product_id AS natural_id,
        fl.product_key AS fact_key,
        count(dp.product_key) AS matching_versions,
        min(dp.product_key) AS matching_key
    FROM fact_lines AS fl
    LEFT JOIN warehouse.dim_products AS dp
        ON
            fl.product_id = dp.product_id
            AND fl.sales_date >= dp.valid_from
            AND fl.sales_date < dp.valid_to
    GROUP BY fl.item_id, fl.sales_date, fl.product_id, fl.product_key
)

SELECT
    'dim_customers' AS dimension,
    cm.item_id,
    cm.sales_date,
    cm.natural_id,
    cm.fact_key,
    cm.matching_versions,
    cm.matching_key
FROM customer_matches AS cm
WHERE cm.matching_versions != 1 OR cm.matching_key != cm.fact_key
UNION ALL
SELECT
    'dim_products',
    pm.item_id,
    pm.sales_date,
    pm.natural_id,
    pm.fact_key,
    pm.matching_versions,
    pm.matching_key
FROM product_matches AS pm
WHERE pm.matching_versions != 1 OR pm.matching_key != pm.fact_key;
