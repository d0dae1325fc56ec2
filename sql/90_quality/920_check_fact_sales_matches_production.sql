-- =====================================================================
-- 920_check_fact_sales_matches_production.sql
-- purpose:     every fact is its production order line: same transaction, day,
--              quantity and amount, and the customer and product versions valid on
--              its order date (910 proves versions never overlap); and every line of a
--              complete batch has its fact. Sums of row hashes per group of orders find
--              the groups that differ; only their lines and facts are then compared.
-- target:      (none: returns offending rows; zero rows is a pass)
-- grain:       one row per order line or fact that does not match
-- reads:       pipeline.check_scope_start(), warehouse.fact_sales, warehouse.dim_customers,
--              warehouse.dim_products, warehouse.dim_date, production.transaction_items,
--              production.transactions, pipeline.batches
-- scope:       facts and lines of the batches from pipeline.check_scope_start() on
-- rerunnable:  yes (read only)
-- severity:    error
-- =====================================================================
-- Why hashes first: at scale 4,000, joining every line with its fact (two 100 M-row
-- inputs) spilled more than 15 GB of hash tables to disk and filled it. The sums need no
-- join between the two sides (5.7 GB of temporary files at most, docs/benchmarks.md); a
-- differing group (1 in 1,024 orders) is then joined exactly.
-- Each line's hash chains one hash per value, each value's hash the seed of the next, so
-- that two lines that swap a value change the sum. The type's own hash functions hash
-- values (1.5 and 1.50 alike), as the comparison below compares them; the chain took a
-- third of the time of one hash_record_extended of the line's row (docs/benchmarks.md). A
-- value the LEFT JOINs found no row for hashes as '' or 0, which no id or day is. A
-- duplicate adds a row.
-- The CTEs are NOT MATERIALIZED: each use reads the tables again, without a copy.
WITH lines_in_scope AS NOT MATERIALIZED (
    SELECT
        hashtext(ti.transaction_id) & 1023 AS order_group,
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

facts_in_scope AS NOT MATERIALIZED (
    SELECT
        hashtext(f.transaction_id) & 1023 AS order_group,
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

-- Per group of orders: the lines, and a sum of hashes of each line's values and its
-- order's, on each side. A fact's versions must also cover its own day.
production_sums AS (
    SELECT
        l.order_group,
        count(*) AS row_count,
        sum(
            hashtextextended(l.item_id, hashtextextended(l.transaction_id, hashtextextended(
                l.product_id,
                hashint4extended(l.quantity, hash_numeric_extended(
                    l.line_total,
                    hashint4extended(coalesce(l.date_key, 0), hashtextextended(l.customer_id, 0))
                ))
            )))
        ) AS row_hashes
    FROM lines_in_scope AS l
    GROUP BY l.order_group
),

warehouse_sums AS (
    SELECT
        f.order_group,
        count(*) AS row_count,
        sum(
            hashtextextended(f.item_id, hashtextextended(f.transaction_id, hashtextextended(
                coalesce(f.version_product_id, ''),
                hashint4extended(f.quantity, hash_numeric_extended(
                    f.net_amount,
                    hashint4extended(f.date_key, hashtextextended(coalesce(f.version_customer_id, ''), 0))
                ))
            )))
        ) AS row_hashes,
        count(*) FILTER (
            WHERE NOT (
                fd.full_date >= f.customer_valid_from AND fd.full_date < f.customer_valid_to
                AND fd.full_date >= f.product_valid_from AND fd.full_date < f.product_valid_to
            )
        ) AS versions_not_valid
    FROM facts_in_scope AS f
    LEFT JOIN warehouse.dim_date AS fd ON f.date_key = fd.date_key
    GROUP BY f.order_group
),

differing_groups AS (
    SELECT coalesce(p.order_group, w.order_group) AS order_group
    FROM production_sums AS p
    FULL OUTER JOIN warehouse_sums AS w ON p.order_group = w.order_group
    WHERE
        (p.row_count, p.row_hashes) IS DISTINCT FROM (w.row_count, w.row_hashes)
        OR w.versions_not_valid > 0
),

-- Only the groups that differ are compared line by line; none on a clean run, where the
-- EXISTS is false once and nothing below it is read.
lines_to_compare AS (
    SELECT
        l.*
    FROM lines_in_scope AS l
    WHERE
        EXISTS (SELECT FROM differing_groups)
        AND l.order_group IN (SELECT d.order_group FROM differing_groups AS d)
),

facts_to_compare AS (
    SELECT
        f.*
    FROM facts_in_scope AS f
    WHERE
        EXISTS (SELECT FROM differing_groups)
        AND f.order_group IN (SELECT d.order_group FROM differing_groups AS d)
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
    FROM lines_to_compare AS l
    FULL OUTER JOIN facts_to_compare AS f ON l.item_id = f.item_id
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
