"""Quality checks: each passes on a clean warehouse and returns exactly the corrupted rows.

The clean warehouse is built once per module (three dirty generated batches, with
quarantined and waiting rows). Every corruption is a direct UPDATE / DELETE / INSERT made
in a transaction that is rolled back after the check ran, so the tests share the database
without seeing each other's damage. The CLI tests use a database of their own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pytest
from conftest import Database, fresh_database, run_cli, run_ok, write_batch

import pipeline_orchestrator as orchestrator

pytestmark = pytest.mark.every_server

CHECKS = sorted((orchestrator.SQL_DIR / "90_quality").glob("*.sql"))


def check_path(name: str) -> Path:
    return next(p for p in CHECKS if p.stem.startswith(name))


def check_sql(name: str, conn) -> str:
    """The check as the pipeline renders it for this server (PostgreSQL release, Citus or not)."""
    return orchestrator.render_sql(check_path(name), orchestrator.load_settings(), orchestrator.detect_target(conn))


@pytest.fixture(scope="module")
def clean_db(server, small_data: Path):
    """One pipeline run on small_data, shared by this module's read-only and rolled-back tests."""
    with fresh_database(server) as database:
        run_ok(database, small_data)
        yield database


def rows_after(db: Database, check: str, *corruption: str, scope: dict[str, str] | None = None) -> list[tuple]:
    """Apply the corruption, run the check, roll everything back; return the offending rows.
    scope: the check scope settings, set as the orchestrator sets them (Runner.set_local)."""
    conn = psycopg2.connect(db.url)
    try:
        sql = check_sql(check, conn)
        with conn.cursor() as cur:
            if scope and orchestrator.detect_target(conn).citus:
                cur.execute("SET LOCAL citus.propagate_set_commands = 'local'")
            for name, value in (scope or {}).items():
                cur.execute(f"SET LOCAL {name} = %s", (value,))
            for statement in corruption:
                cur.execute(statement)
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.parametrize("path", CHECKS, ids=[p.stem for p in CHECKS])
def test_every_check_passes_on_the_clean_run(clean_db, path):
    assert rows_after(clean_db, path.stem) == []
    assert clean_db.query("SELECT severity, failing_rows FROM pipeline.quality_results WHERE check_name = %s", (path.stem,)) == [
        ("warn" if "severity:    warn" in path.read_text() else "error", 0)
    ]


def test_clean_run_exercised_quarantine_waiting_and_versions(clean_db):
    """The clean data set is not trivially clean: the checks above saw every case."""
    assert clean_db.scalar("SELECT count(*) > 0 FROM pipeline.rejected_rows WHERE source_file = 'transaction_items.csv'") is True
    assert clean_db.scalar("SELECT count(DISTINCT customer_id) > 0 FROM warehouse.dim_customers WHERE NOT is_current") is True
    assert clean_db.scalar("SELECT count(DISTINCT product_id) > 0 FROM warehouse.dim_products WHERE NOT is_current") is True


# ----------------------------------------------------------------------------- 910


def changed_customer(db: Database) -> tuple[str, int, int, date]:
    """A customer with two or more versions: id, first and second key, the date between them."""
    return db.query(
        "SELECT d1.customer_id, d1.customer_key, d2.customer_key, d2.valid_from "
        "FROM warehouse.dim_customers AS d1 INNER JOIN warehouse.dim_customers AS d2 "
        "ON d1.customer_id = d2.customer_id AND d1.valid_to = d2.valid_from "
        "WHERE d1.valid_from = '1900-01-01' ORDER BY d1.customer_id LIMIT 1"
    )[0]


def test_intervals_overlap_detected(clean_db):
    customer_id, _, second_key, _ = changed_customer(clean_db)
    rows = rows_after(
        clean_db, "910", f"UPDATE warehouse.dim_customers SET valid_from = valid_from - 1 WHERE customer_key = {second_key}"
    )
    assert [(r[0], r[1], r[2], r[-1]) for r in rows] == [
        ("dim_customers", customer_id, second_key, "overlaps the previous version")
    ]


