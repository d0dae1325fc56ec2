-- =====================================================================
-- 220_load_products_checked.sql
-- purpose:     clean, cast and validate the staged products in one set-based pass,
--              and decide each row's outcome (pipeline.decide_outcome): inserted,
--              updated, duplicate, superseded, or quarantined with the first rule it
--              failed and a reason
-- target:      staging.products_checked
-- grain:       one row per staged products row
-- reads:       staging.products, production.products, production.sub_categories,
--              production.categories, production.brands
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.products_checked;

CREATE UNLOGGED TABLE staging.products_checked AS
-- MATERIALIZED: each cleaned value is computed once, however often the rules read it.
WITH cleaned AS MATERIALIZED (
    SELECT
        s.line_number,
        pipeline.trim_to_null(s.product_id) AS product_id,
        pipeline.clean_text(s.product_name) AS product_name,
        initcap(pipeline.clean_text(s.category)) AS category,
        initcap(pipeline.clean_text(s.sub_category)) AS sub_category,
        pipeline.trim_to_null(s.price) AS price_raw,
        pipeline.to_money_or_null(s.price) AS price,
        pipeline.trim_to_null(s.cost) AS cost_raw,
        pipeline.to_money_or_null(s.cost) AS cost,
        pipeline.clean_text(s.brand) AS brand,
        pipeline.trim_to_null(s.stock_quantity) AS stock_quantity_raw,
        pipeline.to_integer_or_null(s.stock_quantity) AS stock_quantity,
        upper(pipeline.trim_to_null(s.supplier_id)) AS supplier_id
    FROM staging.products AS s
),

validated AS (
    SELECT
        c.*,
        CASE
            WHEN
                c.product_id IS NULL OR c.product_name IS NULL OR c.category IS NULL OR c.sub_category IS NULL
                OR c.price_raw IS NULL OR c.cost_raw IS NULL
                THEN 'missing_required'
            WHEN
                c.price IS NULL OR c.cost IS NULL OR (c.stock_quantity IS NULL AND c.stock_quantity_raw IS NOT NULL)
                THEN 'invalid_number'
            WHEN c.price < 0 OR c.cost < 0 OR c.stock_quantity < 0 THEN 'negative_amount'
        END AS rule_name
    FROM cleaned AS c
),

-- De-duplication, the same in every checked table: the latest line of an id wins; only
-- ids delivered more than once are looked at (a hash aggregate finds them).
repeated AS (
    SELECT
        v.product_id,
        max(v.line_number) AS latest_line
    FROM validated AS v
    WHERE v.rule_name IS NULL
    GROUP BY v.product_id
    HAVING count(*) > 1
),

-- The current production version of every product the batch delivers, by name.
known AS (
    SELECT
        p.product_id,
        p.product_name,
        ca.category_name AS category,
        sc.sub_category_name AS sub_category,
        p.price,
        p.cost,
        b.brand_name AS brand,
        p.stock_quantity,
        p.supplier_id
    FROM production.products AS p
    INNER JOIN production.sub_categories AS sc ON p.sub_category_id = sc.sub_category_id
    INNER JOIN production.categories AS ca ON sc.category_id = ca.category_id
    LEFT JOIN production.brands AS b ON p.brand_id = b.brand_id
    WHERE p.product_id IN (SELECT c.product_id FROM cleaned AS c)
),

decided AS (
    SELECT
        v.*,
        r.latest_line,
        (v.product_name, v.category, v.sub_category, v.price, v.cost, v.brand, v.stock_quantity, v.supplier_id)
        IS NOT DISTINCT FROM (w.product_name, w.category, w.sub_category, w.price, w.cost, w.brand,
            w.stock_quantity, w.supplier_id) AS matches_latest_line,
        k.product_id IS NOT NULL AS is_in_production,
        (v.product_name, v.category, v.sub_category, v.price, v.cost, v.brand, v.stock_quantity, v.supplier_id)
        IS NOT DISTINCT FROM (k.product_name, k.category, k.sub_category, k.price, k.cost, k.brand,
            k.stock_quantity, k.supplier_id) AS matches_production
    FROM validated AS v
    LEFT JOIN repeated AS r ON v.rule_name IS NULL AND v.product_id = r.product_id
    LEFT JOIN validated AS w ON r.latest_line = w.line_number
    LEFT JOIN known AS k ON v.product_id = k.product_id
)

SELECT
    current_setting('pipeline.batch_id') AS batch_id,
    d.line_number,
    d.product_id,
    d.product_name,
    d.category,
    d.sub_category,
    d.price,
    d.cost,
    d.brand,
    d.stock_quantity,
    d.supplier_id,
    d.rule_name,
    CASE d.rule_name
        WHEN 'missing_required'
            THEN 'required column(s) empty: ' || concat_ws(
                ', ',
                CASE WHEN d.product_id IS NULL THEN 'product_id' END,
                CASE WHEN d.product_name IS NULL THEN 'product_name' END,
                CASE WHEN d.category IS NULL THEN 'category' END,
                CASE WHEN d.sub_category IS NULL THEN 'sub_category' END,
                CASE WHEN d.price_raw IS NULL THEN 'price' END,
                CASE WHEN d.cost_raw IS NULL THEN 'cost' END
            )
        WHEN 'invalid_number'
            THEN 'not a number (digits, optional sign, at most 2 decimals): ' || concat_ws(
                ', ',
                CASE WHEN d.price IS NULL THEN format('price %L', d.price_raw) END,
                CASE WHEN d.cost IS NULL THEN format('cost %L', d.cost_raw) END,
                CASE
                    WHEN d.stock_quantity IS NULL AND d.stock_quantity_raw IS NOT NULL
                        THEN format('stock_quantity %L', d.stock_quantity_raw)
                END
            )
        WHEN 'negative_amount'
            THEN concat_ws(
                ', ',
                CASE WHEN d.price < 0 THEN format('price %s', d.price) END,
                CASE WHEN d.cost < 0 THEN format('cost %s', d.cost) END,
                CASE WHEN d.stock_quantity < 0 THEN format('stock_quantity %s', d.stock_quantity) END
            ) || ' must not be negative'
    END AS reason,
    pipeline.decide_outcome(
        d.rule_name, TRUE, d.latest_line IS NULL OR d.latest_line = d.line_number, d.matches_latest_line,
        d.is_in_production, d.matches_production
    ) AS outcome
FROM decided AS d;

ANALYZE staging.products_checked;
