-- =====================================================================
-- 920_check_fact_sales_matches_production.sql
-- purpose:     every fact is its production order line: same transaction, day,
--              quantity and amount, and the customer and product versions valid on
--              its order date (the version's id is the line's and covers the date; 910
--              proves versions never overlap); and every line of a complete batch has
--              its fact. One pass over the facts and lines checks both.
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per order line or fact that does not match
-- reads:       pipeline.check_scope_start(), warehouse.fact_sales, warehouse.dim_customers,
--              warehouse.dim_products, warehouse.dim_date, production.transaction_items,
--              production.transactions, pipeline.batches
-- scope:       facts and lines of the batches from pipeline.check_scope_start() on
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
-- Each CTE is read once, so PostgreSQL inlines them and can join in parallel.
WITH lines_in_scope AS (
    SELECT
        ti.item_id,
        ti.transaction_id,
        ti.product_id,
        ti.quantity,
        ti.line_total,
        t.customer_id,
        t.transaction_date,
        dd.date_key,
        -- the warehouse stage has run for the batches that last wrote the line and its
        -- order (batches complete in date order). A scalar subquery, not a join to
        -- pipeline.batches: Citus 14 plans a local table joined inside a FULL JOIN's input
        -- with only the columns it selects, and reads an expression's columns as NULL
        -- (docs/scaling.md).
        coalesce(
            greatest(ti.last_batch_id, t.last_batch_id)
            <= (
                SELECT max(b.batch_id) FROM pipeline.batches AS b
                WHERE b.status = 'complete'
            ),
            FALSE
        ) AS is_settled
    {%- if citus %}
    FROM production.transaction_items AS ti
    INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id
    LEFT JOIN warehouse.dim_date AS dd ON t.transaction_date = dd.full_date
    WHERE
        ti.last_batch_id >= pipeline.check_scope_start()
        OR t.last_batch_id >= pipeline.check_scope_start()
    {%- else %}
    -- lines the batches wrote, then the other lines of orders they wrote: two disjoint
    -- parts, each read by index on a daily run (an OR across both tables reads every line)
    FROM (
        SELECT
            i.item_id,
            i.transaction_id,
            i.product_id,
            i.quantity,
            i.line_total,
            i.last_batch_id
        FROM production.transaction_items AS i
        WHERE i.last_batch_id >= pipeline.check_scope_start()
        UNION ALL
        SELECT
            i.item_id,
            i.transaction_id,
            i.product_id,
            i.quantity,
            i.line_total,
            i.last_batch_id
        FROM production.transactions AS o
        INNER JOIN production.transaction_items AS i ON o.transaction_id = i.transaction_id
        WHERE o.last_batch_id >= pipeline.check_scope_start() AND i.last_batch_id < pipeline.check_scope_start()
    ) AS ti
    INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id
    LEFT JOIN warehouse.dim_date AS dd ON t.transaction_date = dd.full_date
    {%- endif %}
),

facts_in_scope AS (
    SELECT
        f.item_id,
        f.transaction_id,
        f.date_key,
        f.quantity,
        f.net_amount,
        dc.customer_id AS version_customer_id,
        dc.valid_from AS customer_valid_from,
        dc.valid_to AS customer_valid_to,
        dp.product_id AS version_product_id,
        dp.valid_from AS product_valid_from,
        dp.valid_to AS product_valid_to
    {%- if citus %}
    FROM warehouse.fact_sales AS f
    LEFT JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    LEFT JOIN warehouse.dim_products AS dp ON f.product_key = dp.product_key
    WHERE
        f.batch_id >= pipeline.check_scope_start()
        -- a fact of a line in scope that its batch did not rewrite (its values did not change)
        OR f.item_id IN (
            SELECT ti.item_id
            FROM production.transaction_items AS ti
            INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id
            WHERE
                ti.last_batch_id >= pipeline.check_scope_start()
                OR t.last_batch_id >= pipeline.check_scope_start()
        )
    {%- else %}
    -- facts the batches wrote, then facts of lines in scope that their batch did not
    -- rewrite (their values did not change): disjoint again, each by index on a daily run
    FROM (
        SELECT
            w.item_id,
            w.transaction_id,
            w.date_key,
            w.quantity,
            w.net_amount,
            w.customer_key,
            w.product_key
        FROM warehouse.fact_sales AS w
        WHERE w.batch_id >= pipeline.check_scope_start()
        UNION ALL
        SELECT
            w.item_id,
            w.transaction_id,
            w.date_key,
            w.quantity,
            w.net_amount,
            w.customer_key,
            w.product_key
        FROM warehouse.fact_sales AS w
        WHERE
            w.batch_id < pipeline.check_scope_start()
            AND w.item_id IN (
                SELECT i.item_id
                FROM production.transaction_items AS i
                WHERE i.last_batch_id >= pipeline.check_scope_start()
                UNION ALL
                SELECT i.item_id
                FROM production.transactions AS o
                INNER JOIN production.transaction_items AS i ON o.transaction_id = i.transaction_id
                WHERE o.last_batch_id >= pipeline.check_scope_start()
            )
    ) AS f
    LEFT JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key
    LEFT JOIN warehouse.dim_products AS dp ON f.product_key = dp.product_key
    {%- endif %}
),

compared AS (
    SELECT
        coalesce(l.item_id, f.item_id) AS item_id,
        CASE
            WHEN l.item_id IS NULL THEN 'fact without a production line'
            WHEN f.item_id IS NULL THEN 'production line without a fact'
            WHEN f.transaction_id != l.transaction_id THEN 'fact in another transaction'
            WHEN (f.date_key IS DISTINCT FROM l.date_key) THEN 'fact on another day'
            WHEN ((f.quantity, f.net_amount) IS DISTINCT FROM (l.quantity, l.line_total)) THEN 'different amount'
            WHEN (f.version_customer_id IS DISTINCT FROM l.customer_id) THEN 'customer version of another customer'
            WHEN
                NOT (l.transaction_date >= f.customer_valid_from AND l.transaction_date < f.customer_valid_to)
                THEN 'customer version not valid on the order date'
            WHEN (f.version_product_id IS DISTINCT FROM l.product_id) THEN 'product version of another product'
            WHEN
                NOT (l.transaction_date >= f.product_valid_from AND l.transaction_date < f.product_valid_to)
                THEN 'product version not valid on the order date'
        END AS problem,
        l.is_settled,
        l.transaction_date,
        l.line_total AS production_line_total,
        f.net_amount AS fact_net_amount
    FROM lines_in_scope AS l
    FULL OUTER JOIN facts_in_scope AS f ON l.item_id = f.item_id
)

SELECT
    c.item_id,
    c.problem,
    c.transaction_date,
    c.production_line_total,
    c.fact_net_amount
FROM compared AS c
-- a line of a batch whose warehouse stage has not run yet is not in the warehouse yet
WHERE c.problem IS NOT NULL AND (c.is_settled OR c.problem = 'fact without a production line')
ORDER BY c.item_id;