def test_intervals_gap_detected(clean_db):
    customer_id, first_key, second_key, changed = changed_customer(clean_db)
    rows = rows_after(
        clean_db, "910", f"UPDATE warehouse.dim_customers SET valid_to = valid_to - 1 WHERE customer_key = {first_key}"
    )
    assert [(r[0], r[1], r[2], r[6], r[-1]) for r in rows] == [
        ("dim_customers", customer_id, second_key, date.fromordinal(changed.toordinal() - 1), "gap after the previous version")
    ]


def test_intervals_bad_ends_and_current_flag_detected(clean_db):
    (first_product, first_key), (last_product, last_key) = clean_db.query(
        "SELECT product_id, min(product_key) FROM warehouse.dim_products GROUP BY product_id "
        "HAVING count(*) = 1 ORDER BY product_id LIMIT 2"
    )
    customer_id, customer_key = clean_db.query(
        "SELECT customer_id, customer_key FROM warehouse.dim_customers WHERE is_current ORDER BY customer_id LIMIT 1"
    )[0]
    rows = rows_after(
        clean_db,
        "910",
        f"UPDATE warehouse.dim_products SET valid_from = '2000-01-01' WHERE product_key = {first_key}",
        f"UPDATE warehouse.dim_products SET valid_to = '2030-01-01' WHERE product_key = {last_key}",
        f"UPDATE warehouse.dim_customers SET is_current = false WHERE customer_key = {customer_key}",
    )
    assert [(r[0], r[1], r[2], r[-1]) for r in rows] == [
        ("dim_customers", customer_id, customer_key, "is_current does not match valid_to = 9999-12-31"),
        ("dim_products", first_product, first_key, "first version does not start on 1900-01-01"),
        ("dim_products", last_product, last_key, "last version does not end on 9999-12-31"),
    ]


# ----------------------------------------------------------------------------- 920


def fact_of_changed_customer(db: Database) -> tuple[str, int, int, date]:
    """A fact row of a customer with several versions: item, its key, another version's key, date."""
    return db.query(
        "SELECT f.item_id, f.customer_key, other.customer_key, dd.full_date FROM warehouse.fact_sales AS f "
        "INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key "
        "INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key "
        "INNER JOIN warehouse.dim_customers AS other "
        "ON dc.customer_id = other.customer_id AND dc.customer_key != other.customer_key "
        "ORDER BY f.item_id, other.customer_key LIMIT 1"
    )[0]


def line_of(db: Database, item_id: str) -> tuple[date, Decimal]:
    return db.query(
        "SELECT t.transaction_date, ti.line_total FROM production.transaction_items AS ti "
        "INNER JOIN production.transactions AS t ON ti.transaction_id = t.transaction_id WHERE ti.item_id = %s",
        (item_id,),
    )[0]


def test_fact_pointing_at_the_wrong_customer_version_detected(clean_db):
    item_id, _right_key, wrong_key, sales_date = fact_of_changed_customer(clean_db)
    _day, amount = line_of(clean_db, item_id)
    rows = rows_after(clean_db, "920", f"UPDATE warehouse.fact_sales SET customer_key = {wrong_key} WHERE item_id = '{item_id}'")
    assert rows == [(item_id, "customer version not valid on the order date", sales_date, amount, amount)]


def test_fact_pointing_at_another_customers_version_detected(clean_db):
    item_id, customer_id, sales_date = clean_db.query(
        "SELECT f.item_id, dc.customer_id, dd.full_date FROM warehouse.fact_sales AS f "
        "INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key "
        "INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key "
        "ORDER BY f.item_id LIMIT 1"
    )[0]
    wrong_key = clean_db.scalar("SELECT min(customer_key) FROM warehouse.dim_customers WHERE customer_id != %s", (customer_id,))
    _day, amount = line_of(clean_db, item_id)
    rows = rows_after(clean_db, "920", f"UPDATE warehouse.fact_sales SET customer_key = {wrong_key} WHERE item_id = '{item_id}'")
    assert rows == [(item_id, "customer version of another customer", sales_date, amount, amount)]


