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
-- OFFSET 0 keeps PostgreSQL from merging a subquery into the statement, so that each
-- value is cleaned, and each rule checked, once per row however often it is read.
WITH cleaned AS (
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
    OFFSET 0
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
    OFFSET 0
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
)

SELECT
    current_setting('pipeline.batch_id') AS batch_id,
    v.line_number,
    v.product_id,
    v.product_name,
    v.category,
    v.sub_category,
    v.price,
    v.cost,
    v.brand,
    v.stock_quantity,
    v.supplier_id,
    v.rule_name,
    CASE v.rule_name
        WHEN 'missing_required'
            THEN 'required column(s) empty: ' || concat_ws(
                ', ',
                CASE WHEN v.product_id IS NULL THEN 'product_id' END,
                CASE WHEN v.product_name IS NULL THEN 'product_name' END,
                CASE WHEN v.category IS NULL THEN 'category' END,
                CASE WHEN v.sub_category IS NULL THEN 'sub_category' END,
                CASE WHEN v.price_raw IS NULL THEN 'price' END,
                CASE WHEN v.cost_raw IS NULL THEN 'cost' END
            )
        WHEN 'invalid_number'
            THEN 'not a number (digits, optional sign, at most 2 decimals): ' || concat_ws(
                ', ',
                CASE WHEN v.price IS NULL THEN format('price %L', v.price_raw) END,
                CASE WHEN v.cost IS NULL THEN format('cost %L', v.cost_raw) END,
                CASE
                    WHEN v.stock_quantity IS NULL AND v.stock_quantity_raw IS NOT NULL
                        THEN format('stock_quantity %L', v.stock_quantity_raw)
                END
            )
        WHEN 'negative_amount'
            THEN concat_ws(
                ', ',
                CASE WHEN v.price < 0 THEN format('price %s', v.price) END,
                CASE WHEN v.cost < 0 THEN format('cost %s', v.cost) END,
                CASE WHEN v.stock_quantity < 0 THEN format('stock_quantity %s', v.stock_quantity) END
            ) || ' must not be negative'
    END AS reason,
    -- as if each id came once; the UPDATE below settles the ids delivered more than once
    pipeline.decide_outcome(
        v.rule_name, TRUE, TRUE, FALSE, k.product_id IS NOT NULL,
        (v.product_name, v.category, v.sub_category, v.price, v.cost, v.brand, v.stock_quantity, v.supplier_id)
        IS NOT DISTINCT FROM (
            k.product_name, k.category, k.sub_category, k.price, k.cost, k.brand,
            k.stock_quantity, k.supplier_id
        )
    ) AS outcome
FROM validated AS v
LEFT JOIN known AS k ON v.product_id = k.product_id;

-- De-duplication, the same in every checked table: of an id delivered more than once, the
-- latest valid line wins; every earlier valid line is a duplicate (same values) or
-- superseded. Only the repeated ids are looked at (a hash aggregate finds them).
UPDATE staging.products_checked AS c
SET
    outcome = pipeline.decide_outcome(
        c.rule_name, TRUE, FALSE,
        (c.product_name, c.category, c.sub_category, c.price, c.cost, c.brand, c.stock_quantity, c.supplier_id)
        IS NOT DISTINCT FROM (
            w.product_name, w.category, w.sub_category, w.price, w.cost, w.brand,
            w.stock_quantity, w.supplier_id
        ),
        TRUE, FALSE
    )
FROM (
    SELECT DISTINCT ON (k.product_id)
        k.*
    FROM staging.products_checked AS k
    WHERE
        k.outcome IN ('inserted', 'updated', 'duplicate')
        AND k.product_id IN (
            SELECT r.product_id
            FROM staging.products_checked AS r
            WHERE r.outcome IN ('inserted', 'updated', 'duplicate')
            GROUP BY r.product_id
            HAVING count(*) > 1
        )
    ORDER BY k.product_id ASC, k.line_number DESC
) AS w
WHERE
    c.product_id = w.product_id
    AND c.outcome IN ('inserted', 'updated', 'duplicate')
    AND c.line_number != w.line_number;

ANALYZE staging.products_checked;
