-- =====================================================================
-- 360_merge_fact_sales.sql
-- purpose:     write the fact row of every changed order line, joined to the
--              customer and product versions valid on the order date (an as-of
--              range join on valid_from <= date < valid_to, never is_current),
--              so history stays true after a customer moves or a price changes
-- target:      warehouse.fact_sales
-- grain:       one row per transaction item
-- reads:       staging.fact_sales_changes, production.transaction_items,
--              production.transactions, warehouse.dim_customers,
--              warehouse.dim_products
-- rerunnable:  yes (MERGE on item_id; unchanged rows are not rewritten)
-- =====================================================================
-- Into an empty table (first load, full refresh), load first and build the keys
-- after, in 365_create_fact_sales_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.drop_keys_if_empty('warehouse.fact_sales');

-- MERGE, not INSERT ... ON CONFLICT: one join of the changed lines to the table
-- instead of a speculative insertion per row (22% faster on a first load at scale 40).
MERGE INTO warehouse.fact_sales AS f
USING (
    SELECT
        ti.item_id,
        ti.transaction_id,
        (
            extract(YEAR FROM t.transaction_date) * 10000
            + extract(MONTH FROM t.transaction_date) * 100
            + extract(DAY FROM t.transaction_date)
        )::integer AS date_key,
        dc.customer_key,
        dp.product_key,
        t.payment_method_id AS payment_method_key,
        t.transaction_time,
        ti.quantity,
        ti.unit_price,
        ti.discount_percentage,
        round(ti.quantity * ti.unit_price, 2) AS gross_amount,
        ti.line_total AS net_amount,
        round(ti.quantity * dp.cost, 2) AS cost_amount
    FROM staging.fact_sales_changes AS c
    INNER JOIN production.transaction_items AS ti ON c.item_id = ti.item_id
    INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id
    INNER JOIN warehouse.dim_customers AS dc
        ON
            t.customer_id = dc.customer_id
            AND t.transaction_date >= dc.valid_from
            AND t.transaction_date < dc.valid_to
    INNER JOIN warehouse.dim_products AS dp
        ON
            ti.product_id = dp.product_id
            AND t.transaction_date >= dp.valid_from
            AND t.transaction_date < dp.valid_to
) AS l
    ON f.item_id = l.item_id
WHEN MATCHED AND (
    f.transaction_id, f.date_key, f.customer_key, f.product_key,
    f.payment_method_key, f.transaction_time, f.quantity,
    f.unit_price, f.discount_percentage, f.net_amount, f.cost_amount
) IS DISTINCT FROM (
    l.transaction_id, l.date_key, l.customer_key, l.product_key,
    l.payment_method_key, l.transaction_time, l.quantity,
    l.unit_price, l.discount_percentage, l.net_amount, l.cost_amount
) THEN
    UPDATE
        SET
            transaction_id = l.transaction_id,
            date_key = l.date_key,
            customer_key = l.customer_key,
            product_key = l.product_key,
            payment_method_key = l.payment_method_key,
            transaction_time = l.transaction_time,
            quantity = l.quantity,
            unit_price = l.unit_price,
            discount_percentage = l.discount_percentage,
            gross_amount = l.gross_amount,
            discount_amount = l.gross_amount - l.net_amount,
            net_amount = l.net_amount,
            cost_amount = l.cost_amount,
            profit_amount = l.net_amount - l.cost_amount,
            batch_id = current_setting('pipeline.batch_id'),
            updated_at = now()
WHEN NOT MATCHED THEN INSERT (
    item_id, transaction_id, date_key, customer_key, product_key, payment_method_key,
    transaction_time, quantity, unit_price, discount_percentage, gross_amount,
    discount_amount, net_amount, cost_amount, profit_amount, batch_id
) VALUES (
    l.item_id, l.transaction_id, l.date_key, l.customer_key, l.product_key, l.payment_method_key,
    l.transaction_time, l.quantity, l.unit_price, l.discount_percentage, l.gross_amount,
    l.gross_amount - l.net_amount, l.net_amount, l.cost_amount, l.net_amount - l.cost_amount,
    current_setting('pipeline.batch_id')
);
