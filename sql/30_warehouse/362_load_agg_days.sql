-- =====================================================================
-- 362_load_agg_days.sql
-- purpose:     the days 370 recomputes: the old and new day of every changed line, and,
--              for every customer whose first order moved to another day, both days
--              (new versus repeat changes only there)
-- target:      staging.agg_days
-- grain:       one row per date to recompute
-- reads:       staging.fact_sales_changes, staging.fact_sales_before,
--              staging.first_orders_before, warehouse.first_orders_of()
-- rerunnable:  yes (rebuilt each time, from the changes this stage computed)
-- =====================================================================
DROP TABLE IF EXISTS staging.agg_days;

CREATE UNLOGGED TABLE staging.agg_days AS
-- Customers whose first-order day moved: new versus repeat changes on both days. Only
-- customers who had ordered before can move it off the days below (a new customer's first
-- day is the day of one of the changed lines): none on a first load.
WITH n AS (
    {%- if citus %}
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.customer_first_orders AS fo
    WHERE fo.customer_id IN (SELECT k.customer_id FROM staging.first_orders_before AS k)
    {%- else %}
    SELECT
        fo.customer_id,
        fo.first_date_key
    FROM warehouse.first_orders_of(array(SELECT k.customer_id FROM staging.first_orders_before AS k)) AS fo
    {%- endif %}
),

moved_first_days AS (
    SELECT
        b.first_date_key AS before_key,
        n.first_date_key AS now_key
    FROM staging.first_orders_before AS b
    LEFT JOIN n ON b.customer_id = n.customer_id
    WHERE b.first_date_key IS DISTINCT FROM n.first_date_key
)

SELECT c.date_key
FROM staging.fact_sales_changes AS c
UNION
SELECT b.date_key
FROM staging.fact_sales_before AS b
UNION
SELECT m.before_key
FROM moved_first_days AS m
UNION
SELECT m.now_key
FROM moved_first_days AS m
WHERE m.now_key IS NOT NULL;

-- A handful of days on a daily run: statistics let the planner read them by index.
ANALYZE staging.agg_days;
