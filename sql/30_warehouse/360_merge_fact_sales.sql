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
-- rerunnable:  yes (upsert on item_id; unchanged rows are not rewritten)
-- =====================================================================
-- Into an empty table (first load, full refresh), load first and build the keys
-- after, in 365_create_fact_sales_keys.sql (see 060_create_bulk_load_functions.sql).
SELECT pipeline.drop_keys_if_empty('warehouse.fact_sales');

INSERT INTO warehouse.fact_sales (
    item_id, transaction_id, date_key, customer_key, product_key, payment_method_key,
    transaction_time, quantity, unit_price, discount_percentage, gross_amount,
    discount_amount, net_amount, cost_amount, profit_amount, batch_id
)
WITH lines AS (
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
)

SELECT
    l.item_id,
    l.transaction_id,
    l.date_key,
    l.customer_key,
    l.product_key,
    l.payment_method_key,
    l.transaction_time,
    l.quantity,
    l.unit_price,
    l.discount_percentage,
    l.gross_amount,
    l.gross_amount - l.net_amount,
    l.net_amount,
    l.cost_amount,
    l.net_amount - l.cost_amount,
    current_setting('pipeline.batch_id')
FROM lines AS l
ORDER BY l.item_id
ON CONFLICT ON CONSTRAINT fact_sales_pkey DO UPDATE SET
    transaction_id = excluded.transaction_id,
    date_key = excluded.date_key,
    customer_key = excluded.customer_key,
    product_key = excluded.product_key,
    payment_method_key = excluded.payment_method_key,
    transaction_time = excluded.transaction_time,
    quantity = excluded.quantity,
    unit_price = excluded.unit_price,
    discount_percentage = excluded.discount_percentage,
    gross_amount = excluded.gross_amount,
    discount_amount = excluded.discount_amount,
    net_amount = excluded.net_amount,
    cost_amount = excluded.cost_amount,
    profit_amount = excluded.profit_amount,
    batch_id = excluded.batch_id,
    updated_at = now()
WHERE
(
    fact_sales.transaction_id, fact_sales.date_key, fact_sales.customer_key, fact_sales.product_key,
    fact_sales.payment_method_key, fact_sales.transaction_time, fact_sales.quantity,
    fact_sales.unit_price, fact_sales.discount_percentage, fact_sales.net_amount, fact_sales.cost_amount
)
IS DISTINCT FROM (
    excluded.transaction_id, excluded.date_key, excluded.customer_key, excluded.product_key,
    excluded.payment_method_key, excluded.transaction_time, excluded.quantity,
    excluded.unit_price, excluded.discount_percentage, excluded.net_amount, excluded.cost_amount
);
