-- =====================================================================
-- 220_load_products_checked.sql
-- purpose:     clean, cast and validate the staged products in one set-based pass,
--              and decide each row's outcome (inserted, updated, duplicate,
--              superseded, quarantined with its first failed rule and a reason)
-- target:      staging.products_checked
-- grain:       one row per staged products row
-- reads:       staging.products, production.products
-- rerunnable:  yes (rebuilt from staging each time)
-- =====================================================================
DROP TABLE IF EXISTS staging.products_checked;

CREATE UNLOGGED TABLE staging.products_checked AS
WITH cleaned AS MATERIALIZED (
    SELECT
        s.batch_id,
        s.source_file,
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

ruled AS (
    SELECT
        c.*,
        concat_ws(
            ', ',
            CASE WHEN c.product_id IS NULL THEN 'product_id' END,
            CASE WHEN c.product_name IS NULL THEN 'product_name' END,
            CASE WHEN c.category IS NULL THEN 'category' END,
            CASE WHEN c.sub_category IS NULL THEN 'sub_category' END,
            CASE WHEN c.price_raw IS NULL THEN 'price' END,
            CASE WHEN c.cost_raw IS NULL THEN 'cost' END
        ) AS missing_columns,
        concat_ws(
            ', ',
            CASE WHEN c.price IS NULL AND c.price_raw IS NOT NULL THEN format('price %L', c.price_raw) END,
            CASE WHEN c.cost IS NULL AND c.cost_raw IS NOT NULL THEN format('cost %L', c.cost_raw) END,
            CASE
                WHEN c.stock_quantity IS NULL AND c.stock_quantity_raw IS NOT NULL
                    THEN format('stock_quantity %L', c.stock_quantity_raw)
            END
        ) AS invalid_numbers,
        md5(
            row(
                c.product_name, c.category, c.sub_category, c.price, c.cost,
                c.brand, c.stock_quantity, c.supplier_id
            )::text
        ) AS source_hash
    FROM cleaned AS c
),

validated AS (
    SELECT
        r.*,
        CASE
            WHEN r.missing_columns != '' THEN 'missing_required'
            WHEN r.invalid_numbers != '' THEN 'invalid_number'
            WHEN r.price < 0 OR r.cost < 0 OR r.stock_quantity < 0 THEN 'negative_amount'
        END AS rule_name
    FROM ruled AS r
),

ranked AS (
    SELECT
        v.*,
        row_number() OVER latest_first AS rank_in_batch,
        first_value(v.source_hash) OVER latest_first AS winner_hash
    FROM validated AS v
    WINDOW latest_first AS (
        PARTITION BY v.product_id, v.rule_name IS NULL ORDER BY v.line_number DESC
    )
)

SELECT
    k.batch_id,
    k.source_file,
    k.line_number,
    k.product_id,
    k.product_name,
    k.category,
    k.sub_category,
    k.price,
    k.cost,
    k.brand,
    k.stock_quantity,
    k.supplier_id,
    k.source_hash,
    k.rule_name,
    CASE k.rule_name
        WHEN 'missing_required' THEN 'required column(s) empty: ' || k.missing_columns
        WHEN 'invalid_number' THEN 'not a number (digits, optional sign, at most 2 decimals): ' || k.invalid_numbers
        WHEN 'negative_amount' THEN concat_ws(
            ', ',
            CASE WHEN k.price < 0 THEN format('price %s', k.price) END,
            CASE WHEN k.cost < 0 THEN format('cost %s', k.cost) END,
            CASE WHEN k.stock_quantity < 0 THEN format('stock_quantity %s', k.stock_quantity) END
        ) || ' must not be negative'
    END AS reason,
    CASE
        WHEN k.rule_name IS NOT NULL THEN 'quarantined'
        WHEN k.rank_in_batch > 1 AND k.source_hash = k.winner_hash THEN 'duplicate'
        WHEN k.rank_in_batch > 1 THEN 'superseded'
        WHEN p.source_hash IS NULL THEN 'inserted'
        WHEN p.source_hash = k.source_hash THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM ranked AS k
LEFT JOIN production.products AS p ON k.product_id = p.product_id;
