-- =====================================================================
-- 810_reset_production.sql
-- purpose:     forget every loaded batch so that all batches under data/raw are
--              loaded again from their files (run --reload BATCH). Runs in the same
--              transaction as the reload: if it fails, nothing changed. BI readers
--              cannot read production or pipeline, so TRUNCATE locks none of them
--              out (the warehouse is emptied by 800 with DELETE). Run history
--              (pipeline.runs, pipeline.steps) is kept.
-- target:      production.*, staging.transactions_waiting,
--              staging.transaction_items_waiting, pipeline.loaded_files,
--              pipeline.batches, pipeline.rejected_rows, pipeline.reconciliation
-- grain:       whole tables
-- reads:       (none)
-- rerunnable:  yes
-- =====================================================================
TRUNCATE
production.transaction_items,
production.transactions,
production.payment_methods,
production.customers_history,
production.customers,
production.cities,
production.states,
production.countries,
production.products_history,
production.products,
production.sub_categories,
production.categories,
production.brands,
production.suppliers,
staging.transactions_waiting,
staging.transaction_items_waiting,
pipeline.loaded_files,
pipeline.batches,
pipeline.rejected_rows,
pipeline.reconciliation;
