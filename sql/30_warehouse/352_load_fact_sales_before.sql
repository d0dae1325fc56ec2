-- =====================================================================
-- 352_load_fact_sales_before.sql
-- purpose:     the facts the changed lines have before this batch writes them: their
--              transaction (a line may move to another), day and customer. 360 moves,
--              updates or adds facts by comparing them with 350; 370 recomputes their
--              old days too. Empty on a first load.
-- target:      staging.fact_sales_before
-- grain:       one row per changed line that has a fact
-- reads:       staging.fact_sales_changes, warehouse.fact_sales, warehouse.dim_customers
-- rerunnable:  yes (rebuilt each time)
-- =====================================================================
-- Looked up by item_id, IN a list of this batch's lines: on Citus the facts are spread by
-- transaction_id, and that list is what each node needs to find a line that moved.
DROP TABLE IF EXISTS staging.fact_sales_before;

CREATE UNLOGGED TABLE staging.fact_sales_before AS
SELECT
    f.item_id,
    f.transaction_id,
    f.date_key,
    dc.customer_id
FROM warehouse.fact_sales AS f
INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
WHERE f.item_id IN (SELECT c.item_id FROM staging.fact_sales_changes AS c);

ANALYZE staging.fact_sales_before;
