-- =====================================================================
-- 290_check_reconciliation.sql
-- purpose:     fail the production stage (and so roll it back) when any file of
--              the batch does not balance, or when the waiting table does not hold
--              exactly the rows the reconciliation says are waiting
-- target:      (none: raises an error on a mismatch)
-- grain:       one check per batch
-- reads:       pipeline.reconciliation, staging.transaction_items_waiting
-- rerunnable:  yes (reads only)
-- =====================================================================
DO $$
DECLARE
    unbalanced record;
    waiting_rows bigint;
    waiting_expected bigint;
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

    SELECT count(*) INTO waiting_rows FROM staging.transaction_items_waiting;
    SELECT r.waiting_out INTO waiting_expected
    FROM pipeline.reconciliation AS r
    WHERE r.batch_id = current_setting('pipeline.batch_id') AND r.source_file = 'transaction_items.csv';

    IF waiting_rows != waiting_expected THEN
        RAISE EXCEPTION 'reconciliation failed: % item rows waiting, % expected', waiting_rows, waiting_expected;
    END IF;
END
$$;
