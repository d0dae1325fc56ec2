-- =====================================================================
-- 354_load_first_orders_before.sql
-- purpose:     the first order day, before this batch, of every customer the changed
--              lines belong to now or belonged to: 370 compares it with the day after,
--              and recomputes both days where it moved (new versus repeat customers
--              change there). Empty on a first load.
-- target:      staging.first_orders_before
-- grain:       one row per such customer who had ordered before
-- reads:       staging.fact_sales_changes, staging.fact_sales_before,
--              warehouse.customer_first_orders
-- rerunnable:  yes (rebuilt each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.first_orders_before;

CREATE UNLOGGED TABLE staging.first_orders_before AS
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

ANALYZE staging.first_orders_before;
