-- =====================================================================
-- 350_load_fact_sales_changes.sql
-- purpose:     the order lines whose fact row this batch must write: lines the
--              batch inserted or corrected, and every line of a transaction the
--              batch inserted or corrected. With each line, the day and customer
--              it had before and has after the change, and those customers' first
--              order day before the change, so that agg_daily_sales recomputes
--              only the days that moved
-- target:      staging.fact_sales_changes
-- grain:       one row per item_id to (re)load
-- reads:       production.transaction_items, production.transactions,
--              warehouse.fact_sales, warehouse.dim_customers, warehouse.dim_date
-- rerunnable:  yes (rebuilt each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.fact_sales_changes;

CREATE UNLOGGED TABLE staging.fact_sales_changes AS
WITH changed_items AS (
    SELECT
        ti.item_id,
        ti.transaction_id
    FROM production.transaction_items AS ti
    WHERE ti.last_batch_id = current_setting('pipeline.batch_id')
    UNION ALL
    SELECT
        ti.item_id,
        ti.transaction_id
    FROM production.transactions AS t
    INNER JOIN production.transaction_items AS ti ON t.transaction_id = ti.transaction_id
    WHERE
        t.last_batch_id = current_setting('pipeline.batch_id')
        AND ti.last_batch_id != current_setting('pipeline.batch_id')
),

changes AS (
    SELECT
        c.item_id,
        t.transaction_date AS new_sales_date,
        t.customer_id AS new_customer_id,
        dd.full_date AS old_sales_date,
        dc.customer_id AS old_customer_id
    FROM changed_items AS c
    INNER JOIN production.transactions AS t ON c.transaction_id = t.transaction_id
    LEFT JOIN warehouse.fact_sales AS f ON c.item_id = f.item_id
    LEFT JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key
    LEFT JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
),

-- First order of each touched customer: one probe of fact_sales_customer_key_date_key_idx
-- per customer version, so a daily batch does not read the customers' whole history.
first_orders AS (
    SELECT
        dc.customer_id,
        min(v.first_date_key) AS first_date_key
    FROM warehouse.dim_customers AS dc
    CROSS JOIN
        LATERAL (
            SELECT min(f.date_key) AS first_date_key
            FROM warehouse.fact_sales AS f
            WHERE f.customer_key = dc.customer_key
        ) AS v
    WHERE
        dc.customer_id IN (
            SELECT ch.new_customer_id FROM changes AS ch
            UNION
            SELECT ch.old_customer_id FROM changes AS ch
        )
    GROUP BY dc.customer_id
    HAVING min(v.first_date_key) IS NOT NULL
)

SELECT
    ch.item_id,
    ch.new_sales_date,
    ch.new_customer_id,
    ch.old_sales_date,
    ch.old_customer_id,
    new_first.first_date_key AS new_customer_first_date_key,
    old_first.first_date_key AS old_customer_first_date_key
FROM changes AS ch
LEFT JOIN first_orders AS new_first ON ch.new_customer_id = new_first.customer_id
LEFT JOIN first_orders AS old_first ON ch.old_customer_id = old_first.customer_id;

ANALYZE staging.fact_sales_changes;