def test_fact_pointing_at_another_products_version_detected(clean_db):
    item_id, product_id, sales_date = clean_db.query(
        "SELECT f.item_id, dp.product_id, dd.full_date FROM warehouse.fact_sales AS f "
        "INNER JOIN warehouse.dim_date AS dd ON f.date_key = dd.date_key "
        "INNER JOIN warehouse.dim_products AS dp ON f.product_key = dp.product_key "
        "ORDER BY f.item_id LIMIT 1"
    )[0]
    wrong_key = clean_db.scalar("SELECT min(product_key) FROM warehouse.dim_products WHERE product_id != %s", (product_id,))
    _day, amount = line_of(clean_db, item_id)
    rows = rows_after(clean_db, "920", f"UPDATE warehouse.fact_sales SET product_key = {wrong_key} WHERE item_id = '{item_id}'")
    assert rows == [(item_id, "product version of another product", sales_date, amount, amount)]


def test_fact_date_in_two_versions_is_caught_by_the_interval_check(clean_db):
    """920 trusts that versions never overlap (then the version covering a date is the only
    one); 910 is what proves it: stretching a newer version back over its predecessor, so that
    the old one's facts fall in two versions, is reported there."""
    product_id, new_key = clean_db.query(
        "SELECT d1.product_id, d2.product_key "
        "FROM warehouse.dim_products AS d1 INNER JOIN warehouse.dim_products AS d2 "
        "ON d1.product_id = d2.product_id AND d1.valid_to = d2.valid_from "
        "WHERE d1.valid_from = '1900-01-01' "
        "AND d1.product_key IN (SELECT f.product_key FROM warehouse.fact_sales AS f) "
        "ORDER BY d1.product_id LIMIT 1"
    )[0]
    rows = rows_after(
        clean_db, "910", f"UPDATE warehouse.dim_products SET valid_from = '1900-01-02' WHERE product_key = {new_key}"
    )
    assert [(r[0], r[1], r[2], r[-1]) for r in rows] == [("dim_products", product_id, new_key, "overlaps the previous version")]


# ----------------------------------------------------------------------------- 930


def busiest_day(db: Database) -> int:
    return db.scalar("SELECT date_key FROM warehouse.agg_daily_sales ORDER BY transactions DESC, date_key LIMIT 1")


@pytest.mark.parametrize(
    "column", ["net_revenue", "gross_amount", "discount_amount", "cost_amount", "profit_amount", "average_order_value"]
)
def test_agg_one_cent_off_detected(clean_db, column):
    day = busiest_day(clean_db)
    rows = rows_after(clean_db, "930", f"UPDATE warehouse.agg_daily_sales SET {column} = {column} + 0.01 WHERE date_key = {day}")
    assert [(r[0], r[1]) for r in rows] == [(day, "measures differ from fact_sales")]
    stored, expected = rows[0][2], rows[0][3]
    assert Decimal(str(stored[column])) - Decimal(str(expected[column])) == Decimal("0.01")


@pytest.mark.parametrize("column", ["transactions", "items", "units", "distinct_customers", "new_customers", "repeat_customers"])
def test_agg_count_off_by_one_detected(clean_db, column):
    day = busiest_day(clean_db)
    rows = rows_after(clean_db, "930", f"UPDATE warehouse.agg_daily_sales SET {column} = {column} + 1 WHERE date_key = {day}")
    assert [(r[0], r[1]) for r in rows] == [(day, "measures differ from fact_sales")]


def test_agg_check_scoped_to_a_batch_reads_only_its_days_and_a_full_check_reads_all(clean_db):
    """A scoped check (as a daily run sets it) and a full one take different paths through 930:
    both recompute every measure, new customers included, for the days they cover."""
    last_batch = clean_db.scalar("SELECT max(batch_id) FROM warehouse.fact_sales")
    in_scope = clean_db.scalar("SELECT min(date_key) FROM warehouse.fact_sales WHERE batch_id = %s", (last_batch,))
    out_of_scope = clean_db.scalar(
        "SELECT min(a.date_key) FROM warehouse.agg_daily_sales AS a WHERE a.date_key NOT IN "
        "(SELECT f.date_key FROM warehouse.fact_sales AS f WHERE f.batch_id = %s)",
        (last_batch,),
    )
    assert None not in (in_scope, out_of_scope)
    days = f"{in_scope}, {out_of_scope}"
    damage = f"UPDATE warehouse.agg_daily_sales SET new_customers = new_customers + 1 WHERE date_key IN ({days})"
    scope = {"pipeline.check_scope_start": last_batch, "pipeline.check_since": "infinity"}
    scoped = rows_after(clean_db, "930", damage, scope=scope)
    assert [(r[0], r[1]) for r in scoped] == [(in_scope, "measures differ from fact_sales")]
    assert scoped[0][2]["new_customers"] == scoped[0][3]["new_customers"] + 1
    full = rows_after(clean_db, "930", damage)
    assert [(r[0], r[1]) for r in full] == sorted(
        [(in_scope, "measures differ from fact_sales"), (out_of_scope, "measures differ from fact_sales")]
    )


