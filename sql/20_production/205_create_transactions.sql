-- =====================================================================
-- 205_create_transactions.sql
-- purpose:     orders (one row per transaction) and their lines, the two large
--              tables of production; their foreign keys and secondary indexes are in
--              288_build_transaction_keys.sql, built after a first load's rows
--              (see 060_create_bulk_load_functions.sql)
-- target:      production.transactions, production.transaction_items
-- grain:       transactions: one row per transaction_id;
--              transaction_items: one row per item_id
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
-- No created_at / updated_at: at 150 bytes a row they would be a tenth of it, and
-- last_batch_id already says which batch last wrote the row (pipeline.batches says when).
CREATE TABLE IF NOT EXISTS production.transactions (
    transaction_id text NOT NULL,
    customer_id text NOT NULL,
    transaction_date date NOT NULL,
    transaction_time time,
    payment_method_id integer NOT NULL,
    shipping_address text,
    total_amount numeric(12, 2) NOT NULL,
    last_batch_id text NOT NULL,
    CONSTRAINT transactions_pkey PRIMARY KEY (transaction_id),
    CONSTRAINT transactions_total_amount_check CHECK (total_amount >= 0)
);

SELECT pipeline.distribute('production.transactions');

COMMENT ON TABLE production.transactions IS 'Orders: who bought, when, how they paid, and the order total.';
COMMENT ON COLUMN production.transactions.transaction_id IS 'Natural key from the source, e.g. T000000001.';
COMMENT ON COLUMN production.transactions.customer_id IS 'Customer who placed the order.';
COMMENT ON COLUMN production.transactions.transaction_date IS 'Date of the order.';
COMMENT ON COLUMN production.transactions.transaction_time IS 'Local time of the order, if delivered.';
COMMENT ON COLUMN production.transactions.payment_method_id IS 'How the order was paid.';
COMMENT ON COLUMN production.transactions.shipping_address IS 'Shipping address as delivered (trimmed).';
COMMENT ON COLUMN production.transactions.total_amount IS 'Order total in currency units, as delivered; should equal the sum of its line totals.';
COMMENT ON COLUMN production.transactions.last_batch_id IS 'Batch that inserted or last changed the row.';

-- item_id identifies a line, wherever it is delivered: a line sent again under another
-- transaction moves there. On Citus a unique key must hold the distribution column, so
-- the key is (transaction_id, item_id) and the merge keeps item_id unique
-- (246_merge_transaction_items.sql; checked by 905_check_one_row_per_item.sql).
CREATE TABLE IF NOT EXISTS production.transaction_items (
    item_id text NOT NULL,
    transaction_id text NOT NULL,
    product_id text NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(12, 2) NOT NULL,
    discount_percentage numeric(5, 2) NOT NULL,
    line_total numeric(12, 2) NOT NULL,
    last_batch_id text NOT NULL,
    {%- if citus %}
    CONSTRAINT transaction_items_pkey PRIMARY KEY (transaction_id, item_id),
    {%- else %}
    CONSTRAINT transaction_items_pkey PRIMARY KEY (item_id),
    {%- endif %}
    CONSTRAINT transaction_items_quantity_check CHECK (quantity > 0),
    CONSTRAINT transaction_items_unit_price_check CHECK (unit_price >= 0),
    CONSTRAINT transaction_items_discount_percentage_check CHECK (discount_percentage BETWEEN 0 AND 100),
    CONSTRAINT transaction_items_line_total_check CHECK (line_total >= 0)
);

SELECT pipeline.distribute('production.transaction_items');

COMMENT ON TABLE production.transaction_items IS 'Order lines: one product, quantity, price and discount within a transaction.';
COMMENT ON COLUMN production.transaction_items.item_id IS 'Natural key from the source, e.g. I0000000001; identifies the line.';
COMMENT ON COLUMN production.transaction_items.transaction_id IS 'Transaction the line belongs to.';
COMMENT ON COLUMN production.transaction_items.product_id IS 'Product sold.';
COMMENT ON COLUMN production.transaction_items.quantity IS 'Units sold, > 0.';
COMMENT ON COLUMN production.transaction_items.unit_price IS 'Price per unit in currency units.';
COMMENT ON COLUMN production.transaction_items.discount_percentage IS 'Discount in percent, 0 to 100.';
COMMENT ON COLUMN production.transaction_items.line_total IS 'quantity x unit_price x (1 - discount/100), rounded to cents (checked within one cent).';
COMMENT ON COLUMN production.transaction_items.last_batch_id IS 'Batch that inserted or last changed the row.';
