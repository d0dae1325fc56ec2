-- =====================================================================
-- 225_merge_sub_categories.sql
-- purpose:     add the sub-categories that accepted products mention for the first time
-- target:      production.sub_categories
-- grain:       one row per sub-category within a category
-- reads:       staging.products_checked, production.categories
-- rerunnable:  yes (only missing sub-categories are added)
-- =====================================================================
INSERT INTO production.sub_categories (category_id, sub_category_name)
SELECT DISTINCT
    ca.category_id,
    c.sub_category
FROM staging.products_checked AS c
INNER JOIN production.categories AS ca ON c.category = ca.category_name
WHERE
    c.outcome IN ('inserted', 'updated')
    AND NOT EXISTS (
        SELECT FROM production.sub_categories AS known
        WHERE known.category_id = ca.category_id AND known.sub_category_name = c.sub_category
    )
ORDER BY ca.category_id, c.sub_category;
