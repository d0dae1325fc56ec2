"""The walking skeleton end to end: every layer, exact counts, re-runs, stages, render, failures, lock."""

from __future__ import annotations

import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from conftest import (
    CUSTOMERS,
    ITEMS,
    PRODUCTS,
    ROOT,
    TRANSACTIONS,
    fresh_database,
    run_cli,
    run_ok,
    table_counts,
    warehouse_fingerprint,
    write_batch,
)

pytestmark = pytest.mark.every_server


def hand_written(tmp_path: Path) -> Path:
    data = tmp_path / "raw"
    write_batch(data, "2024-12-31", customers=CUSTOMERS, products=PRODUCTS, transactions=TRANSACTIONS, items=ITEMS)
    return data


def test_end_to_end_exact_rows_in_every_layer(db, tmp_path):
    data = hand_written(tmp_path)
    result = run_ok(db, data)
    # progress: a line per stage and batch, then the run's summary
    assert [" ".join(line.split()[:-2]) for line in result.stdout.splitlines()[:6]] == [
        "setup 11 file(s) applied",
        "staging 2024-12-31 13 rows from 4 files",
        "production 2024-12-31 13 rows in: 9 loaded, 0 repeated, 4 quarantined, 0 waiting",
        "warehouse 2024-12-31 3 fact rows, 2 customer and 2 product versions written",
        "analytics 10 view(s) created",
        "quality 8 checks: 8 passed, 0 warned, 0 failed",
    ]
    assert result.stdout.splitlines()[6].startswith("run 1 succeeded in ")
    assert "  quarantined  4 rows by this run: " in result.stdout

    assert db.query("SELECT file_name, row_count, line_count FROM pipeline.loaded_files ORDER BY 1") == [
        ("customers.csv", 3, 4),
        ("products.csv", 2, 3),
        ("transaction_items.csv", 5, 6),
        ("transactions.csv", 3, 4),
    ]
    # staging and the scratch tables are emptied once production holds the batch
    staging = table_counts(db, "staging")
    assert {k: staging[k] for k in ("customers", "products", "transactions", "transaction_items")} == {
        "customers": 0,
        "products": 0,
        "transactions": 0,
        "transaction_items": 0,
    }
    assert not [t for t in staging if t.endswith(("_checked", "_changes"))]
    production = table_counts(db, "production")
    assert production == {
        "brands": 2,
        "categories": 2,
        "cities": 2,
        "countries": 1,
        "customers": 2,
        "customers_history": 2,
        "payment_methods": 2,
        "products": 2,
        "products_history": 2,
        "states": 2,
        "sub_categories": 2,
        "suppliers": 2,
        "transaction_items": 3,
        "transactions": 2,
    }
    assert table_counts(db, "warehouse") == {
        "agg_daily_sales": 1,
        "dim_customers": 2,
        "dim_date": 1096,
        "dim_payment_methods": 2,
        "dim_products": 2,
        "fact_sales": 3,
    }
    assert db.query(
        "SELECT source_file, line_number, record_id, rule_name FROM pipeline.rejected_rows ORDER BY source_file, line_number"
    ) == [
        ("customers.csv", 4, "C3", "invalid_email"),
        ("transaction_items.csv", 5, "I4", "parent_rejected"),
        ("transaction_items.csv", 6, "I5", "quantity_not_positive"),
        ("transactions.csv", 4, "T3", "parent_rejected"),
    ]
    assert db.query("SELECT * FROM warehouse.agg_daily_sales")[0][:14] == (
        20240105,
        __import__("datetime").date(2024, 1, 5),
        2,
        3,
        4,
        Decimal("1030.00"),
        Decimal("2.00"),
        Decimal("1028.00"),
        Decimal("712.00"),
        Decimal("316.00"),
        2,
        2,
        0,
        Decimal("514.00"),
    )
    assert db.query("SELECT bool_and(is_balanced), sum(raw_rows), sum(quarantined) FROM pipeline.reconciliation") == [
        (True, Decimal(13), Decimal(4))
    ]
    assert db.query("SELECT status FROM pipeline.runs") == [("succeeded",)]

    status = run_ok(db, data, "status", "1")
    assert "run 1: succeeded" in status.stdout and "sql/30_warehouse/360_merge_fact_sales.sql" in status.stdout


@pytest.mark.slow
def test_rerunning_the_same_data_changes_nothing(db, small_data):
    run_ok(db, small_data)
    before = {s: table_counts(db, s) for s in ("production", "warehouse")}
    fingerprint = warehouse_fingerprint(db)
    rejected = db.scalar("SELECT count(*) FROM pipeline.rejected_rows")

    again = run_ok(db, small_data)
    assert "no new batch to load" in again.stdout
    assert {s: table_counts(db, s) for s in ("production", "warehouse")} == before
    assert warehouse_fingerprint(db) == fingerprint
    assert db.scalar("SELECT count(*) FROM pipeline.rejected_rows") == rejected
    assert db.query("SELECT status, count(*) FROM pipeline.runs GROUP BY 1") == [("succeeded", 2)]


