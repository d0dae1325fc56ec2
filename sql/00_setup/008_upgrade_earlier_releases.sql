-- =====================================================================
-- 008_upgrade_earlier_releases.sql
-- purpose:     bring a database built by an earlier release to this release's shape:
--              add missing columns; drop retired columns, identities, indexes,
--              functions and tables. A change is made only where the catalog shows
--              it is needed (ALTER TABLE locks a table even when it has nothing to
--              do), so on a current or new database it changes nothing. Runs before
--              010, whose COMMENTs name the added columns; see tests/test_upgrade.py.
-- target:      (the shape of tables built by earlier releases, listed below)
-- grain:       one change per object that needs one
-- reads:       information_schema.columns, information_schema.view_column_usage,
--              pg_catalog.pg_class, pg_catalog.pg_proc, pg_catalog.pg_depend,
--              pg_catalog.pg_sequence
-- rerunnable:  yes (a change already made is not made again)
-- =====================================================================
DO $$
DECLARE
    item record;
BEGIN
    -- columns this release added to tables that earlier releases created
    FOR item IN
        SELECT added.*
        FROM (
            VALUES
            ('pipeline', 'loaded_files', 'line_count', 'bigint'),
            ('pipeline', 'loaded_files', 'modified_ns', 'bigint')
        ) AS added (table_schema, table_name, column_name, column_type)
        WHERE
            to_regclass(format('%I.%I', added.table_schema, added.table_name)) IS NOT NULL
            AND NOT EXISTS (
                SELECT 1 FROM information_schema.columns AS c
                WHERE
                    c.table_schema = added.table_schema
                    AND c.table_name = added.table_name
                    AND c.column_name = added.column_name
            )
    LOOP
        EXECUTE format(
            'ALTER TABLE %I.%I ADD COLUMN %I %s', item.table_schema, item.table_name, item.column_name,
            item.column_type
        );
    END LOOP;

    -- columns earlier releases had: per-row copies of per-file facts in staging, the md5
    -- source hashes (rows are compared column by column now), timestamps of the large tables.
    -- An analytics view that reads one of them (an earlier 480 selected f.*) is dropped
    -- first; the analytics stage of the same run creates it again.
    FOR item IN
        SELECT DISTINCT u.view_schema, u.view_name
        FROM information_schema.view_column_usage AS u
        WHERE
            u.view_schema = 'analytics'
            AND (u.table_schema, u.table_name, u.column_name) IN (
                ('warehouse', 'fact_sales', 'created_at'), ('warehouse', 'fact_sales', 'updated_at'),
                ('warehouse', 'dim_customers', 'attribute_hash'), ('warehouse', 'dim_products', 'attribute_hash')
            )
    LOOP
        EXECUTE format('DROP VIEW %I.%I', item.view_schema, item.view_name);
    END LOOP;

    FOR item IN
        SELECT c.table_schema, c.table_name, c.column_name
        FROM information_schema.columns AS c
        INNER JOIN (
            VALUES
            ('staging', 'customers', 'batch_id'), ('staging', 'customers', 'source_file'),
            ('staging', 'customers', 'loaded_at'), ('staging', 'products', 'batch_id'),
            ('staging', 'products', 'source_file'), ('staging', 'products', 'loaded_at'),
            ('staging', 'transactions', 'batch_id'), ('staging', 'transactions', 'source_file'),
            ('staging', 'transactions', 'loaded_at'), ('staging', 'transaction_items', 'batch_id'),
            ('staging', 'transaction_items', 'source_file'), ('staging', 'transaction_items', 'loaded_at'),
            ('staging', 'transaction_items_waiting', 'source_file'),
            ('production', 'customers', 'source_hash'), ('production', 'products', 'source_hash'),
            ('production', 'transactions', 'source_hash'), ('production', 'transactions', 'created_at'),
            ('production', 'transactions', 'updated_at'), ('production', 'transaction_items', 'source_hash'),
            ('production', 'transaction_items', 'created_at'), ('production', 'transaction_items', 'updated_at'),
            ('warehouse', 'dim_customers', 'attribute_hash'), ('warehouse', 'dim_products', 'attribute_hash'),
            ('warehouse', 'fact_sales', 'created_at'), ('warehouse', 'fact_sales', 'updated_at')
        ) AS retired (table_schema, table_name, column_name)
            ON
                c.table_schema = retired.table_schema
                AND c.table_name = retired.table_name
                AND c.column_name = retired.column_name
    LOOP
        EXECUTE format('ALTER TABLE %I.%I DROP COLUMN %I', item.table_schema, item.table_name, item.column_name);
    END LOOP;

    -- identity columns: keys are the largest in use plus a row number now (see
    -- 214_merge_countries.sql); staging line numbers may be renumbered (060)
    FOR item IN
        SELECT c.table_schema, c.table_name, c.column_name, c.table_schema = 'staging' AS keep_default
        FROM information_schema.columns AS c
        INNER JOIN (
            VALUES
            ('production', 'countries', 'country_id'), ('production', 'states', 'state_id'),
            ('production', 'cities', 'city_id'), ('production', 'categories', 'category_id'),
            ('production', 'sub_categories', 'sub_category_id'), ('production', 'brands', 'brand_id'),
            ('production', 'payment_methods', 'payment_method_id'),
            ('warehouse', 'dim_customers', 'customer_key'), ('warehouse', 'dim_products', 'product_key'),
            ('staging', 'customers', 'line_number'), ('staging', 'products', 'line_number'),
            ('staging', 'transactions', 'line_number'), ('staging', 'transaction_items', 'line_number')
        ) AS retired (table_schema, table_name, column_name)
            ON
                c.table_schema = retired.table_schema
                AND c.table_name = retired.table_name
                AND c.column_name = retired.column_name
        WHERE c.is_identity = 'YES' AND (c.table_schema != 'staging' OR c.identity_generation = 'ALWAYS')
    LOOP
        IF item.keep_default THEN
            EXECUTE format(
                'ALTER TABLE %I.%I ALTER COLUMN %I SET GENERATED BY DEFAULT',
                item.table_schema, item.table_name, item.column_name
            );
        ELSE
            EXECUTE format(
                'ALTER TABLE %I.%I ALTER COLUMN %I DROP IDENTITY', item.table_schema, item.table_name,
                item.column_name
            );
        END IF;
    END LOOP;

    -- staging tables earlier releases left to autovacuum (100-130 say why not)
    FOR item IN
        SELECT c.oid::regclass AS table_name
        FROM pg_catalog.pg_class AS c
        WHERE
            c.oid IN (
                to_regclass('staging.customers'), to_regclass('staging.products'),
                to_regclass('staging.transactions'), to_regclass('staging.transaction_items')
            )
            AND NOT coalesce('autovacuum_enabled=false' = ANY(c.reloptions), FALSE)
    LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', item.table_name);
    END LOOP;

    -- staged line numbers earlier releases drew one by one (100-130 say why not)
    FOR item IN
        SELECT d.refobjid::regclass AS table_name
        FROM pg_catalog.pg_depend AS d
        INNER JOIN pg_catalog.pg_sequence AS q ON d.objid = q.seqrelid
        WHERE
            d.refobjid IN (
                to_regclass('staging.customers'), to_regclass('staging.products'),
                to_regclass('staging.transactions'), to_regclass('staging.transaction_items')
            )
            AND d.deptype = 'i'
            AND q.seqcache = 1
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN line_number SET CACHE 1000', item.table_name);
    END LOOP;

    -- indexes no query of this release uses, and tables and functions it no longer has
    FOR item IN
        SELECT retired.name
        FROM (
            VALUES
            ('production.transactions_customer_id_idx'), ('production.transactions_transaction_date_idx'),
            ('production.transaction_items_product_id_idx'), ('warehouse.fact_sales_product_key_idx'),
            ('warehouse.fact_sales_transaction_id_idx')
        ) AS retired (name)
        WHERE to_regclass(retired.name) IS NOT NULL
    LOOP
        EXECUTE format('DROP INDEX %s', item.name);
    END LOOP;

    FOR item IN
        SELECT retired.name
        FROM (
            VALUES
            ('staging.fact_sales_rows'), ('staging.transactions_cleaned'), ('staging.transaction_items_cleaned')
        ) AS retired (name)
        WHERE to_regclass(retired.name) IS NOT NULL
    LOOP
        EXECUTE format('DROP TABLE %s', item.name);
    END LOOP;

    FOR item IN
        SELECT p.oid::regprocedure AS signature
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'pipeline'::regnamespace AND p.proname IN ('drop_keys_if_empty', 'check_scope_batch_ids')
    LOOP
        EXECUTE format('DROP FUNCTION %s', item.signature);
    END LOOP;
END
$$;