def test_agg_missing_and_extra_days_detected(clean_db):
    day = busiest_day(clean_db)
    empty_day = clean_db.scalar(
        "SELECT max(d.date_key) FROM warehouse.dim_date AS d "
        "WHERE d.date_key NOT IN (SELECT f.date_key FROM warehouse.fact_sales AS f)"
    )
    rows = rows_after(
        clean_db,
        "930",
        f"DELETE FROM warehouse.agg_daily_sales WHERE date_key = {day}",
        "INSERT INTO warehouse.agg_daily_sales (date_key, sales_date, transactions, items, units, gross_amount, "
        "discount_amount, net_revenue, cost_amount, profit_amount, distinct_customers, new_customers, "
        f"repeat_customers, average_order_value) SELECT date_key, full_date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 "
        f"FROM warehouse.dim_date WHERE date_key = {empty_day}",
    )
    assert [(r[0], r[1]) for r in rows] == sorted(
        [
            (day, "day missing from agg_daily_sales"),
            (empty_day, "day in agg_daily_sales without sales"),
        ]
    )


# ----------------------------------------------------------------------------- 920: facts and production lines


def three_items(db: Database) -> list[tuple[str, Decimal]]:
    return db.query("SELECT item_id, net_amount FROM warehouse.fact_sales ORDER BY item_id LIMIT 3")


def test_fact_missing_extra_and_different_amount_detected(clean_db):
    (missing, missing_total), (extra, extra_net), (different, different_net) = three_items(clean_db)
    missing_day, _ = line_of(clean_db, missing)
    different_day, _ = line_of(clean_db, different)
    rows = rows_after(
        clean_db,
        "920",
        f"DELETE FROM warehouse.fact_sales WHERE item_id = '{missing}'",
        f"DELETE FROM production.transaction_items WHERE item_id = '{extra}'",
        "UPDATE warehouse.fact_sales SET net_amount = net_amount + 0.01, discount_amount = discount_amount - 0.01, "
        f"profit_amount = profit_amount + 0.01 WHERE item_id = '{different}'",
    )
    assert rows == [
        (missing, "production line without a fact", missing_day, missing_total, None),
        (extra, "fact without a production line", None, None, extra_net),
        (different, "different amount", different_day, different_net, different_net + Decimal("0.01")),
    ]


def test_lines_of_an_unfinished_batch_are_not_expected_in_the_fact(clean_db):
    (item, _), *_ = three_items(clean_db)
    last_batch = clean_db.scalar("SELECT max(batch_id) FROM pipeline.batches")
    rows = rows_after(
        clean_db,
        "920",
        f"UPDATE pipeline.batches SET status = 'produced' WHERE batch_id = '{last_batch}'",
        f"UPDATE production.transaction_items SET line_total = line_total + 1, last_batch_id = '{last_batch}' "
        f"WHERE item_id = '{item}'",
    )
    assert rows == []


def test_quantities_swapped_within_an_order_detected(clean_db):
    """The order's count of units is unchanged, so only a comparison per line finds it: the
    sums of hashes per group of orders (920's first pass) must differ for the group."""
    (first, first_qty, second, second_qty), *_ = clean_db.query(
        "SELECT a.item_id, a.quantity, b.item_id, b.quantity FROM warehouse.fact_sales AS a "
        "INNER JOIN warehouse.fact_sales AS b ON a.transaction_id = b.transaction_id AND a.item_id < b.item_id "
        "WHERE a.quantity != b.quantity ORDER BY a.item_id, b.item_id LIMIT 1"
    )
    (first_day, first_total), (second_day, second_total) = line_of(clean_db, first), line_of(clean_db, second)
    rows = rows_after(
        clean_db,
        "920",
        f"UPDATE warehouse.fact_sales SET quantity = {second_qty} WHERE item_id = '{first}'",
        f"UPDATE warehouse.fact_sales SET quantity = {first_qty} WHERE item_id = '{second}'",
    )
    assert rows == [
        (first, "different amount", first_day, first_total, first_total),
        (second, "different amount", second_day, second_total, second_total),
    ]


