-- =====================================================================
-- 290_verify_reconciliation.sql
-- purpose:     fail the production stage (and so roll it back) when any file of
--              the batch does not balance, or when a waiting table does not hold
--              exactly the rows the reconciliation says are waiting
-- target:      (none: raises an error on a mismatch)
-- grain:       one verification per batch
-- reads:       pipeline.reconciliation, staging.transactions_waiting,
--              staging.transaction_items_waiting
-- rerunnable:  yes (reads only)
-- =====================================================================
DO $$
DECLARE
    unbalanced record;
    waiting record;
BEGIN
    SELECT r.* INTO unbalanced
    FROM pipeline.reconciliation AS r
    WHERE r.batch_id = current_setting('pipeline.batch_id') AND NOT r.is_balanced
    ORDER BY r.source_file
    LIMIT 1;

    IF FOUND THEN
        RAISE EXCEPTION 'reconciliation failed for batch %, file %', unbalanced.batch_id, unbalanced.source_file
            USING DETAIL = format(
                'ledger %s, staged %s, retried %s; inserted %s + updated %s + duplicates %s + superseded %s '
                || '+ quarantined %s + waiting %s',
                unbalanced.ledger_rows, unbalanced.raw_rows, unbalanced.waiting_in, unbalanced.inserted,
                unbalanced.updated, unbalanced.duplicates, unbalanced.superseded, unbalanced.quarantined,
                unbalanced.waiting_out
            ),
            HINT = 'A transformation dropped or duplicated rows; compare staging.*_checked with staging.';
    END IF;

    FOR waiting IN
        SELECT
            r.source_file,
            r.waiting_out AS expected,
            CASE r.source_file
                WHEN 'transactions.csv' THEN (SELECT count(*) FROM staging.transactions_waiting)
                ELSE (SELECT count(*) FROM staging.transaction_items_waiting)
            END AS held
        FROM pipeline.reconciliation AS r
        WHERE
            r.batch_id = current_setting('pipeline.batch_id')
            AND r.source_file IN ('transactions.csv', 'transaction_items.csv')
    LOOP
        IF waiting.held != waiting.expected THEN
            RAISE EXCEPTION 'reconciliation failed: % % rows waiting, % expected',
                waiting.held, waiting.source_file, waiting.expected;
        END IF;
    END LOOP;
END
$$;
