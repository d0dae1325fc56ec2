-- =====================================================================
-- 560_select_quarantine_rules.sql
-- purpose:     quarantined raw rows per file and cleaning rule, all batches
-- target:      dashboard panel "Pipeline health: quarantined rows per rule"
-- grain:       one row per source file and rule
-- reads:       pipeline.rejected_rows
-- rerunnable:  yes (read-only)
-- =====================================================================
SELECT
    r.source_file,
    r.rule_name,
    count(*) AS rejected_rows
FROM pipeline.rejected_rows AS r
GROUP BY r.source_file, r.rule_name
ORDER BY rejected_rows DESC, r.source_file ASC, r.rule_name ASC;
