-- =====================================================================
-- 202_create_payment_methods.sql
-- purpose:     the payment methods transactions reference
-- target:      production.payment_methods
-- grain:       one row per payment method
-- reads:       (none)
-- rerunnable:  yes (IF NOT EXISTS)
-- =====================================================================
CREATE TABLE IF NOT EXISTS production.payment_methods (
    payment_method_id integer NOT NULL,
    payment_method_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payment_methods_pkey PRIMARY KEY (payment_method_id),
    CONSTRAINT payment_methods_payment_method_name_key UNIQUE (payment_method_name)
);

SELECT pipeline.distribute('production.payment_methods');

COMMENT ON TABLE production.payment_methods IS 'Payment methods, one spelling each.';
COMMENT ON COLUMN production.payment_methods.payment_method_id IS 'Surrogate id of the payment method.';
COMMENT ON COLUMN production.payment_methods.payment_method_name IS 'Payment method, e.g. Credit Card.';
COMMENT ON COLUMN production.payment_methods.created_at IS 'When the row was created.';
COMMENT ON COLUMN production.payment_methods.updated_at IS 'When the row last changed.';
