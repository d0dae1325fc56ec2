-- =====================================================================
-- 970_check_orders_before_registration.sql
-- purpose:     orders dated before their customer's registration date. They are
--              loaded (a guest checkout before signing up is real; quarantining the
--              order would drop revenue), and reported here as a warning so the
--              source can be asked about them.
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per order dated before its customer registered
-- reads:       pipeline.check_scope_start(), production.transactions, production.customers
-- scope:       transactions of the batches from pipeline.check_scope_start() on (all when unset)
-- rerunnable:  yes (read only)
-- severity:    warn
-- =====================================================================
SELECT
    t.transaction_id,
    t.customer_id,
    t.transaction_date,
    c.registration_date
FROM production.transactions AS t
INNER JOIN production.customers AS c ON t.customer_id = c.customer_id
WHERE
    t.last_batch_id >= pipeline.check_scope_start()
    AND t.transaction_date < c.registration_date
ORDER BY t.transaction_id;
