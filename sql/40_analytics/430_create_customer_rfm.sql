-- =====================================================================
-- 430_create_customer_rfm.sql
-- purpose:     RFM segmentation of every customer with orders: recency, frequency
--              and monetary scores 1-5 (NTILE(5), 5 best; ties broken by
--              customer_id so the result is deterministic) and a named segment.
--              Recency is counted from the latest order date in the data, not
--              today, so the view is stable for a given data set.
-- target:      analytics.customer_rfm
-- grain:       one row per customer with at least one order
-- reads:       warehouse.fact_sales, warehouse.dim_date, warehouse.dim_customers
-- rerunnable:  yes (DROP VIEW IF EXISTS, then CREATE VIEW, so that a database with
--              an older version of the view gets the new column names and types;
--              without CASCADE: it fails while another object depends on the view)
-- =====================================================================
DROP VIEW IF EXISTS analytics.customer_rfm;

CREATE VIEW analytics.customer_rfm AS
-- Lines are aggregated per customer version first, on the fact's integer keys (an order has
-- one version: the one valid on its date), then the versions per customer: grouping the
-- lines by customer_id sorts every order line on text. A version's latest day is its
-- largest date_key (YYYYMMDD); the reference date is the latest of all customers'.
WITH per_version AS (
    SELECT
        f.customer_key,
        max(f.date_key) AS last_date_key,
        count(DISTINCT f.transaction_id) AS frequency,
        sum(f.net_amount) AS net_revenue
    FROM warehouse.fact_sales AS f
    GROUP BY f.customer_key
),

per_customer AS (
    SELECT
        dc.customer_id,
        max(dd.full_date) AS last_order_date,
        sum(v.frequency)::bigint AS frequency,
        sum(v.net_revenue) AS net_revenue
    FROM per_version AS v
    INNER JOIN warehouse.dim_customers AS dc ON v.customer_key = dc.customer_key
    INNER JOIN warehouse.dim_date AS dd ON v.last_date_key = dd.date_key
    GROUP BY dc.customer_id
),

reference AS (
    SELECT max(p.last_order_date) AS reference_date
    FROM per_customer AS p
),

scored AS (
    SELECT
        p.customer_id,
        p.last_order_date,
        r.reference_date - p.last_order_date AS recency_days,
        p.frequency,
        p.net_revenue,
        ntile(5) OVER (ORDER BY p.last_order_date, p.customer_id) AS r_score,
        ntile(5) OVER (ORDER BY p.frequency, p.customer_id) AS f_score,
        ntile(5) OVER (ORDER BY p.net_revenue, p.customer_id) AS m_score
    FROM per_customer AS p
    CROSS JOIN reference AS r
)

SELECT
    s.customer_id,
    cur.full_name,
    cur.country,
    s.last_order_date,
    s.recency_days,
    s.frequency,
    s.net_revenue::numeric(14, 2) AS net_revenue,
    s.r_score,
    s.f_score,
    s.m_score,
    s.r_score::text || s.f_score::text || s.m_score::text AS rfm_code,
    CASE
        WHEN s.r_score >= 4 AND s.f_score >= 4 AND s.m_score >= 4 THEN 'Champions'
        WHEN s.r_score >= 3 AND s.f_score >= 4 THEN 'Loyal'
        WHEN s.r_score >= 4 AND s.f_score >= 2 THEN 'Potential Loyalists'
        WHEN s.r_score >= 4 THEN 'New Customers'
        WHEN s.r_score <= 2 AND s.f_score >= 4 THEN 'Cannot Lose Them'
        WHEN s.r_score <= 2 AND s.f_score >= 2 THEN 'At Risk'
        WHEN s.r_score = 1 THEN 'Lost'
        WHEN s.r_score = 2 THEN 'Hibernating'
        ELSE 'Need Attention'
    END AS rfm_segment
FROM scored AS s
INNER JOIN warehouse.dim_customers AS cur ON s.customer_id = cur.customer_id AND cur.is_current;

COMMENT ON VIEW analytics.customer_rfm IS 'RFM scores (1-5, 5 best, NTILE(5)) and segment per customer with orders; recency from the latest order date in the data.';
COMMENT ON COLUMN analytics.customer_rfm.customer_id IS 'Natural key of the customer.';
COMMENT ON COLUMN analytics.customer_rfm.full_name IS 'Customer name (current version).';
COMMENT ON COLUMN analytics.customer_rfm.country IS 'Country (current version).';
COMMENT ON COLUMN analytics.customer_rfm.last_order_date IS 'Date of the latest order.';
COMMENT ON COLUMN analytics.customer_rfm.recency_days IS 'Days from the latest order to the latest order date in the data.';
COMMENT ON COLUMN analytics.customer_rfm.frequency IS 'Orders placed.';
COMMENT ON COLUMN analytics.customer_rfm.net_revenue IS 'Monetary value: net revenue from the customer (sum of fact_sales.net_amount), currency units.';
COMMENT ON COLUMN analytics.customer_rfm.r_score IS 'Recency quintile, 5 = most recent.';
COMMENT ON COLUMN analytics.customer_rfm.f_score IS 'Frequency quintile, 5 = most orders.';
COMMENT ON COLUMN analytics.customer_rfm.m_score IS 'Monetary quintile (of net_revenue), 5 = most revenue.';
COMMENT ON COLUMN analytics.customer_rfm.rfm_code IS 'The three scores as text, e.g. 545.';
COMMENT ON COLUMN analytics.customer_rfm.rfm_segment IS 'Champions, Loyal, Potential Loyalists, New Customers, Cannot Lose Them, At Risk, Hibernating, Lost or Need Attention.';
