-- =====================================================================
-- 800_reset_warehouse.sql
-- purpose:     empty the warehouse so it can be rebuilt from production (run
--              --full-refresh, and the reload). DELETE, not TRUNCATE: TRUNCATE would
--              lock BI readers out until the rebuild commits; with DELETE they keep
--              reading the old warehouse until the new one commits, and are never
--              blocked. The calendar stays (its days do not depend on the data), and
--              so do the views (never DROP ... CASCADE).
-- target:      warehouse.fact_sales, warehouse.agg_daily_sales, warehouse.dim_customers,
--              warehouse.dim_products, warehouse.dim_payment_methods
-- grain:       whole tables
-- reads:       (none)
-- rerunnable:  yes
-- =====================================================================
DELETE FROM warehouse.agg_daily_sales;

DELETE FROM warehouse.fact_sales;

DELETE FROM warehouse.dim_customers;

DELETE FROM warehouse.dim_products;

DELETE FROM warehouse.dim_payment_methods;
