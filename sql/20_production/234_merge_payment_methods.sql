-- =====================================================================
-- 234_merge_payment_methods.sql
-- purpose:     add the payment methods that accepted transactions mention for the
--              first time
-- target:      production.payment_methods
-- grain:       one row per payment method
-- reads:       staging.transactions_checked, production.payment_methods
-- rerunnable:  yes (only missing payment methods are added)
-- =====================================================================
-- Ids: the largest in use plus the row number (see 214_merge_countries.sql).
INSERT INTO production.payment_methods (payment_method_id, payment_method_name)
SELECT
    coalesce((SELECT max(k.payment_method_id) FROM production.payment_methods AS k), 0)
    + row_number() OVER (ORDER BY n.payment_method_name),
    n.payment_method_name
FROM (
    SELECT DISTINCT c.payment_method AS payment_method_name
    FROM staging.transactions_checked AS c
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND NOT EXISTS (
            SELECT 1 FROM production.payment_methods AS known
            WHERE known.payment_method_name = c.payment_method
        )
) AS n;