def test_fact_on_another_day_and_in_another_transaction_detected(clean_db):
    (moved_day, _), (moved_order, _), *_ = three_items(clean_db)
    day, total = line_of(clean_db, moved_day)
    order_day, order_total = line_of(clean_db, moved_order)
    other_order = clean_db.scalar(
        "SELECT min(transaction_id) FROM production.transactions WHERE transaction_id != "
        "(SELECT transaction_id FROM production.transaction_items WHERE item_id = %s)",
        (moved_order,),
    )
    rows = rows_after(
        clean_db,
        "920",
        "UPDATE warehouse.fact_sales SET date_key = (SELECT min(date_key) FROM warehouse.dim_date) "
        f"WHERE item_id = '{moved_day}'",
        # delete and insert: Citus does not update a distribution column
        f"CREATE TEMPORARY TABLE moved AS SELECT * FROM warehouse.fact_sales WHERE item_id = '{moved_order}'",
        f"DELETE FROM warehouse.fact_sales WHERE item_id = '{moved_order}'",
        f"UPDATE moved SET transaction_id = '{other_order}'",
        "INSERT INTO warehouse.fact_sales SELECT * FROM moved",
    )
    assert rows == [
        (moved_day, "fact on another day", day, total, total),
        (moved_order, "fact in another transaction", order_day, order_total, order_total),
    ]


def test_fact_check_on_a_daily_scope_finds_a_changed_fact_of_the_batch_only(clean_db):
    """A daily run's scope: the sums cover the batch's lines and facts only, and a corrupted
    fact of an earlier batch is out of scope (a full check finds it)."""
    last_batch = clean_db.scalar("SELECT max(batch_id) FROM pipeline.batches")
    new_item, old_item = clean_db.query(
        "SELECT (SELECT min(item_id) FROM warehouse.fact_sales WHERE batch_id = %s), "
        "(SELECT min(item_id) FROM warehouse.fact_sales WHERE batch_id < %s)",
        (last_batch, last_batch),
    )[0]
    damage = [
        f"UPDATE warehouse.fact_sales SET quantity = quantity + 1 WHERE item_id IN ('{new_item}', '{old_item}')",
    ]
    scope = {"pipeline.check_scope_start": last_batch}
    assert [r[:2] for r in rows_after(clean_db, "920", *damage, scope=scope)] == [(new_item, "different amount")]
    assert [r[:2] for r in rows_after(clean_db, "920", *damage)] == sorted(
        [(new_item, "different amount"), (old_item, "different amount")]
    )


# ----------------------------------------------------------------------------- 950


def test_unbalanced_and_missing_reconciliation_detected(clean_db):
    first_batch = clean_db.scalar("SELECT min(batch_id) FROM pipeline.batches")
    rows = rows_after(
        clean_db,
        "950",
        f"UPDATE pipeline.reconciliation SET inserted = inserted + 1 WHERE batch_id = '{first_batch}' "
        "AND source_file = 'customers.csv'",
        f"DELETE FROM pipeline.reconciliation WHERE batch_id = '{first_batch}' AND source_file = 'products.csv'",
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (first_batch, "customers.csv", "unbalanced"),
        (first_batch, "products.csv", "not reconciled"),
    ]


# ----------------------------------------------------------------------------- 960


