-- =====================================================================
-- 390_reset_warehouse_batch.sql
-- purpose:     the warehouse now holds the batch: drop its scratch tables in the same
--              transaction, so nothing outlives its batch
-- target:      staging.fact_sales_changes, staging.fact_sales_before,
--              staging.first_orders_before, staging.agg_days, staging.agg_daily_rows
-- grain:       whole tables
-- reads:       (none)
-- rerunnable:  yes
-- =====================================================================
DROP TABLE IF EXISTS
staging.fact_sales_changes,
staging.fact_sales_before,
staging.first_orders_before,
staging.agg_days,
staging.agg_daily_rows;
