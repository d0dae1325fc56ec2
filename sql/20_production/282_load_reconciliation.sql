-- =====================================================================
-- 282_load_reconciliation.sql
-- purpose:     prove that no row was lost: for each file of the batch, count the
--              rows COPY read (the ledger), the rows in staging, the rows retried
--              from earlier batches, and every outcome the checked tables decided
-- target:      pipeline.reconciliation
-- grain:       one row per batch and file
-- reads:       pipeline.loaded_files, staging.customers, staging.products,
--              staging.transactions, staging.transaction_items,
--              staging.transactions_waiting, staging.transaction_items_waiting,
--              staging.customers_checked, staging.products_checked,
--              staging.transactions_checked, staging.transaction_items_checked
-- rerunnable:  yes (upsert on batch and file)
-- =====================================================================
INSERT INTO pipeline.reconciliation (
    batch_id, source_file, ledger_rows, raw_rows, waiting_in,
    inserted, updated, duplicates, superseded, quarantined, waiting_out
)
WITH staged AS (
    SELECT
        'customers.csv' AS source_file,
        (SELECT count(*) FROM staging.customers) AS raw_rows,
        0 AS waiting_in
    UNION ALL
    SELECT
        'products.csv',
        (SELECT count(*) FROM staging.products),
        0
    UNION ALL
    SELECT
        'transactions.csv',
        (SELECT count(*) FROM staging.transactions),
        (SELECT count(*) FROM staging.transactions_waiting)
    UNION ALL
    SELECT
        'transaction_items.csv',
        (SELECT count(*) FROM staging.transaction_items),
        (SELECT count(*) FROM staging.transaction_items_waiting)
),

outcomes AS (
    SELECT
        'customers.csv' AS source_file,
        c.outcome
    FROM staging.customers_checked AS c
    UNION ALL
    SELECT
        'products.csv',
        p.outcome
    FROM staging.products_checked AS p
    UNION ALL
    SELECT
        'transactions.csv',
        t.outcome
    FROM staging.transactions_checked AS t
    UNION ALL
    SELECT
        'transaction_items.csv',
        i.outcome
    FROM staging.transaction_items_checked AS i
),

counted AS (
    SELECT
        o.source_file,
        count(*) FILTER (WHERE o.outcome = 'inserted') AS inserted,
        count(*) FILTER (WHERE o.outcome = 'updated') AS updated,
        count(*) FILTER (WHERE o.outcome = 'duplicate') AS duplicates,
        count(*) FILTER (WHERE o.outcome = 'superseded') AS superseded,
        count(*) FILTER (WHERE o.outcome = 'quarantined') AS quarantined,
        count(*) FILTER (WHERE o.outcome = 'waiting') AS waiting_out
    FROM outcomes AS o
    GROUP BY o.source_file
)

SELECT
    f.batch_id,
    f.file_name,
    f.row_count,
    s.raw_rows,
    s.waiting_in,
    coalesce(c.inserted, 0),
    coalesce(c.updated, 0),
    coalesce(c.duplicates, 0),
    coalesce(c.superseded, 0),
    coalesce(c.quarantined, 0),
    coalesce(c.waiting_out, 0)
FROM pipeline.loaded_files AS f
INNER JOIN staged AS s ON f.file_name = s.source_file
LEFT JOIN counted AS c ON f.file_name = c.source_file
WHERE f.batch_id = current_setting('pipeline.batch_id')
ON CONFLICT ON CONSTRAINT reconciliation_pkey DO UPDATE SET
    ledger_rows = excluded.ledger_rows,
    raw_rows = excluded.raw_rows,
    waiting_in = excluded.waiting_in,
    inserted = excluded.inserted,
    updated = excluded.updated,
    duplicates = excluded.duplicates,
    superseded = excluded.superseded,
    quarantined = excluded.quarantined,
    waiting_out = excluded.waiting_out,
    reconciled_at = excluded.reconciled_at;
