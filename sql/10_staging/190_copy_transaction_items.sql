-- =====================================================================
-- 190_copy_transaction_items.sql
-- purpose:     load data/raw/<batch>/transaction_items.csv into staging with COPY; the header
--              must match the column list exactly (HEADER MATCH names the column
--              that differs). The orchestrator streams the file as STDIN, hashing and
--              counting its lines on the way; `render` prints this as a psql \copy line.
-- target:      staging.transaction_items
-- grain:       one row per record of the file
-- reads:       data/raw/<batch>/transaction_items.csv
-- rerunnable:  yes (truncates first; identity restarts so line numbers start at 2)
-- =====================================================================
-- FREEZE: see 160_copy_customers.sql.
TRUNCATE staging.transaction_items RESTART IDENTITY;

COPY staging.transaction_items (
    item_id,
    transaction_id,
    product_id,
    quantity,
    unit_price,
    discount_percentage,
    line_total
)
FROM STDIN
WITH (FORMAT csv, HEADER MATCH, FREEZE);

-- Only when a quoted value spans lines: number the rows as an editor shows the lines.
SELECT pipeline.number_lines_as_in_editor('staging.transaction_items', 'transaction_items.csv');

ANALYZE staging.transaction_items;
