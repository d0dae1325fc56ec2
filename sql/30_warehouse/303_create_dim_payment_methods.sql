-- =====================================================================
-- 303_create_dim_payment_methods.sql
-- purpose:     the payment method dimension
-- target:      warehouse.dim_payment_methods
-- grain:       one row per payment method
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS warehouse.dim_payment_methods (
    payment_method_key integer NOT NULL,
    payment_method_name text NOT NULL,
    payment_type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dim_payment_methods_pkey PRIMARY KEY (payment_method_key),
    CONSTRAINT dim_payment_methods_payment_method_name_key UNIQUE (payment_method_name)
);

SELECT pipeline.distribute('warehouse.dim_payment_methods');

COMMENT ON TABLE warehouse.dim_payment_methods IS 'How orders were paid.';
COMMENT ON COLUMN warehouse.dim_payment_methods.payment_method_key IS 'Surrogate key (the production payment_method_id).';
COMMENT ON COLUMN warehouse.dim_payment_methods.payment_method_name IS 'Payment method, e.g. Credit Card.';
COMMENT ON COLUMN warehouse.dim_payment_methods.payment_type IS 'Card, Digital Wallet, Bank Transfer, Cash or Other.';
COMMENT ON COLUMN warehouse.dim_payment_methods.created_at IS 'When the row was created.';
