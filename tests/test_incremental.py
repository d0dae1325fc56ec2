"""Incremental, idempotent, recoverable runs (issue 6): every way of loading gives one warehouse."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, fresh_database, run_cli, run_ok, warehouse_fingerprint

import generators

pytestmark = [pytest.mark.slow, pytest.mark.every_server]


@pytest.fixture(scope="module")
def ten_batches(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ten") / "raw"
    generators.generate(out, scale=0.05, seed=11, batches=10, defect_rate=0.02, every_defect=True)
    return out


@pytest.fixture
def second_db(server):
    """Another fresh database on the same server."""
    with fresh_database(server) as database:
        yield database


def test_one_by_one_equals_all_at_once_equals_full_refresh(db, second_db, ten_batches, tmp_path):
    # Ten daily batches loaded one by one, as a scheduler would...
    feed = tmp_path / "feed"
    feed.mkdir()
    for folder in sorted(ten_batches.iterdir()):
        shutil.copytree(folder, feed / folder.name)
        run_ok(db, feed)
    one_by_one = warehouse_fingerprint(db)
    assert db.query("SELECT count(*), bool_and(status = 'complete') FROM pipeline.batches") == [(10, True)]
    assert len(one_by_one["dim_customers"]) > db.scalar("SELECT count(*) FROM production.customers"), (
        "the batches carry changes: some customers must have several versions"
    )

    # ...equal the same ten loaded in one run...
    run_ok(second_db, ten_batches)
    assert warehouse_fingerprint(second_db) == one_by_one

    # ...equal a full refresh of the warehouse from production.
    result = run_ok(second_db, ten_batches, "run", "--full-refresh")
    assert "full refresh" in result.stdout
    assert warehouse_fingerprint(second_db) == one_by_one


def test_a_changed_file_under_a_loaded_name_is_refused(db, small_data, tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(small_data, data)
    run_ok(db, data)
    before = warehouse_fingerprint(db)
    batch = sorted(data.iterdir())[1]
    with (batch / "customers.csv").open("a", encoding="utf-8") as fh:
        fh.write("C9999999,New,Person,new.person@example.com,,2024-01-01,,,,\n")

    result = run_cli(db, data)
    assert result.returncode == 1
    assert f"{batch.name}/customers.csv was already loaded with different content" in result.stderr
    assert f"run --reload {batch.name}" in result.stderr
    assert "Traceback" not in result.stderr
    assert warehouse_fingerprint(db) == before


def test_reload_gives_the_same_warehouse_as_a_clean_history_with_the_new_file(db, second_db, small_data, tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(small_data, data)
    run_ok(db, data)
    batch = sorted(data.iterdir())[1]
    # The corrected file: one customer's city changes in the second batch.
    lines = (batch / "customers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append("C9999999,New,Person,new.person@example.com,,2024-01-01,Austin,Texas,United States,25-34\n")
    (batch / "customers.csv").write_text("".join(lines), encoding="utf-8")

    run_ok(db, data, "run", "--reload", batch.name)
    run_ok(second_db, data)
    assert warehouse_fingerprint(db) == warehouse_fingerprint(second_db)
    assert db.scalar("SELECT count(*) FROM warehouse.dim_customers WHERE customer_id = 'C9999999'") == 1
    assert db.query("SELECT bool_and(is_balanced) FROM pipeline.reconciliation") == [(True,)]


def test_killed_in_the_middle_of_the_warehouse_stage_then_rerun(db, second_db, small_data, tmp_path):
    # A copy of the SQL tree with a slow, harmless step in the warehouse stage to aim the kill at.
    sql_copy = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", sql_copy)
    (sql_copy / "30_warehouse" / "365_load_pause.sql").write_text("SELECT pg_sleep(30);\n")
    env = {**os.environ, "DATABASE_URL": db.url, "PIPELINE_DATA_DIR": str(small_data), "PIPELINE_SQL_DIR": str(sql_copy)}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(600):
            if db.scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'"):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the run never reached the warehouse stage")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    # The orphaned backend notices its dead client, rolls back and releases the lock.
    for _ in range(100):
        if not db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pipeline_orchestrator'"):
            break
        time.sleep(0.1)
    assert db.query("SELECT status FROM pipeline.runs") == [("running",)]
    assert db.query("SELECT batch_id, status FROM pipeline.batches") == [
        (sorted(p.name for p in small_data.iterdir())[0], "produced")
    ]

    result = run_ok(db, small_data)
    assert "marked 1 interrupted run(s) as abandoned" in result.stdout
    assert db.query("SELECT run_id, status FROM pipeline.runs ORDER BY run_id") == [(1, "abandoned"), (2, "succeeded")]
    run_ok(second_db, small_data)
    assert warehouse_fingerprint(db) == warehouse_fingerprint(second_db)


def test_a_daily_run_checks_what_it_changed_and_quality_alone_checks_everything(db, ten_batches, tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    folders = sorted(ten_batches.iterdir())
    for folder in folders[:2]:
        shutil.copytree(folder, feed / folder.name)
    run_ok(db, feed)
    # Damage an old day behind the pipeline's back (updated_at untouched).
    first_day = db.scalar("SELECT min(date_key) FROM warehouse.agg_daily_sales")
    db.execute("UPDATE warehouse.agg_daily_sales SET net_revenue = net_revenue + 0.01 WHERE date_key = %s", (first_day,))

    # The next daily run audits the rows it changed: fast, and blind to that old day...
    shutil.copytree(folders[2], feed / folders[2].name)
    daily = run_ok(db, feed, "run", "-v")
    assert "930_check_agg_daily_sales_matches_fact.sql" in daily.stdout

    # ...while the quality stage alone audits everything and fails, naming the check.
    full = run_cli(db, feed, "quality")
    assert full.returncode == 1
    assert "930_check_agg_daily_sales_matches_fact.sql: 1 offending row(s)" in full.stderr
