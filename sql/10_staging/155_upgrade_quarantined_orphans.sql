-- =====================================================================
-- 155_upgrade_quarantined_orphans.sql
-- purpose:     orders that an earlier release quarantined because their customer
--              was unknown (rule unknown_customer), with their lines (rule
--              parent_rejected), wait for that customer now, as this release does
--              with such orders (231): they move from the quarantine back to the
--              waiting tables, so an upgraded database holds what a fresh load of
--              the same batches holds
-- target:      staging.transactions_waiting, staging.transaction_items_waiting,
--              pipeline.rejected_rows
-- grain:       one row per reopened order or order line
-- reads:       pipeline.rejected_rows
-- rerunnable:  yes (this release never writes unknown_customer: the second time there
--              is nothing to move)
-- =====================================================================
-- One statement: the lines move with exactly the orders moved here.
WITH reopened_orders AS (
    DELETE FROM pipeline.rejected_rows AS r
    WHERE r.source_file = 'transactions.csv' AND r.rule_name = 'unknown_customer'
    RETURNING r.batch_id, r.line_number, r.raw_row, r.rejected_at
),

reopened_lines AS (
    DELETE FROM pipeline.rejected_rows AS r
    WHERE
        r.source_file = 'transaction_items.csv'
        AND r.rule_name = 'parent_rejected'
        AND (r.raw_row ->> 'transaction_id') IN (SELECT o.raw_row ->> 'transaction_id' FROM reopened_orders AS o)
    RETURNING r.batch_id, r.line_number, r.raw_row, r.rejected_at
),

waiting_lines AS (
    INSERT INTO staging.transaction_items_waiting (
        item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total,
        batch_id, line_number, loaded_at
    )
    SELECT
        l.raw_row ->> 'item_id',
        l.raw_row ->> 'transaction_id',
        l.raw_row ->> 'product_id',
        l.raw_row ->> 'quantity',
        l.raw_row ->> 'unit_price',
        l.raw_row ->> 'discount_percentage',
        l.raw_row ->> 'line_total',
        l.batch_id,
        l.line_number,
        l.rejected_at
    FROM reopened_lines AS l
    RETURNING 1
)

INSERT INTO staging.transactions_waiting (
    transaction_id, customer_id, transaction_date, transaction_time, payment_method, shipping_address,
    total_amount, batch_id, line_number, loaded_at
)
SELECT
    o.raw_row ->> 'transaction_id',
    o.raw_row ->> 'customer_id',
    o.raw_row ->> 'transaction_date',
    o.raw_row ->> 'transaction_time',
    o.raw_row ->> 'payment_method',
    o.raw_row ->> 'shipping_address',
    o.raw_row ->> 'total_amount',
    o.batch_id,
    o.line_number,
    o.rejected_at
FROM reopened_orders AS o;