@pytest.mark.slow
def test_one_stage_at_a_time(db, tmp_path):
    data = hand_written(tmp_path)
    run_ok(db, data, "staging")
    assert db.scalar("SELECT count(*) FROM staging.transaction_items") == 5
    assert db.scalar("SELECT to_regclass('production.customers')") is None
    assert db.query("SELECT batch_id, status FROM pipeline.batches") == [("2024-12-31", "staged")]

    run_ok(db, data, "production")
    assert db.scalar("SELECT count(*) FROM production.transaction_items") == 3
    assert db.scalar("SELECT to_regclass('warehouse.fact_sales')") is None

    run_ok(db, data, "warehouse")
    assert db.scalar("SELECT sum(net_amount) FROM warehouse.fact_sales") == Decimal("1028.00")
    assert db.query("SELECT status FROM pipeline.batches") == [("complete",)]

    run_ok(db, data, "analytics")
    assert db.scalar("SELECT count(*) FROM analytics.revenue_by_category_month") == 2
    quality = run_ok(db, data, "quality", "-v")
    assert "900_check_scd2_one_current_version.sql" in quality.stdout


@pytest.mark.slow
def test_render_output_runs_in_psql_to_the_same_result(db, server, tmp_path):
    """The README's DBA example: each stage rendered and run with psql, in order, records
    itself as a run does, so the result equals a run and the next run repeats nothing."""
    data = hand_written(tmp_path)
    run_ok(db, data)

    with fresh_database(server) as other:
        for stage in ("setup", "staging", "production", "warehouse", "analytics"):
            # render defaults to the batch the stage would process next, here the only one
            script = run_ok(other, data, "render", stage).stdout
            assert ("\\copy staging.customers" in script) == (stage == "staging")
            result = subprocess.run(
                [server.psql(), other.url, "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], input=script, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
        assert warehouse_fingerprint(other) == warehouse_fingerprint(db)
        assert other.query("SELECT command, status FROM pipeline.runs ORDER BY run_id") == [
            (
                f"psql: render {stage}" + (" --batch 2024-12-31" if stage in ("staging", "production", "warehouse") else ""),
                "succeeded",
            )
            for stage in ("staging", "production", "warehouse", "analytics")
        ]
        assert other.query("SELECT batch_id, status FROM pipeline.batches") == [("2024-12-31", "complete")]
        assert other.query("SELECT file_name, row_count, line_count, sha256 FROM pipeline.loaded_files ORDER BY 1") == db.query(
            "SELECT file_name, row_count, line_count, sha256 FROM pipeline.loaded_files ORDER BY 1"
        )
        again = run_ok(other, data)
        assert "no new batch to load" in again.stdout


def test_failing_sql_file_rolls_back_its_stage_and_names_file_and_line(db, tmp_path):
    data = hand_written(tmp_path)
    sql_copy = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", sql_copy)
    (sql_copy / "30_warehouse" / "365_load_broken.sql").write_text(
        "-- a DBA's edit gone wrong\nSELECT 1;\n\nSELECT count(*)\nFROM warehouse.no_such_table;\n"
    )

    result = run_cli(db, data, env={"PIPELINE_SQL_DIR": str(sql_copy)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "sql/30_warehouse/365_load_broken.sql, line 5" in result.stderr or "365_load_broken.sql, line 5" in result.stderr
    assert 'relation "warehouse.no_such_table" does not exist' in result.stderr
    # The warehouse stage rolled back whole: not even its tables exist; production committed.
    assert db.scalar("SELECT to_regclass('warehouse.fact_sales')") is None
    assert db.scalar("SELECT count(*) FROM production.transaction_items") == 3
    assert db.query("SELECT status FROM pipeline.batches") == [("produced",)]
    assert db.query("SELECT status FROM pipeline.runs") == [("failed",)]
    outcomes = dict(db.query("SELECT sql_file, outcome FROM pipeline.steps WHERE stage = 'warehouse'"))
    assert outcomes[f"{sql_copy}/30_warehouse/365_load_broken.sql"] == "failed"
    assert outcomes[f"{sql_copy}/30_warehouse/360_merge_fact_sales.sql"] == "rolled back"

    # Fixed, the next run resumes at the warehouse stage and completes.
    run_ok(db, data)
    assert db.scalar("SELECT count(*) FROM warehouse.fact_sales") == 3


def test_a_second_run_exits_at_once_while_one_holds_the_lock(db, tmp_path):
    data = hand_written(tmp_path)
    run_ok(db, data, "staging")
    holder = psycopg2.connect(db.url)
    with holder.cursor() as cur:
        cur.execute("SELECT FROM pipeline.run_lock FOR UPDATE")
    try:
        started = time.monotonic()
        result = run_cli(db, data)
        assert result.returncode == 3
        assert "Another pipeline run is in progress" in result.stderr
        assert time.monotonic() - started < 10
    finally:
        holder.close()
    assert db.query("SELECT status FROM pipeline.batches") == [("staged",)]


@pytest.mark.slow
def test_two_runs_started_together_load_once(db, small_data):
    import os
    import sys

    env = {**os.environ, "DATABASE_URL": db.url, "PIPELINE_DATA_DIR": str(small_data)}
    cmd = [sys.executable, str(ROOT / "pipeline_orchestrator.py")]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Start the second once the first holds the lock.
    for _ in range(200):
        held = db.scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'relation' AND granted "
            "AND relation = to_regclass('pipeline.run_lock')"
        )
        if held:
            break
        time.sleep(0.05)
    second = subprocess.run(cmd, env=env, capture_output=True, text=True)
    first.communicate(timeout=600)
    assert first.returncode == 0
    assert second.returncode == 3, second.stderr
    assert "Another pipeline run is in progress" in second.stderr
    assert db.scalar("SELECT count(*) FROM pipeline.loaded_files") == 3 * 4
    assert db.scalar("SELECT count(*) FROM warehouse.fact_sales") == db.scalar(
        "SELECT count(*) FROM production.transaction_items"
    )
