-- =====================================================================
-- 900_check_scd2_one_current_version.sql
-- purpose:     every customer and product has exactly one current version
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per natural key without exactly one current version
-- reads:       warehouse.dim_customers, warehouse.dim_products
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
SELECT
    'dim_customers' AS dimension,
    d.customer_id AS natural_id,
    count(*) FILTER (WHERE d.is_current) AS current_versions
FROM warehouse.dim_customers AS d
GROUP BY d.customer_id
HAVING count(*) FILTER (WHERE d.is_current) != 1
UNION ALL
SELECT
    'dim_products',
    d.product_id,
    count(*) FILTER (WHERE d.is_current)
FROM warehouse.dim_products AS d
GROUP BY d.product_id
HAVING count(*) FILTER (WHERE d.is_current) != 1;
