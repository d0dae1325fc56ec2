-- =====================================================================
-- 730_select_layer_rows.sql
-- purpose:     how many rows each layer holds, table by table (exact counts): what a
--              run's summary and `status` show instead of adding up the rows of steps
-- target:      (none: a read-only query `status` and a run's summary run)
-- grain:       one row per table of production, the warehouse and the quarantine
-- reads:       production.customers, production.products, production.transactions,
--              production.transaction_items, warehouse.dim_customers,
--              warehouse.dim_products, warehouse.dim_date, warehouse.fact_sales,
--              warehouse.agg_daily_sales, staging.transactions_waiting,
--              staging.transaction_items_waiting, pipeline.rejected_rows
-- rerunnable:  yes (read only)
-- =====================================================================
SELECT
    t.layer,
    t.table_name,
    t.row_count
FROM (
    VALUES
    ('production', 'customers', (SELECT count(*) FROM production.customers)),
    ('production', 'products', (SELECT count(*) FROM production.products)),
    ('production', 'transactions', (SELECT count(*) FROM production.transactions)),
    ('production', 'transaction_items', (SELECT count(*) FROM production.transaction_items)),
    ('warehouse', 'dim_customers', (SELECT count(*) FROM warehouse.dim_customers)),
    ('warehouse', 'dim_products', (SELECT count(*) FROM warehouse.dim_products)),
    ('warehouse', 'dim_date', (SELECT count(*) FROM warehouse.dim_date)),
    ('warehouse', 'fact_sales', (SELECT count(*) FROM warehouse.fact_sales)),
    ('warehouse', 'agg_daily_sales', (SELECT count(*) FROM warehouse.agg_daily_sales)),
    ('waiting', 'transactions', (SELECT count(*) FROM staging.transactions_waiting)),
    ('waiting', 'transaction_items', (SELECT count(*) FROM staging.transaction_items_waiting)),
    ('quarantine', 'rejected_rows', (SELECT count(*) FROM pipeline.rejected_rows))
) AS t (layer, table_name, row_count);
