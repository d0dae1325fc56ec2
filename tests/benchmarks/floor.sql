-- =====================================================================
-- floor.sql
-- purpose:     the cheapest form of each heavy step of the first load, measured on
--              the order lines as a bare COPY left them (bench.transaction_items, all
--              text) and the production tables of a pipeline run up to production,
--              so that each step's time can be set beside its floor. Run by
--              tests/benchmarks/bench_floor.py, one timed statement per "-- step:"
--              block, each in its own transaction; everything lands in schema floor.
-- target:      floor.* (scratch tables, dropped by the benchmark)
-- grain:       one order line per row
-- reads:       bench.transaction_items, production.products, production.transactions
-- rerunnable:  yes (each table is dropped first)
-- =====================================================================

-- step: copy the text columns unchanged (CREATE TABLE AS, no function)
DROP TABLE IF EXISTS floor.items_text;
CREATE UNLOGGED TABLE floor.items_text AS
SELECT
    s.item_id,
    s.transaction_id,
    s.product_id,
    s.quantity,
    s.unit_price,
    s.discount_percentage,
    s.line_total
FROM bench.transaction_items AS s;

-- step: btrim every value, bare casts where the value is valid (pg_input_is_valid)
DROP TABLE IF EXISTS floor.items_cast;
CREATE UNLOGGED TABLE floor.items_cast AS
SELECT
    nullif(btrim(s.item_id), '') AS item_id,
    nullif(btrim(s.transaction_id), '') AS transaction_id,
    nullif(btrim(s.product_id), '') AS product_id,
    CASE WHEN pg_input_is_valid(s.quantity, 'integer') THEN s.quantity::integer END AS quantity,
    CASE WHEN pg_input_is_valid(s.unit_price, 'numeric(12,2)') THEN s.unit_price::numeric(12, 2) END AS unit_price,
    CASE
        WHEN pg_input_is_valid(s.discount_percentage, 'numeric(12,2)') THEN s.discount_percentage::numeric(12, 2)
    END AS discount_percentage,
    CASE WHEN pg_input_is_valid(s.line_total, 'numeric(12,2)') THEN s.line_total::numeric(12, 2) END AS line_total
FROM bench.transaction_items AS s;

-- step: the pipeline's cleaning functions (as 239, without the raw columns it keeps)
DROP TABLE IF EXISTS floor.items_cleaned;
CREATE UNLOGGED TABLE floor.items_cleaned AS
SELECT
    pipeline.trim_to_null(s.item_id) AS item_id,
    pipeline.trim_to_null(s.transaction_id) AS transaction_id,
    pipeline.trim_to_null(s.product_id) AS product_id,
    pipeline.to_integer_or_null(s.quantity) AS quantity,
    pipeline.to_money_or_null(s.unit_price) AS unit_price,
    pipeline.to_money_or_null(s.discount_percentage) AS discount_percentage,
    pipeline.to_money_or_null(s.line_total) AS line_total
FROM bench.transaction_items AS s;

-- step: rules, parent and product lookups and de-duplication in one pass
DROP TABLE IF EXISTS floor.items_checked;
CREATE UNLOGGED TABLE floor.items_checked AS
SELECT
    c.item_id,
    c.transaction_id,
    c.product_id,
    c.quantity,
    c.unit_price,
    c.discount_percentage,
    c.line_total,
    CASE
        WHEN c.item_id IS NULL OR c.transaction_id IS NULL OR c.product_id IS NULL THEN 'missing_required'
        WHEN c.quantity IS NULL OR c.unit_price IS NULL OR c.line_total IS NULL THEN 'invalid_number'
        WHEN c.quantity <= 0 THEN 'quantity_not_positive'
        WHEN p.product_id IS NULL THEN 'unknown_product'
        WHEN t.transaction_id IS NULL THEN 'waiting'
        WHEN count(*) OVER (PARTITION BY c.item_id) > 1 THEN 'repeated'
    END AS outcome
FROM floor.items_cleaned AS c
LEFT JOIN production.products AS p ON c.product_id = p.product_id
LEFT JOIN production.transactions AS t ON c.transaction_id = t.transaction_id;

-- step: index on the text item_id (what production's primary key costs to build)
CREATE INDEX ON floor.items_text (item_id);

-- step: secondary index on transaction_id
CREATE INDEX ON floor.items_cleaned (transaction_id);

-- step: ANALYZE of the order lines
ANALYZE floor.items_cleaned;
