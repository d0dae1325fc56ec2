-- =====================================================================
-- 306_create_customer_first_orders.sql
-- purpose:     the day of each customer's first order, over all their versions: the
--              one definition of new versus repeat customers (agg_daily_sales, its
--              check, the repeat-customer view). Queried with a filter on
--              customer_id, PostgreSQL reads only those customers' facts by index.
-- target:      warehouse.customer_first_orders
-- grain:       one row per customer with at least one sale
-- reads:       warehouse.fact_sales, warehouse.dim_customers
-- rerunnable:  yes (CREATE OR REPLACE VIEW)
-- =====================================================================
CREATE OR REPLACE VIEW warehouse.customer_first_orders AS
SELECT
    dc.customer_id,
    min(f.date_key) AS first_date_key
FROM warehouse.fact_sales AS f
INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
GROUP BY dc.customer_id;

COMMENT ON VIEW warehouse.customer_first_orders IS 'Day of each customer''s first order (over all versions of the customer): new on that day, repeat after.';
COMMENT ON COLUMN warehouse.customer_first_orders.customer_id IS 'Natural key of the customer.';
COMMENT ON COLUMN warehouse.customer_first_orders.first_date_key IS 'Day of the first order, key to dim_date.';
