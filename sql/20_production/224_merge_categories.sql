-- =====================================================================
-- 224_merge_categories.sql
-- purpose:     add the categories that accepted products mention for the first time
-- target:      production.categories
-- grain:       one row per category
-- reads:       staging.products_checked
-- rerunnable:  yes (only missing categories are added)
-- =====================================================================
INSERT INTO production.categories (category_name)
SELECT DISTINCT c.category
FROM staging.products_checked AS c
WHERE
    c.outcome IN ('inserted', 'updated')
    AND NOT EXISTS (
        SELECT FROM production.categories AS known
        WHERE known.category_name = c.category
    )
ORDER BY c.category;
