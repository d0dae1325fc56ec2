-- =====================================================================
-- 555_select_batches.sql
-- purpose:     the ten latest batches and their status; the as-of date of the
--              latest complete batch tells the page which day is still partial
-- target:      dashboard panel "Pipeline health: batches"
-- grain:       one row per batch, the ten latest
-- reads:       pipeline.batches
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    b.batch_id,
    b.as_of_date,
    b.status,
    b.run_id
FROM pipeline.batches AS b
ORDER BY b.as_of_date DESC, b.batch_id DESC
LIMIT 10;
