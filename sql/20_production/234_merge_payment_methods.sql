-- =====================================================================
-- 234_merge_payment_methods.sql
-- purpose:     add the payment methods that accepted transactions mention for the
--              first time
-- target:      production.payment_methods
-- grain:       one row per payment method
-- reads:       staging.transactions_checked
-- rerunnable:  yes (only missing payment methods are added)
-- =====================================================================
INSERT INTO production.payment_methods (payment_method_name)
SELECT DISTINCT c.payment_method
FROM staging.transactions_checked AS c
WHERE
    c.outcome IN ('inserted', 'updated')
    AND NOT EXISTS (
        SELECT FROM production.payment_methods AS known
        WHERE known.payment_method_name = c.payment_method
    )
ORDER BY c.payment_method;
