-- =====================================================================
-- 000_create_schemas.sql
-- purpose:     the five schemas of the pipeline, one per layer plus run metadata
-- target:      schemas staging, production, warehouse, analytics, pipeline
-- grain:       one schema per layer
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE SCHEMA IF NOT EXISTS pipeline;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS production;
CREATE SCHEMA IF NOT EXISTS warehouse;
CREATE SCHEMA IF NOT EXISTS analytics;

COMMENT ON SCHEMA pipeline IS 'Run metadata: runs, steps, batches, file ledger, quarantine, reconciliation, quality results.';
COMMENT ON SCHEMA staging IS 'Raw CSV rows exactly as delivered (all text) plus load metadata; holds only the batch being loaded.';
COMMENT ON SCHEMA production IS 'Typed, constrained, cleaned and de-duplicated 3NF model: the latest truth.';
COMMENT ON SCHEMA warehouse IS 'Star schema for BI: dimensions (SCD Type 2 for customers and products), fact_sales, agg_daily_sales.';
COMMENT ON SCHEMA analytics IS 'Business views over the warehouse: RFM, CLV, category, weekday, repeat-customer insights.';
