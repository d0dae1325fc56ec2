-- =====================================================================
-- 285_merge_transactions_waiting.sql
-- purpose:     keep exactly the transactions rows still waiting for their customer:
--              drop the ones this batch resolved, add this batch's new ones
-- target:      staging.transactions_waiting
-- grain:       one row per raw transactions row still waiting
-- reads:       staging.transactions_checked, staging.transactions
-- rerunnable:  yes (the result depends only on the checked outcomes)
-- =====================================================================
DELETE FROM staging.transactions_waiting AS w
WHERE NOT EXISTS (
    SELECT 1 FROM staging.transactions_checked AS c
    WHERE
        c.batch_id = w.batch_id
        AND c.line_number = w.line_number
        AND c.outcome = 'waiting'
);

INSERT INTO staging.transactions_waiting (
    transaction_id, customer_id, transaction_date, transaction_time, payment_method, shipping_address, total_amount,
    batch_id, line_number, loaded_at
)
SELECT
    s.transaction_id,
    s.customer_id,
    s.transaction_date,
    s.transaction_time,
    s.payment_method,
    s.shipping_address,
    s.total_amount,
    c.batch_id,
    s.line_number,
    now()
FROM staging.transactions AS s
INNER JOIN staging.transactions_checked AS c
    ON c.batch_id = current_setting('pipeline.batch_id') AND s.line_number = c.line_number
WHERE c.outcome = 'waiting'
ON CONFLICT ON CONSTRAINT transactions_waiting_pkey DO NOTHING;
