-- =====================================================================
-- 070_create_distribution_plan.sql
-- purpose:     how each table is spread over a Citus cluster (distributed
--              PostgreSQL), in one place: the order tables are distributed on
--              transaction_id and co-located, so that an order and its lines live on
--              the same node; the small tables every order line joins are reference
--              tables (a copy on every node); the rest stays on the coordinator. On
--              one PostgreSQL server the plan is only documentation and
--              pipeline.distribute changes nothing.
-- target:      pipeline.distribution_plan, pipeline.distribute
-- grain:       one row per table that is not local to the coordinator
-- reads:       pipeline.distribution_plan, pg_dist_partition (on Citus)
-- rerunnable:  yes (CREATE OR REPLACE; a table already distributed is left alone)
-- =====================================================================
-- Local to the coordinator, not listed: pipeline.* (run metadata, quarantine), staging.*
-- (COPY must keep each file's line order and accept a row whose transaction_id is empty,
-- which a table distributed on it refuses; each batch's cleaning therefore runs on the
-- coordinator) and warehouse.agg_daily_sales (one row per day).
CREATE OR REPLACE VIEW pipeline.distribution_plan AS
SELECT
    p.table_name,
    p.method,
    p.distribution_column,
    p.colocate_with
FROM (
    VALUES
    ('production.transactions', 'distributed', 'transaction_id', NULL),
    ('production.transaction_items', 'distributed', 'transaction_id', 'production.transactions'),
    ('warehouse.fact_sales', 'distributed', 'transaction_id', 'production.transactions'),
    ('production.countries', 'reference', NULL, NULL),
    ('production.states', 'reference', NULL, NULL),
    ('production.cities', 'reference', NULL, NULL),
    ('production.categories', 'reference', NULL, NULL),
    ('production.sub_categories', 'reference', NULL, NULL),
    ('production.brands', 'reference', NULL, NULL),
    ('production.suppliers', 'reference', NULL, NULL),
    ('production.payment_methods', 'reference', NULL, NULL),
    ('production.customers', 'reference', NULL, NULL),
    ('production.customers_history', 'reference', NULL, NULL),
    ('production.products', 'reference', NULL, NULL),
    ('production.products_history', 'reference', NULL, NULL),
    ('warehouse.dim_date', 'reference', NULL, NULL),
    ('warehouse.dim_customers', 'reference', NULL, NULL),
    ('warehouse.dim_products', 'reference', NULL, NULL),
    ('warehouse.dim_payment_methods', 'reference', NULL, NULL)
) AS p (table_name, method, distribution_column, colocate_with);

COMMENT ON VIEW pipeline.distribution_plan IS 'How each table is spread over a Citus cluster: distributed on a column (co-located with another table) or a reference table on every node; tables not listed stay on the coordinator.';
COMMENT ON COLUMN pipeline.distribution_plan.table_name IS 'Schema-qualified table name.';
COMMENT ON COLUMN pipeline.distribution_plan.method IS 'distributed (rows spread over the workers by distribution_column) or reference (a full copy on every node).';
COMMENT ON COLUMN pipeline.distribution_plan.distribution_column IS 'Column whose hash places a row on a worker (distributed tables only).';
COMMENT ON COLUMN pipeline.distribution_plan.colocate_with IS 'Table whose shards this table shares, so that joins on the distribution column stay on one node.';

-- Called by each create file right after its CREATE TABLE: makes the table what the plan
-- says, once; returns the method ('local' for a table the plan does not list).
CREATE OR REPLACE FUNCTION pipeline.distribute(target regclass)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    planned record;
BEGIN
    SELECT p.* INTO planned
    FROM pipeline.distribution_plan AS p
    INNER JOIN pg_catalog.pg_class AS c ON c.oid = target
    INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
    WHERE p.table_name = n.nspname || '.' || c.relname;
    IF NOT FOUND THEN
        RETURN 'local';
    END IF;
{%- if citus %}
    -- pg_dist_partition, Citus's catalog: partmethod 'h' is a distributed table, 'n' with
    -- repmodel 't' a reference table ('n' with 's' is a local table Citus adopted because a
    -- foreign key ties it to a reference table: that one is distributed still). Not the
    -- citus_tables view: it measures every shard over a new connection, which waits for
    -- the locks this transaction holds.
    IF EXISTS (
        SELECT 1 FROM pg_dist_partition AS dp
        WHERE dp.logicalrelid = target AND (dp.partmethod = 'h' OR dp.repmodel = 't')
    ) THEN
        RETURN planned.method;
    END IF;
    IF planned.method = 'reference' THEN
        PERFORM create_reference_table(target);
    ELSE
        PERFORM create_distributed_table(
            target, planned.distribution_column, colocate_with => coalesce(planned.colocate_with, 'default')
        );
    END IF;
    RETURN planned.method;
{%- else %}
    RETURN 'local';
{%- endif %}
END
$$;

COMMENT ON FUNCTION pipeline.distribute(regclass) IS 'On Citus, makes a table distributed or a reference table as pipeline.distribution_plan says (once); on PostgreSQL it changes nothing.';
