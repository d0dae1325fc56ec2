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
-- Rather than count the matching versions of every fact (a range join and a GROUP BY
-- over all facts), a fact is suspect when its own version does not cover it (a key
-- join) or its customer or product has overlapping versions (rare); only suspects are
-- counted. The rows returned are the same.
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

-- Customers with two versions whose validity overlaps: a date there matches both.
overlapping_customers AS (
    SELECT DISTINCT a.customer_id
    FROM warehouse.dim_customers AS a
    INNER JOIN warehouse.dim_customers AS b
        ON
            a.customer_id = b.customer_id
            AND a.customer_key < b.customer_key
            AND a.valid_from < b.valid_to
            AND a.valid_to > b.valid_from
),

-- Facts whose version is missing, of another customer or does not cover the sales date,
-- and all facts of overlapping customers: only these are counted below.
customer_suspects AS (
    SELECT
        fl.item_id,
        fl.sales_date,
        fl.customer_id,
        fl.customer_key
    FROM fact_lines AS fl
    LEFT JOIN warehouse.dim_customers AS v ON fl.customer_key = v.customer_key
    WHERE
        NOT coalesce(
            v.customer_id = fl.customer_id AND fl.sales_date >= v.valid_from AND fl.sales_date < v.valid_to,
            FALSE
        )
        OR fl.customer_id IN (SELECT o.customer_id FROM overlapping_customers AS o)
),

customer_matches AS (
    SELECT
        s.item_id,
        s.sales_date,
        s.customer_id AS natural_id,
        s.customer_key AS fact_key,
        m.matching_versions,
        m.matching_key
    FROM customer_suspects AS s
    CROSS JOIN LATERAL (
        SELECT
            count(dc.customer_key) AS matching_versions,
            min(dc.customer_key) AS matching_key
        FROM warehouse.dim_customers AS dc
        WHERE
            dc.customer_id = s.customer_id
            AND s.sales_date >= dc.valid_from
            AND s.sales_date < dc.valid_to
    ) AS m
),

-- Products with two versions whose validity overlaps: a date there matches both.
overlapping_products AS (
    SELECT DISTINCT a.product_id
    FROM warehouse.dim_products AS a
    INNER JOIN warehouse.dim_products AS b
        ON
            a.product_id = b.product_id
            AND a.product_key < b.product_key
            AND a.valid_from < b.valid_to
            AND a.valid_to > b.valid_from
),

-- Facts whose version is missing, of another product or does not cover the sales date,
-- and all facts of overlapping products: only these are counted below.
product_suspects AS (
    SELECT
        fl.item_id,
        fl.sales_date,
        fl.product_id,
        fl.product_key
    FROM fact_lines AS fl
    LEFT JOIN warehouse.dim_products AS v ON fl.product_key = v.product_key
    WHERE
        NOT coalesce(
            v.product_id = fl.product_id AND fl.sales_date >= v.valid_from AND fl.sales_date < v.valid_to,
            FALSE
        )
        OR fl.product_id IN (SELECT o.product_id FROM overlapping_products AS o)
),

product_matches AS (
    SELECT
        s.item_id,
        s.sales_date,
        s.product_id AS natural_id,
        s.product_key AS fact_key,
        m.matching_versions,
        m.matching_key
    FROM product_suspects AS s
    CROSS JOIN LATERAL (
        SELECT
            count(dp.product_key) AS matching_versions,
            min(dp.product_key) AS matching_key
        FROM warehouse.dim_products AS dp
        WHERE
            dp.product_id = s.product_id
            AND s.sales_date >= dp.valid_from
            AND s.sales_date < dp.valid_to
    ) AS m
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
