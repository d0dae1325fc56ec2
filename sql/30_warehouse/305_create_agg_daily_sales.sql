-- =====================================================================
-- 305_create_agg_daily_sales.sql
-- purpose:     the daily sales aggregate, kept equal to fact_sales to the cent
-- target:      warehouse.agg_daily_sales
-- grain:       one row per date with sales
-- reads:       warehouse.dim_date
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS warehouse.agg_daily_sales (
    date_key integer NOT NULL,
    sales_date date NOT NULL,
    transactions bigint NOT NULL,
    items bigint NOT NULL,
    units bigint NOT NULL,
    gross_amount numeric(14, 2) NOT NULL,
    discount_amount numeric(14, 2) NOT NULL,
    net_revenue numeric(14, 2) NOT NULL,
    cost_amount numeric(14, 2) NOT NULL,
    profit_amount numeric(14, 2) NOT NULL,
    distinct_customers bigint NOT NULL,
    new_customers bigint NOT NULL,
    repeat_customers bigint NOT NULL,
    average_order_value numeric(12, 2) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agg_daily_sales_pkey PRIMARY KEY (date_key),
    CONSTRAINT agg_daily_sales_date_key_fkey FOREIGN KEY (date_key) REFERENCES warehouse.dim_date (date_key)
);

SELECT pipeline.distribute('warehouse.agg_daily_sales');

COMMENT ON TABLE warehouse.agg_daily_sales IS 'Daily sales totals; equals fact_sales summed per day to the cent (checked by the quality stage).';
COMMENT ON COLUMN warehouse.agg_daily_sales.date_key IS 'Day, key to dim_date.';
COMMENT ON COLUMN warehouse.agg_daily_sales.sales_date IS 'The calendar date.';
COMMENT ON COLUMN warehouse.agg_daily_sales.transactions IS 'Orders placed that day.';
COMMENT ON COLUMN warehouse.agg_daily_sales.items IS 'Order lines.';
COMMENT ON COLUMN warehouse.agg_daily_sales.units IS 'Units sold.';
COMMENT ON COLUMN warehouse.agg_daily_sales.gross_amount IS 'Sum of gross_amount, currency units.';
COMMENT ON COLUMN warehouse.agg_daily_sales.discount_amount IS 'Sum of discount_amount, currency units.';
COMMENT ON COLUMN warehouse.agg_daily_sales.net_revenue IS 'Sum of net_amount (revenue), currency units.';
COMMENT ON COLUMN warehouse.agg_daily_sales.cost_amount IS 'Sum of cost_amount, currency units.';
COMMENT ON COLUMN warehouse.agg_daily_sales.profit_amount IS 'Sum of profit_amount, currency units.';
COMMENT ON COLUMN warehouse.agg_daily_sales.distinct_customers IS 'Customers who ordered that day.';
COMMENT ON COLUMN warehouse.agg_daily_sales.new_customers IS 'Customers whose first ever order was that day.';
COMMENT ON COLUMN warehouse.agg_daily_sales.repeat_customers IS 'Customers who ordered that day and had ordered before.';
COMMENT ON COLUMN warehouse.agg_daily_sales.average_order_value IS 'net_revenue / transactions, currency units.';
COMMENT ON COLUMN warehouse.agg_daily_sales.updated_at IS 'When the day was last recomputed.';
