"""Operator faults (issue 14, "Reliability II"): what an operator, a file feed, a crash or a BI
login can do to a running pipeline, and the exact answer the pipeline gives.

Each test runs the real CLI as a subprocess against a real PostgreSQL and names the issue
item it proves. The orchestrator under test is this repository's; set PIPELINE_UNDER_TEST to
the root of another checkout (for instance a clean clone of a release before issue 14) to run
the same scenarios against it: the fixtures, the data and the assertions stay this
repository's, only the command under test (its pipeline_orchestrator.py and its sql/) changes.

Items 6, 7 and 9 of the issue are proved in test_reliability.py and test_security.py; item 10b
(line numbers after a quoted value that spans lines) in test_malformed_files.py, item 10c (an
order that arrives before its customer) in test_production.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import pytest
from conftest import (
    HEADERS,
    ROOT,
    Database,
    Server,
    as_os_user,
    fresh_database,
    orchestrator,
    start_embedded,
    table_counts,
    warehouse_fingerprint,
    write_batch,
)

import generators

pytestmark = pytest.mark.slow  # end to end: not part of the fast subset (pytest -m "not slow")

UNDER_TEST = Path(os.environ.get("PIPELINE_UNDER_TEST") or ROOT).resolve()

B1 = "2024-03-01"
ANN = "C001,Ann,Lee,ann@example.com,5550100,2024-01-10,Boston,Massachusetts,United States,25-34"
BOB = "C002,Bob,Ray,bob@example.com,5550101,2024-02-01,Austin,Texas,United States,35-44"
LAPTOP = "P001,Laptop One,Electronics,Laptops,1000.00,700.00,Dell,10,S001"
MUG = "P002,Mug,Home & Kitchen,Mugs,10.00,4.00,Acme,100,S002"
ORDERS = [
    "T001,C001,2024-02-20,10:00:00,Credit Card,1 Main St,1010.00",
    "T002,C002,2024-02-21,11:00:00,PayPal,2 Oak St,20.00",
    "T003,C001,2024-02-22,12:00:00,PayPal,1 Main St,10.00",
]
LINES = [
    "I001,T001,P001,1,1000.00,0,1000.00",
    "I002,T001,P002,1,10.00,0,10.00",
    "I003,T002,P002,2,10.00,0,20.00",
    "I004,T003,P002,1,10.00,0,10.00",
]
BI_LOCK_KEY = 72_650_001  # the advisory lock key the pipeline held before issue 14


# --------------------------------------------------------------------------- helpers


def cli_env(db: Database, data_dir: Path, env: dict | None) -> dict:
    return {**os.environ, "DATABASE_URL": db.url, "PIPELINE_DATA_DIR": str(data_dir), "PIPELINE_DASHBOARD": "off", **(env or {})}


def cli(db: Database, data_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the orchestrator under test as a user would, against the test database."""
    return subprocess.run(
        [sys.executable, str(UNDER_TEST / "pipeline_orchestrator.py"), *args],
        cwd=UNDER_TEST,
        env=cli_env(db, data_dir, env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def cli_ok(db: Database, data_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    result = cli(db, data_dir, *args, env=env)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def error_of(result: subprocess.CompletedProcess) -> str:
    """The one error message a failed command printed (stderr is exactly 'error: <message>')."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr.removeprefix("error: ").removesuffix("\n")


def hand_written(root: Path, day: str = B1) -> Path:
    write_batch(root, day, customers=[ANN, BOB], products=[LAPTOP, MUG], transactions=ORDERS, items=LINES)
    return root


def load_one_by_one(db: Database, source: Path, feed: Path) -> list[str]:
    """Copy the batch folders into a feed folder one at a time, a run after each, as a scheduler would."""
    feed.mkdir(parents=True)
    names = sorted(p.name for p in source.iterdir() if p.is_dir())
    for name in names:
        shutil.copytree(source / name, feed / name)
        cli_ok(db, feed)
    return names


def state(db: Database) -> dict:
    """Everything a refused command must leave as it was."""
    return {
        "warehouse": warehouse_fingerprint(db),
        "production": table_counts(db, "production"),
        "batches": db.query("SELECT batch_id, as_of_date, status, run_id FROM pipeline.batches ORDER BY 1"),
        "loaded_files": db.query(
            "SELECT batch_id, file_name, size_bytes, sha256, row_count, run_id FROM pipeline.loaded_files ORDER BY 1, 2"
        ),
        "rejected_rows": db.scalar("SELECT count(*) FROM pipeline.rejected_rows"),
    }


def last_run(db: Database) -> tuple:
    return db.query("SELECT status, error_message FROM pipeline.runs ORDER BY run_id DESC LIMIT 1")[0]


def rejected(db: Database) -> list[tuple]:
    return db.query(
        "SELECT source_file, line_number, record_id, rule_name, reason FROM pipeline.rejected_rows "
        "ORDER BY source_file, line_number"
    )


def as_bi_reader(db: Database) -> psycopg2.extensions.connection:
    """A connection to the test database as the read-only BI login (skips where there is none)."""
    try:
        return psycopg2.connect(psycopg2.extensions.make_dsn(db.url, user="bi_reader"))
    except psycopg2.OperationalError as exc:
        pytest.skip(f"cannot log in as bi_reader here: {exc}")


def wait_until(predicate, process: subprocess.Popen, what: str) -> None:
    """Poll predicate() until it holds; fail if the process ends first (no time is asserted)."""
    for _ in range(2400):
        if predicate():
            return
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the run ended (exit {process.returncode}) before {what}\n{out[-2000:]}\n{err[-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"the run never reached {what}")


@pytest.fixture(scope="module")
def four_batches(tmp_path_factory) -> Path:
    """Four daily batches of dirty generated data (scale 0.05)."""
    out = tmp_path_factory.mktemp("four") / "raw"
    generators.generate(out, scale=0.05, seed=14, batches=4, defect_rate=0.02, every_defect=True)
    return out


# --------------------------------------------------------------------------- item 1: archived folders


def test_full_refresh_rebuilds_every_loaded_batch_after_the_oldest_folder_is_archived(db, four_batches, tmp_path):
    """issue 14 item 1: a full refresh needs only production, not the raw folders."""
    feed = tmp_path / "feed"
    names = load_one_by_one(db, four_batches, feed)
    before = state(db)
    shutil.move(feed / names[0], tmp_path / names[0])

    result = cli_ok(db, feed, "run", "--full-refresh")
    assert "full refresh: rebuilding the warehouse from production" in result.stdout
    refresh = db.scalar("SELECT max(run_id) FROM pipeline.runs")
    assert db.query(
        "SELECT DISTINCT batch_id FROM pipeline.steps WHERE run_id = %s AND stage = 'warehouse' "
        "AND batch_id IS NOT NULL ORDER BY 1",
        (refresh,),
    ) == [(n,) for n in names]
    after = state(db)
    assert after["warehouse"] == before["warehouse"]
    assert after["production"] == before["production"]
    # the replay recorded itself as the run that last touched each batch; nothing else changed
    assert [row[:3] for row in after["batches"]] == [row[:3] for row in before["batches"]]
    assert after["loaded_files"] == before["loaded_files"]
    assert last_run(db) == ("succeeded", None)


def test_reload_refuses_while_a_loaded_batch_folder_is_archived_and_changes_nothing(db, four_batches, tmp_path):
    """issue 14 item 1: a reload replays every batch, so it needs every loaded batch's folder."""
    feed = tmp_path / "feed"
    names = load_one_by_one(db, four_batches, feed)
    before = state(db)
    shutil.move(feed / names[0], tmp_path / names[0])

    result = cli(db, feed, "run", "--reload", names[1])
    assert result.returncode == 1
    message = (
        f"--reload {names[1]} replays every batch from its files, but the folders of batches {names[0]} "
        f"(loaded before) are not under {feed}. Put them back (archived copies are fine) and run the "
        "reload again. Nothing was changed."
    )
    assert error_of(result) == message
    assert state(db) == before
    assert last_run(db) == ("failed", message)

    # Put back, the same reload goes through and gives the same warehouse (the files did not change).
    shutil.move(tmp_path / names[0], feed / names[0])
    cli_ok(db, feed, "run", "--reload", names[1])
    assert warehouse_fingerprint(db) == before["warehouse"]
    assert table_counts(db, "production") == before["production"]


# --------------------------------------------------------------------------- item 2: a file changing mid-run


def test_a_file_truncated_between_the_start_of_the_run_and_its_copy_refuses_the_batch(db, server, tmp_path):
    """issue 14 item 2: the ledger describes the bytes COPY read, or the batch is refused."""
    data = hand_written(tmp_path / "raw")
    transactions = data / B1 / "transactions.csv"
    original = transactions.read_bytes()
    truncated = (HEADERS["transactions.csv"] + "\n" + ORDERS[0] + "\n").encode()
    # A copy of the SQL tree with a step between the COPY of products and the COPY of
    # transactions (165 sorts between them in every release) that waits for the test's lock.
    sql_dir = tmp_path / "sql"
    shutil.copytree(UNDER_TEST / "sql", sql_dir)
    # (no lock_timeout for it: the wait is the test's, not a lock conflict to retry)
    (sql_dir / "10_staging" / "165_load_pause.sql").write_text(
        "SET LOCAL lock_timeout = 0;\nSELECT pg_advisory_xact_lock(991402);\n"
    )

    holder = psycopg2.connect(db.url)
    holder.autocommit = True
    holder.cursor().execute("SELECT pg_advisory_lock(991402)")
    process = subprocess.Popen(
        [sys.executable, str(UNDER_TEST / "pipeline_orchestrator.py"), "run"],
        cwd=UNDER_TEST,
        env=cli_env(db, data, {"PIPELINE_SQL_DIR": str(sql_dir)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: db.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND query LIKE 'SELECT pg_advisory_xact_lock(991402)%'"
            ),
            process,
            "the pause before the COPY",
        )
        transactions.write_bytes(truncated)
        holder.close()
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        holder.close()

    result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    assert result.returncode == 1, f"{out[-2000:]}\n{err[-2000:]}"
    message = (
        f"{transactions} changed while the run was loading it ({len(original):,} bytes when the run "
        f"started, {len(truncated):,} read, {len(truncated):,} now). The batch was not loaded; run again "
        "once the file is complete."
    )
    assert error_of(result) == message
    assert last_run(db) == ("failed", message)
    assert db.query("SELECT * FROM pipeline.batches") == []
    assert db.query("SELECT * FROM pipeline.loaded_files") == []
    assert db.scalar("SELECT to_regclass('production.transactions')") is None

    # The complete file back, a normal run loads every row, exactly as a clean load does.
    transactions.write_bytes(original)
    cli_ok(db, data)
    assert db.query("SELECT file_name, size_bytes, sha256, row_count FROM pipeline.loaded_files ORDER BY 1") == [
        (name, (data / B1 / name).stat().st_size, hashlib.sha256((data / B1 / name).read_bytes()).hexdigest(), rows)
        for name, rows in (("customers.csv", 2), ("products.csv", 2), ("transaction_items.csv", 4), ("transactions.csv", 3))
    ]
    with fresh_database(server) as clean:
        cli_ok(clean, data)
        assert table_counts(db, "production") == table_counts(clean, "production")
        assert warehouse_fingerprint(db) == warehouse_fingerprint(clean)
    assert db.query("SELECT transaction_id FROM production.transactions ORDER BY 1") == [("T001",), ("T002",), ("T003",)]


# --------------------------------------------------------------------------- item 3: batch dates


def test_a_batch_dated_before_a_loaded_one_is_refused_with_the_reload_command(db, server, small_data, tmp_path):
    """issue 14 item 3: a late batch would roll newer values back; it is refused up front."""
    first, late, last = sorted(p.name for p in small_data.iterdir())
    feed = tmp_path / "feed"
    feed.mkdir()
    for name in (first, last):
        shutil.copytree(small_data / name, feed / name)
        cli_ok(db, feed)
    before = state(db)
    shutil.copytree(small_data / late, feed / late)

    result = cli(db, feed)
    assert result.returncode == 1
    message = (
        f"batch {late} is dated before batch {last}, which is already loaded. Batches load in date order: "
        "a late batch would overwrite newer customer and product values with older ones. To load it, run: "
        f"python pipeline_orchestrator.py run --reload {late} (every batch is loaded again from its files, "
        "in date order, in one transaction). Nothing was loaded."
    )
    assert error_of(result) == message
    assert state(db) == before
    assert last_run(db) == ("failed", message)
    assert db.query("SELECT count(*) FROM pipeline.steps WHERE batch_id = %s", (late,)) == [(0,)]

    # The command the message gives loads it: the same warehouse as the three loaded in order.
    cli_ok(db, feed, "run", "--reload", late)
    with fresh_database(server) as in_order:
        cli_ok(in_order, small_data)
        assert warehouse_fingerprint(db) == warehouse_fingerprint(in_order)
        assert table_counts(db, "production") == table_counts(in_order, "production")


def after_tomorrow_message(folder: Path, tomorrow: date) -> str:
    return (
        f"{folder}: batch {folder.name} is dated after tomorrow ({tomorrow}). A batch folder is named by the "
        "as-of date of its data, which cannot be in the future: rename the folder to the date it was "
        "extracted. Nothing was loaded."
    )


def before_2000_message(folder: Path, _tomorrow: date) -> str:
    return (
        f"{folder}: batch {folder.name} is dated before 2000-01-01, the earliest date the pipeline accepts "
        "(sql/00_setup/030_create_cleaning_functions.sql). Nothing was loaded."
    )


@pytest.mark.parametrize(
    "folder_name, expected",
    [
        ("2205-01-03", after_tomorrow_message),  # a typo for 2025
        ("1999-12-31", before_2000_message),
    ],
    ids=["after-tomorrow", "before-2000"],
)
def test_a_batch_folder_with_an_impossible_date_is_refused_by_name(db, tmp_path, folder_name, expected):
    """issue 14 item 3: no folder dated after tomorrow or before 2000-01-01 is loaded, nor any beside it."""
    data = hand_written(tmp_path / "raw")
    folder = write_batch(data, folder_name, customers=[ANN])
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    result = cli(db, data)
    assert result.returncode == 1
    # the run may cross midnight (UTC): tomorrow is then one day later
    assert error_of(result) in {expected(folder, tomorrow), expected(folder, tomorrow + timedelta(days=1))}
    assert db.query("SELECT * FROM pipeline.batches") == []
    assert db.query("SELECT * FROM pipeline.loaded_files") == []
    assert last_run(db) == ("failed", error_of(result))


# --------------------------------------------------------------------------- item 4: crash


@dataclass
class CrashableServer:
    server: Server
    crash: Callable[[], None]
    restart: Callable[[], None]

    def started_at(self) -> datetime:
        with contextlib.closing(psycopg2.connect(self.server.admin)) as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_postmaster_start_time()")
            return cur.fetchone()[0]


@pytest.fixture(scope="module")
def crashable_server() -> Iterator[CrashableServer]:
    """An embedded server of this module's own (wal_level = minimal, as the pipeline tunes it),
    that the tests crash and restart; stopped and deleted after."""
    server, stop = start_embedded()
    try:
        with contextlib.closing(psycopg2.connect(server.admin)) as conn:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT current_setting('data_directory'), current_setting('wal_level')")
                pgdata, wal_level = cur.fetchone()
                assert wal_level == "minimal"
                # start_embedded turns synchronous_commit off: a crash could then lose the last
                # commits, and what a run committed would depend on the moment of the crash.
                cur.execute("ALTER SYSTEM SET synchronous_commit = on")
                cur.execute("SELECT pg_reload_conf()")
        embedded = orchestrator.embedded_server(Path(pgdata))

        def crash() -> None:
            subprocess.run(
                [str(Path(embedded.bin_path) / "pg_ctl"), "-D", pgdata, "-m", "immediate", "stop"],
                check=True,
                capture_output=True,
                **as_os_user(embedded.system_user),
            )

        def restart() -> None:
            """As an operator would: the next command starts the embedded server again (crash recovery)."""
            subprocess.run(
                [sys.executable, str(ROOT / "pipeline_orchestrator.py"), "db-url"],
                check=True,
                cwd=ROOT,
                capture_output=True,
                env={**os.environ, "DATABASE_URL": "", "PIPELINE_PGDATA": pgdata},
            )

        yield CrashableServer(server, crash, restart)
    finally:
        stop()


KEYS = {  # table: (its key, what the key stands for)
    "warehouse.dim_customers": ("customer_key", "customer_id, valid_from"),
    "warehouse.dim_products": ("product_key", "product_id, valid_from"),
    "warehouse.dim_payment_methods": ("payment_method_key", "payment_method_name"),
    "production.countries": ("country_id", "country_name"),
    "production.states": ("state_id", "country_id, state_name"),
    "production.cities": ("city_id", "state_id, city_name"),
    "production.categories": ("category_id", "category_name"),
    "production.sub_categories": ("sub_category_id", "category_id, sub_category_name"),
    "production.brands": ("brand_id", "brand_name"),
    "production.payment_methods": ("payment_method_id", "payment_method_name"),
}


def keyed_rows(db: Database) -> dict[str, list]:
    return {table: db.query(f"SELECT {key}, {meaning} FROM {table} ORDER BY 1") for table, (key, meaning) in KEYS.items()}


@pytest.fixture(scope="module")
def uncrashed_history(server, small_data, tmp_path_factory) -> tuple[dict, dict]:
    """The warehouse and the keys of the three small batches loaded one by one, without a crash."""
    with fresh_database(server) as reference:
        load_one_by_one(reference, small_data, tmp_path_factory.mktemp("uncrashed") / "feed")
        return warehouse_fingerprint(reference), keyed_rows(reference)


@pytest.mark.parametrize("loaded_before_crash", [1, 2], ids=["after-the-first-load", "after-a-daily-run"])
def test_keys_are_never_issued_twice_after_a_server_crash(
    crashable_server, uncrashed_history, small_data, tmp_path, loaded_before_crash
):
    """issue 14 item 4: keys handed out before a crash are not handed out again after it."""
    names = sorted(p.name for p in small_data.iterdir())
    feed = tmp_path / "feed"
    feed.mkdir()
    with fresh_database(crashable_server.server) as db:
        for name in names[:loaded_before_crash]:
            shutil.copytree(small_data / name, feed / name)
            cli_ok(db, feed)
        started = crashable_server.started_at()
        crashable_server.crash()
        crashable_server.restart()
        assert crashable_server.started_at() != started, "the server was not restarted"
        for name in names[loaded_before_crash:]:
            shutil.copytree(small_data / name, feed / name)
            cli_ok(db, feed)

        for table, (key, _meaning) in KEYS.items():
            assert db.query(f"SELECT {key}, count(*) FROM {table} GROUP BY 1 HAVING count(*) > 1") == [], table
        # every key is the one the same history gets without a crash
        expected_warehouse, expected_keys = uncrashed_history
        assert keyed_rows(db) == expected_keys
        assert warehouse_fingerprint(db) == expected_warehouse
        assert db.query("SELECT batch_id, status FROM pipeline.batches ORDER BY 1") == [(n, "complete") for n in names]
        last = db.scalar("SELECT max(run_id) FROM pipeline.runs")
        assert (
            db.query(
                "SELECT check_name FROM pipeline.quality_results WHERE run_id = %s AND severity = 'error' AND failing_rows > 0",
                (last,),
            )
            == []
        )
        assert db.scalar("SELECT count(*) FROM pipeline.quality_results WHERE run_id = %s", (last,)) == len(
            list((UNDER_TEST / "sql" / "90_quality").glob("*.sql"))
        )
        assert last_run(db) == ("succeeded", None)


# --------------------------------------------------------------------------- item 5: dates far in the past


def test_order_and_registration_dates_before_2000_are_quarantined_and_dim_date_does_not_stretch(db, tmp_path):
    """issue 14 item 5: years 1, 2 and 1850 are quarantined (date_out_of_range), not loaded, not in dim_date."""
    write_batch(
        tmp_path / "raw",
        B1,
        customers=[ANN, "C003,Cy,Ng,cy@example.com,,0002-06-01,,,,", "C004,Di,Wu,di@example.com,,1850-01-01,,,,"],
        products=[LAPTOP, MUG],
        transactions=[
            ORDERS[0],
            "T004,C001,1850-01-01,10:00:00,PayPal,1 Main St,10.00",
            "T005,C001,0001-01-01,10:00:00,PayPal,1 Main St,10.00",
            "T006,C001,0002-06-01,10:00:00,PayPal,1 Main St,10.00",
        ],
        items=[*LINES[:2], "I005,T005,P002,1,10.00,0,10.00"],
    )
    cli_ok(db, tmp_path / "raw")
    assert rejected(db) == [
        (
            "customers.csv",
            3,
            "C003",
            "date_out_of_range",
            "registration_date 0002-06-01 is before 2000-01-01, the earliest date accepted",
        ),
        (
            "customers.csv",
            4,
            "C004",
            "date_out_of_range",
            "registration_date 1850-01-01 is before 2000-01-01, the earliest date accepted",
        ),
        (
            "transaction_items.csv",
            4,
            "I005",
            "parent_rejected",
            "transaction_id 'T005' was quarantined, so its items cannot be loaded",
        ),
        (
            "transactions.csv",
            3,
            "T004",
            "date_out_of_range",
            "transaction_date 1850-01-01 is before 2000-01-01, the earliest date accepted",
        ),
        (
            "transactions.csv",
            4,
            "T005",
            "date_out_of_range",
            "transaction_date 0001-01-01 is before 2000-01-01, the earliest date accepted",
        ),
        (
            "transactions.csv",
            5,
            "T006",
            "date_out_of_range",
            "transaction_date 0002-06-01 is before 2000-01-01, the earliest date accepted",
        ),
    ]
    assert db.query("SELECT customer_id FROM production.customers ORDER BY 1") == [("C001",)]
    assert db.query("SELECT transaction_id FROM production.transactions ORDER BY 1") == [("T001",)]
    assert db.query("SELECT item_id FROM production.transaction_items ORDER BY 1") == [("I001",), ("I002",)]
    # the calendar covers the valid order (2024-02-20) and the batch date, whole years either side
    assert db.query("SELECT min(full_date), max(full_date), count(*) FROM warehouse.dim_date") == [
        (date(2023, 1, 1), date(2025, 12, 31), 1096)
    ]
    assert db.query("SELECT bool_and(is_balanced) FROM pipeline.reconciliation") == [(True,)]


# --------------------------------------------------------------------------- item 8: the BI login


def test_a_bi_reader_holding_the_old_advisory_lock_does_not_stop_a_run(db, tmp_path):
    """issue 14 item 8: a read-only login can take any advisory lock; the run lock is not one."""
    data = hand_written(tmp_path / "raw")
    bi = as_bi_reader(db)
    try:
        with bi.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (BI_LOCK_KEY,))
        bi.commit()  # a session lock: held after the commit, until the connection closes
        result = cli_ok(db, data)
        assert "run 1 succeeded" in result.stdout
        assert db.query("SELECT batch_id, status FROM pipeline.batches") == [(B1, "complete")]
        assert (
            db.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s", (BI_LOCK_KEY,)) == 1
        )
    finally:
        bi.close()


def test_bi_reader_cannot_see_or_lock_the_run_lock(db, tmp_path):
    """issue 14 item 8: the run lock lives in the pipeline schema, which bi_reader cannot use."""
    cli_ok(db, hand_written(tmp_path / "raw"), "staging")
    for statement in (
        "SELECT FROM pipeline.run_lock WHERE lock_name = 'pipeline' FOR UPDATE NOWAIT",
        "LOCK TABLE pipeline.run_lock IN ACCESS EXCLUSIVE MODE NOWAIT",
        "SELECT count(*) FROM pipeline.run_lock",
    ):
        bi = as_bi_reader(db)
        try:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="^permission denied for schema pipeline\n"):
                bi.cursor().execute(statement)
        finally:
            bi.close()
    # and nothing was left locked: the next stage runs
    cli_ok(db, tmp_path / "raw", "production")
    assert db.query("SELECT batch_id, status FROM pipeline.batches") == [(B1, "produced")]


# --------------------------------------------------------------------------- item 10: smaller faults


@pytest.mark.parametrize(
    "args",
    [("production",), ("warehouse",), ("run", "--from", "production", "--to", "warehouse")],
    ids=["production", "warehouse", "run-production-to-warehouse"],
)
def test_a_batch_stage_with_nothing_ever_loaded_says_nothing_was_loaded_yet(db, tmp_path, args):
    """issue 14 item 10a: not 'every batch is already loaded' when none ever was."""
    data = tmp_path / "raw"
    data.mkdir()
    result = cli_ok(db, data, *args)
    assert (
        f"nothing loaded yet: there is no batch folder under {data} (python pipeline_orchestrator.py generate writes some)\n"
    ) in result.stdout
    assert "already loaded" not in result.stdout
    assert list(data.iterdir()) == []
    assert db.query("SELECT * FROM pipeline.batches") == []
    assert last_run(db) == ("succeeded", None)


def test_an_order_dated_before_its_customers_registration_loads_and_is_a_warning(db, tmp_path):
    """issue 14 item 10d: a guest checkout before sign-up is revenue, reported by check 970 as a warning."""
    # Bob registered on 2024-02-01; T002 is dated 2024-01-25, T003 (Bob's too) 2024-02-21.
    write_batch(
        tmp_path / "raw",
        B1,
        customers=[ANN, BOB],
        products=[LAPTOP, MUG],
        transactions=[
            ORDERS[0],
            "T002,C002,2024-01-25,11:00:00,PayPal,2 Oak St,20.00",
            "T003,C002,2024-02-21,12:00:00,PayPal,2 Oak St,10.00",
        ],
        items=LINES,
    )
    result = cli_ok(db, tmp_path / "raw")
    assert "970_check_orders_before_registration.sql" in result.stdout
    assert "1 offending row(s) [warn]" in result.stdout
    assert rejected(db) == []
    assert db.query("SELECT transaction_id, customer_id, transaction_date::text FROM production.transactions ORDER BY 1") == [
        ("T001", "C001", "2024-02-20"),
        ("T002", "C002", "2024-01-25"),
        ("T003", "C002", "2024-02-21"),
    ]
    # the early order is in the facts, on Bob's (only) version
    assert db.query(
        "SELECT f.item_id, c.customer_id, f.net_amount::text FROM warehouse.fact_sales AS f "
        "INNER JOIN warehouse.dim_customers AS c ON f.customer_key = c.customer_key "
        "WHERE f.transaction_id = 'T002'"
    ) == [("I003", "C002", "20.00")]
    assert db.query(
        "SELECT check_name, severity, failing_rows, sample FROM pipeline.quality_results "
        "WHERE run_id = (SELECT max(run_id) FROM pipeline.runs) AND failing_rows > 0"
    ) == [
        (
            "970_check_orders_before_registration",
            "warn",
            1,
            [
                {
                    "transaction_id": "T002",
                    "customer_id": "C002",
                    "transaction_date": "2024-01-25",
                    "registration_date": "2024-02-01",
                }
            ],
        )
    ]
    assert last_run(db) == ("succeeded", None)
