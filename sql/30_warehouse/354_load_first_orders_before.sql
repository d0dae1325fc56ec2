-- =====================================================================
-- 354_load_first_orders_before.sql
-- purpose:     the first order day, before this batch, of every customer the changed
--              lines belong to now or belonged to: 362 compares it with the day after,
--              and 370 recomputes both days where it moved (new versus repeat customers
--              change there). Empty on a first load.
-- target:      staging.first_orders_before
-- grain:       one row per such customer who had ordered before
-- reads:       staging.fact_sales_changes, staging.fact_sales_before, warehouse.fact_sales,
--              warehouse.first_orders_of() (on Citus, the view customer_first_orders instead)
-- rerunnable:  yes (rebuilt each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.first_orders_before;

-- The customers' first orders by warehouse.first_orders_of (one probe per version);
-- on Citus the view filtered by the customers (306 says why). Before a first load
-- fact_sales is empty and so is the answer: the CASE then never gathers the customers
-- (at scale 400, 9.9 M changed lines grouped into 397 k customers took 2.8 s for nothing).

CREATE UNLOGGED TABLE staging.first_orders_before AS
{%- if citus %}
SELECT
    fo.customer_id,
    fo.first_date_key
FROM warehouse.customer_first_orders AS fo
WHERE
    fo.customer_id IN (
        SELECT c.customer_id FROM staging.fact_sales_changes AS c
        UNION
        SELECT b.customer_id FROM staging.fact_sales_before AS b
    );
{%- else %}
SELECT
    fo.customer_id,
    fo.first_date_key
FROM warehouse.first_orders_of(
    CASE
        WHEN EXISTS (SELECT FROM warehouse.fact_sales) THEN array(
            SELECT c.customer_id FROM staging.fact_sales_changes AS c
            UNION
            SELECT b.customer_id FROM staging.fact_sales_before AS b
        )
    END
) AS fo;
{%- endif %}

ANALYZE staging.first_orders_before;
