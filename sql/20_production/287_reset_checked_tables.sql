-- =====================================================================
-- 287_reset_checked_tables.sql
-- purpose:     the checked tables have had their last readers (280-286): empty them
--              now, before 288 builds the keys. They were made in this transaction, so
--              TRUNCATE frees their disk at once, where 295's DROP frees it only at
--              commit: the stage's peak on disk is lower (docs/benchmarks.md)
-- target:      staging.customers_checked, staging.products_checked,
--              staging.transactions_checked, staging.transaction_items_checked,
--              staging.rejected_rows_found
-- grain:       whole tables
-- reads:       (none)
-- rerunnable:  yes
-- =====================================================================
TRUNCATE
staging.customers_checked,
staging.products_checked,
staging.transactions_checked,
staging.transaction_items_checked,
staging.rejected_rows_found;
