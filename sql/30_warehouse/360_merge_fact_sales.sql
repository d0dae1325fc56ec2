-- =====================================================================
-- 360_merge_fact_sales.sql
-- purpose:     write the fact row of every changed order line (built with its
--              customer and product versions in 350_load_fact_sales_changes.sql, with
--              the facts they have now in 352_load_fact_sales_before.sql):
--              move the facts of lines that moved to another transaction, update
--              the facts whose values changed, add the new ones, leave the rest
-- target:      warehouse.fact_sales
-- grain:       one row per transaction item
-- reads:       staging.fact_sales_changes, staging.fact_sales_before
-- rerunnable:  yes (unchanged facts are not rewritten)
-- =====================================================================
-- Into a table that never held rows (first load), load first and build the keys after,
-- in 365_build_fact_sales_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.prepare_bulk_load('warehouse.fact_sales');

-- A line that moved to another transaction: its fact goes, and comes back below under
-- the new transaction (on Citus a fact lives on its transaction's node).
DELETE FROM warehouse.fact_sales AS f
WHERE (f.transaction_id, f.item_id) IN (
    SELECT
        b.transaction_id,
        b.item_id
    FROM staging.fact_sales_before AS b
    INNER JOIN staging.fact_sales_changes AS c ON b.item_id = c.item_id
    WHERE b.transaction_id != c.transaction_id
);

UPDATE warehouse.fact_sales AS f
SET
    date_key = c.date_key,
    customer_key = c.customer_key,
    product_key = c.product_key,
    payment_method_key = c.payment_method_key,
    transaction_time = c.transaction_time,
    quantity = c.quantity,
    unit_price = c.unit_price,
    discount_percentage = c.discount_percentage,
    gross_amount = c.gross_amount,
    discount_amount = c.gross_amount - c.net_amount,
    net_amount = c.net_amount,
    cost_amount = c.cost_amount,
    profit_amount = c.net_amount - c.cost_amount,
    batch_id = current_setting('pipeline.batch_id')
FROM staging.fact_sales_changes AS c
WHERE
    f.transaction_id = c.transaction_id
    AND f.item_id = c.item_id
    AND (
        f.date_key, f.customer_key, f.product_key, f.payment_method_key, f.transaction_time, f.quantity,
        f.unit_price, f.discount_percentage, f.net_amount, f.cost_amount
    ) IS DISTINCT FROM (
        c.date_key, c.customer_key, c.product_key, c.payment_method_key, c.transaction_time, c.quantity,
        c.unit_price, c.discount_percentage, c.net_amount, c.cost_amount
    );

INSERT INTO warehouse.fact_sales (
    item_id, transaction_id, date_key, customer_key, product_key, payment_method_key,
    transaction_time, quantity, unit_price, discount_percentage, gross_amount,
    discount_amount, net_amount, cost_amount, profit_amount, batch_id
)
SELECT
    c.item_id,
    c.transaction_id,
    c.date_key,
    c.customer_key,
    c.product_key,
    c.payment_method_key,
    c.transaction_time,
    c.quantity,
    c.unit_price,
    c.discount_percentage,
    c.gross_amount,
    c.gross_amount - c.net_amount,
    c.net_amount,
    c.cost_amount,
    c.net_amount - c.cost_amount,
    current_setting('pipeline.batch_id')
FROM staging.fact_sales_changes AS c
LEFT JOIN staging.fact_sales_before AS b ON c.item_id = b.item_id
WHERE b.item_id IS NULL OR b.transaction_id != c.transaction_id;
