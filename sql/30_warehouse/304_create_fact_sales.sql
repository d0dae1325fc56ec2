-- =====================================================================
-- 304_create_fact_sales.sql
-- purpose:     the sales fact: one row per order line, with keys to the dimension
--              versions valid when the order was placed; its foreign keys and
--              secondary indexes are in 365_build_fact_sales_keys.sql
-- target:      warehouse.fact_sales
-- grain:       one row per transaction item
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
-- On Citus the primary key must hold the distribution column (transaction_id); the
-- merge (360) keeps item_id unique there. No created_at / updated_at (see 205).
CREATE TABLE IF NOT EXISTS warehouse.fact_sales (
    item_id text NOT NULL,
    transaction_id text NOT NULL,
    date_key integer NOT NULL,
    customer_key bigint NOT NULL,
    product_key bigint NOT NULL,
    payment_method_key integer NOT NULL,
    transaction_time time,
    quantity integer NOT NULL,
    unit_price numeric(12, 2) NOT NULL,
    discount_percentage numeric(5, 2) NOT NULL,
    gross_amount numeric(12, 2) NOT NULL,
    discount_amount numeric(12, 2) NOT NULL,
    net_amount numeric(12, 2) NOT NULL,
    cost_amount numeric(12, 2) NOT NULL,
    profit_amount numeric(12, 2) NOT NULL,
    batch_id text NOT NULL,
    {%- if citus %}
    CONSTRAINT fact_sales_pkey PRIMARY KEY (transaction_id, item_id),
    {%- else %}
    CONSTRAINT fact_sales_pkey PRIMARY KEY (item_id),
    {%- endif %}
    CONSTRAINT fact_sales_amounts_check CHECK (
        gross_amount - discount_amount = net_amount AND net_amount - cost_amount = profit_amount
    )
);

SELECT pipeline.distribute('warehouse.fact_sales');

COMMENT ON TABLE warehouse.fact_sales IS 'Sales: one row per order line. Customer and product keys point at the versions valid on the order date.';
COMMENT ON COLUMN warehouse.fact_sales.item_id IS 'Order line id (degenerate dimension; primary key).';
COMMENT ON COLUMN warehouse.fact_sales.transaction_id IS 'Order id (degenerate dimension): count distinct for orders.';
COMMENT ON COLUMN warehouse.fact_sales.date_key IS 'Order date, key to dim_date.';
COMMENT ON COLUMN warehouse.fact_sales.customer_key IS 'Customer version valid on the order date, key to dim_customers.';
COMMENT ON COLUMN warehouse.fact_sales.product_key IS 'Product version valid on the order date, key to dim_products.';
COMMENT ON COLUMN warehouse.fact_sales.payment_method_key IS 'Payment method, key to dim_payment_methods.';
COMMENT ON COLUMN warehouse.fact_sales.transaction_time IS 'Local time of the order.';
COMMENT ON COLUMN warehouse.fact_sales.quantity IS 'Units sold.';
COMMENT ON COLUMN warehouse.fact_sales.unit_price IS 'Price per unit charged, currency units.';
COMMENT ON COLUMN warehouse.fact_sales.discount_percentage IS 'Discount in percent.';
COMMENT ON COLUMN warehouse.fact_sales.gross_amount IS 'quantity x unit_price, currency units.';
COMMENT ON COLUMN warehouse.fact_sales.discount_amount IS 'gross_amount - net_amount, currency units.';
COMMENT ON COLUMN warehouse.fact_sales.net_amount IS 'Revenue: the line total as delivered, currency units.';
COMMENT ON COLUMN warehouse.fact_sales.cost_amount IS 'quantity x the product version''s unit cost, currency units.';
COMMENT ON COLUMN warehouse.fact_sales.profit_amount IS 'net_amount - cost_amount, currency units.';
COMMENT ON COLUMN warehouse.fact_sales.batch_id IS 'Batch that last loaded or corrected the row.';
