-- =====================================================================
-- 227_merge_suppliers.sql
-- purpose:     add the suppliers that accepted products mention for the first time
-- target:      production.suppliers
-- grain:       one row per supplier
-- reads:       staging.products_checked, production.suppliers
-- rerunnable:  yes (only missing suppliers are added)
-- =====================================================================
INSERT INTO production.suppliers (supplier_id)
SELECT DISTINCT c.supplier_id
FROM staging.products_checked AS c
WHERE
    c.outcome IN ('inserted', 'updated')
    AND c.supplier_id IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM production.suppliers AS known
        WHERE known.supplier_id = c.supplier_id
    );
