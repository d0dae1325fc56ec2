-- =====================================================================
-- 340_load_dim_payment_methods.sql
-- purpose:     add new payment methods to their dimension, with a payment type
-- target:      warehouse.dim_payment_methods
-- grain:       one row per payment method
-- reads:       production.payment_methods
-- rerunnable:  yes (only missing methods are added)
-- =====================================================================
INSERT INTO warehouse.dim_payment_methods (payment_method_key, payment_method_name, payment_type)
SELECT
    pm.payment_method_id,
    pm.payment_method_name,
    CASE
        WHEN pm.payment_method_name ILIKE '%card%' THEN 'Card'
        WHEN pm.payment_method_name ILIKE any(ARRAY['%paypal%', '%pay', '%wallet%']) THEN 'Digital Wallet'
        WHEN pm.payment_method_name ILIKE '%bank%' THEN 'Bank Transfer'
        WHEN pm.payment_method_name ILIKE '%cash%' THEN 'Cash'
        ELSE 'Other'
    END
FROM production.payment_methods AS pm
WHERE
    NOT EXISTS (
        SELECT 1 FROM warehouse.dim_payment_methods AS known
        WHERE known.payment_method_key = pm.payment_method_id
    )
ORDER BY pm.payment_method_id;
