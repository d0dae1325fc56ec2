-- =====================================================================
-- 224_merge_categories.sql
-- purpose:     add the categories that accepted products mention for the first time
-- target:      production.categories
-- grain:       one row per category
-- reads:       staging.products_checked, production.categories
-- rerunnable:  yes (only missing categories are added)
-- =====================================================================
-- Ids: the largest in use plus the row number (see 214_merge_countries.sql).
INSERT INTO production.categories (category_id, category_name)
SELECT
    coalesce((SELECT max(k.category_id) FROM production.categories AS k), 0)
    + row_number() OVER (ORDER BY n.category_name),
    n.category_name
FROM (
    SELECT DISTINCT c.category AS category_name
    FROM staging.products_checked AS c
    WHERE
        c.outcome IN ('inserted', 'updated')
        AND NOT EXISTS (
            SELECT 1 FROM production.categories AS known
            WHERE known.category_name = c.category
        )
) AS n;