def test_transaction_total_differing_from_its_lines_is_reported(clean_db):
    complete, with_rejected_item = clean_db.query(
        "SELECT (SELECT min(t.transaction_id) FROM production.transactions AS t WHERE t.transaction_id NOT IN "
        "  (SELECT r.raw_row ->> 'transaction_id' FROM pipeline.rejected_rows AS r "
        "   WHERE r.raw_row ->> 'transaction_id' IS NOT NULL)), "
        "(SELECT min(t.transaction_id) FROM production.transactions AS t WHERE t.transaction_id IN "
        "  (SELECT r.raw_row ->> 'transaction_id' FROM pipeline.rejected_rows AS r "
        "   WHERE r.source_file = 'transaction_items.csv'))"
    )[0]
    assert with_rejected_item is not None
    total = clean_db.scalar("SELECT total_amount FROM production.transactions WHERE transaction_id = %s", (complete,))
    rows = rows_after(
        clean_db,
        "960",
        f"UPDATE production.transactions SET total_amount = total_amount + 0.02 WHERE transaction_id = '{complete}'",
        f"UPDATE production.transactions SET total_amount = total_amount + 5 WHERE transaction_id = '{with_rejected_item}'",
    )
    assert [(r[0], r[2], r[5]) for r in rows] == [(complete, total + Decimal("0.02"), Decimal("0.02"))]
    # One cent is within tolerance.
    assert (
        rows_after(
            clean_db,
            "960",
            f"UPDATE production.transactions SET total_amount = total_amount + 0.01 WHERE transaction_id = '{complete}'",
        )
        == []
    )


# ----------------------------------------------------------------------------- CLI


def tiny_warehouse(raw: Path) -> None:
    write_batch(
        raw,
        "2024-01-10",
        customers=[
            ["C1", "Ann", "Leec1", "c1@example.com", "+1 555 0100", "2020-05-01", "Austin", "Texas", "United States", "25-34"]
        ],
        products=[["P1", "Widget P1", "Electronics", "Audio", "10.00", "6.00", "Acme", "10", "S001"]],
        transactions=[
            ["T1", "C1", "2024-01-05", "12:00:00", "Credit Card", "1 Main St, Austin", "10.00"],
            ["T2", "C1", "2024-01-09", "12:00:00", "Credit Card", "1 Main St, Austin", "20.00"],
        ],
        items=[["I1", "T1", "P1", "1", "10.00", "0", "10.00"], ["I2", "T2", "P1", "2", "10.00", "0", "20.00"]],
    )


def test_quality_stage_fails_naming_the_error_check(db, tmp_path):
    raw = tmp_path / "raw"
    tiny_warehouse(raw)
    run_ok(db, raw)
    db.execute("UPDATE warehouse.agg_daily_sales SET net_revenue = net_revenue + 0.01 WHERE date_key = 20240109")
    result = run_cli(db, raw, "run", "--from", "quality", "--to", "quality")
    assert result.returncode == 1
    assert "quality checks failed" in result.stderr
    assert "930_check_agg_daily_sales_matches_fact.sql: 1 offending row(s)" in result.stderr
    assert db.query(
        "SELECT check_name, severity, failing_rows FROM pipeline.quality_results "
        "WHERE run_id = (SELECT max(run_id) FROM pipeline.runs) AND failing_rows > 0"
    ) == [("930_check_agg_daily_sales_matches_fact", "error", 1)]
    assert db.scalar("SELECT status FROM pipeline.runs ORDER BY run_id DESC LIMIT 1") == "failed"


def test_quality_stage_warns_without_failing(db, tmp_path):
    raw = tmp_path / "raw"
    tiny_warehouse(raw)
    run_ok(db, raw)
    db.execute("UPDATE production.transactions SET total_amount = 25.00 WHERE transaction_id = 'T2'")
    result = run_ok(db, raw, "run", "--from", "quality", "--to", "quality")
    assert "960_check_transaction_totals.sql" in result.stdout
    assert "1 offending row(s) [warn]" in result.stdout
    assert db.query(
        "SELECT check_name, severity, failing_rows, sample FROM pipeline.quality_results "
        "WHERE run_id = (SELECT max(run_id) FROM pipeline.runs) AND failing_rows > 0"
    ) == [
        (
            "960_check_transaction_totals",
            "warn",
            1,
            [
                {
                    "transaction_id": "T2",
                    "transaction_date": "2024-01-09",
                    "total_amount": "25.00",
                    "loaded_items": 1,
                    "items_total": "20.00",
                    "difference": "5.00",
                }
            ],
        )
    ]
