-- =====================================================================
-- 295_reset_staging_batch.sql
-- purpose:     production now holds the batch: empty staging and drop the batch's
--              scratch tables in the same transaction, so nothing outlives its batch
--              (the waiting tables keep what later batches retry)
-- target:      staging.customers, staging.products, staging.transactions,
--              staging.transaction_items, staging.*_checked,
--              staging.rejected_rows_found
-- grain:       whole tables
-- reads:       (none)
-- rerunnable:  yes
-- =====================================================================
TRUNCATE staging.customers, staging.products, staging.transactions, staging.transaction_items;

DROP TABLE IF EXISTS
staging.customers_checked,
staging.products_checked,
staging.transactions_checked,
staging.transaction_items_checked,
staging.rejected_rows_found;
