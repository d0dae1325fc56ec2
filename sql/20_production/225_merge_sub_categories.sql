-- =====================================================================
-- 225_merge_sub_categories.sql
-- purpose:     add the sub-categories that accepted products mention for the first time
-- target:      production.sub_categories
-- grain:       one row per sub-category within a category
-- reads:       staging.products_checked, production.categories, production.sub_categories
-- rerunnable:  yes (only missing sub-categories are added)
-- =====================================================================
-- Ids: the largest in use plus the row number (see 214_merge_countries.sql).
INSERT INTO production.sub_categories (sub_category_id, category_id, sub_category_name)
SELECT
    coalesce((SELECT max(k.sub_category_id) FROM production.sub_categories AS k), 0)
    + row_number() OVER (ORDER BY n.category_id, n.sub_category_name),
    n.category_id,
    n.sub_category_name
FROM (
    SELECT DISTINCT
        ca.category_id,
        c.sub_category AS sub_category_name
    FROM staging.products_checked AS c
    INNER JOIN production.categories AS ca ON c.category = ca.category_name
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND NOT EXISTS (
            SELECT 1 FROM production.sub_categories AS known
            WHERE known.category_id = ca.category_id AND known.sub_category_name = c.sub_category
        )
) AS n;
