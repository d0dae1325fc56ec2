-- =====================================================================
-- 800_reset_warehouse.sql
-- purpose:     empty the warehouse so it can be rebuilt from production
--              (run --full-refresh). Runs in the same transaction as the rebuild,
--              so readers see the old warehouse until the new one commits. Views
--              are untouched (TRUNCATE, never DROP ... CASCADE).
-- target:      warehouse.fact_sales, warehouse.agg_daily_sales, warehouse.dim_customers,
--              warehouse.dim_products, warehouse.dim_payment_methods, warehouse.dim_date
-- grain:       whole tables
-- reads:       (none)
-- rerunnable:  yes
-- =====================================================================
TRUNCATE
warehouse.fact_sales,
warehouse.agg_daily_sales,
warehouse.dim_customers,
warehouse.dim_products,
warehouse.dim_payment_methods,
warehouse.dim_date
RESTART IDENTITY;
