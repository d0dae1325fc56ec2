"""Reliability: unreachable server, killed and cancelled runs, a broken SQL file, live readers.

Every test runs the real CLI as a subprocess against a real PostgreSQL database, and
would fail if the promise it names broke.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pytest
from conftest import (
    ROOT,
    Database,
    fresh_database,
    orchestrator,
    run_cli,
    run_ok,
    warehouse_fingerprint,
)

import generators

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- helpers


def start_cli(db: Database, data_dir: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    full_env = {**os.environ, "DATABASE_URL": db.url, "PIPELINE_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, proc: subprocess.Popen, timeout: float = 120, what: str = "condition"):
    """Poll predicate() until truthy; fail if the process ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}\n{out[-2000:]}\n{err[-2000:]}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


def safe_scalar(db: Database, sql: str, params: tuple = ()):
    """db.scalar, or None while the pipeline's own tables do not exist yet."""
    try:
        return db.scalar(sql, params)
    except psycopg2.errors.UndefinedTable:
        return None


def committed_steps(db: Database, stage: str, batch_id: str) -> int:
    return (
        safe_scalar(
            db,
            "SELECT count(*) FROM pipeline.steps WHERE stage = %s AND batch_id = %s AND outcome = 'succeeded'",
            (stage, batch_id),
        )
        or 0
    )


def run_retrying_busy(db: Database, data_dir: Path, *args: str, wait: float = 60) -> subprocess.CompletedProcess:
    """Run; while a killed client's backend still holds the advisory lock (exit 3), retry.

    PostgreSQL notices a vanished client only when its backend next talks to the socket,
    so for a moment after SIGKILL the lock can still be held: exit 3 is then the right
    answer, and the operator's next attempt must succeed.
    """
    deadline = time.monotonic() + wait
    while True:
        result = run_cli(db, data_dir, *args)
        if result.returncode != orchestrator.EXIT_BUSY or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def batch_ids(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if p.is_dir())


def subset(data_dir: Path, target: Path, ids: list[str]) -> Path:
    """A data folder holding only some batch folders (same bytes, so the ledger agrees)."""
    target.mkdir(parents=True)
    for batch_id in ids:
        shutil.copytree(data_dir / batch_id, target / batch_id)
    return target


@pytest.fixture(scope="module")
def medium_data(tmp_path_factory) -> Path:
    """Two larger batches (scale 0.5): enough work that a run can be interrupted mid-way."""
    out = tmp_path_factory.mktemp("medium") / "raw"
    generators.generate(out, scale=0.5, seed=11, batches=2, defect_rate=0.02)
    return out


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- unreachable


def test_unreachable_database_exits_2_with_one_readable_paragraph(tmp_path):
    port = unused_port()
    url = f"postgresql://someone:s3cret-pw@127.0.0.1:{port}/shopdb"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), "run"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": url, "PIPELINE_DATA_DIR": str(tmp_path)},
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    err = result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert err, "no message on stderr"
    assert "\n\n" not in err, f"more than one paragraph:\n{err}"
    assert "127.0.0.1" in err and str(port) in err and "shopdb" in err, err
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert elapsed >= 1.5, f"gave up after {elapsed:.2f} s: no retries with backoff"


# --------------------------------------------------------------------------- SIGKILL


def test_killed_run_is_abandoned_and_the_next_run_gives_the_uninterrupted_result(db, server, medium_data):
    first = batch_ids(medium_data)[0]
    proc = start_cli(db, medium_data, "run")
    try:
        wait_for(
            lambda: committed_steps(db, "warehouse", first) or committed_steps(db, "production", first),
            proc,
            what=f"a committed production or warehouse step of batch {first}",
        )
        assert proc.poll() is None, "the run finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    killed_run = db.scalar("SELECT max(run_id) FROM pipeline.runs")
    assert db.scalar("SELECT status FROM pipeline.runs WHERE run_id = %s", (killed_run,)) == "running"
    # status sees that nobody holds the run lock any more (issue 14 item 9)
    for _ in range(100):
        if not db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (orchestrator.LOCK_APPLICATION,)):
            break
        time.sleep(0.1)
    status_lines = run_ok(db, medium_data, "status").stdout.splitlines()
    assert any(line.split()[:2] == [str(killed_run), "abandoned"] for line in status_lines), status_lines

    result = run_retrying_busy(db, medium_data, "run")
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "abandoned" in result.stdout
    assert db.scalar("SELECT status FROM pipeline.runs WHERE run_id = %s", (killed_run,)) == "abandoned"
    assert db.scalar("SELECT status FROM pipeline.runs ORDER BY run_id DESC LIMIT 1") == "succeeded"
    assert db.query("SELECT batch_id, status FROM pipeline.batches ORDER BY 1") == [
        (b, "complete") for b in batch_ids(medium_data)
    ]
    assert db.scalar("SELECT bool_and(is_balanced) FROM pipeline.reconciliation")

    with fresh_database(server) as clean:
        run_ok(clean, medium_data, "run")
        assert warehouse_fingerprint(db) == warehouse_fingerprint(clean)


# --------------------------------------------------------------------------- SIGINT / SIGTERM


def sql_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "sql"
    shutil.copytree(orchestrator.SQL_DIR, copy)
    return copy


def backend_running(db: Database, pattern: str) -> bool:
    return bool(
        db.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE %s "
            "AND state = 'active' AND pid != pg_backend_pid()",
            (pattern,),
        )
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_stage_cancels_rolls_back_and_records_cancelled(db, small_data, tmp_path, signum):
    # A slow statement at the end of the warehouse stage: the signal lands mid-query for sure.
    sql_dir = sql_copy(tmp_path)
    (sql_dir / "30_warehouse" / "395_wait.sql").write_text("SELECT pg_sleep(60) AS test_wait_for_signal;\n")
    first = batch_ids(small_data)[0]
    proc = start_cli(db, small_data, "run", env={"PIPELINE_SQL_DIR": str(sql_dir)})
    try:
        wait_for(lambda: backend_running(db, "%test_wait_for_signal%"), proc, what="the warehouse stage")
        status_before = db.query("SELECT batch_id, status FROM pipeline.batches ORDER BY 1")
        assert status_before == [(first, "produced")]
        signalled = time.monotonic()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert time.monotonic() - signalled < 10, "the cancel did not stop the running query promptly"
    assert proc.returncode == 128 + signum, f"exit {proc.returncode}\n{out[-2000:]}\n{err[-2000:]}"
    assert "Traceback" not in err
    assert signal.Signals(signum).name in err

    run_id, status, message = db.query("SELECT run_id, status, error_message FROM pipeline.runs ORDER BY run_id DESC LIMIT 1")[0]
    assert status == "cancelled"
    assert signal.Signals(signum).name in message
    # The interrupted stage left nothing: the batch did not advance, no warehouse table holds a row.
    assert db.query("SELECT batch_id, status FROM pipeline.batches ORDER BY 1") == status_before
    for table in ("fact_sales", "dim_customers", "agg_daily_sales"):
        if db.scalar("SELECT to_regclass(%s)", (f"warehouse.{table}",)) is not None:
            assert db.scalar(f"SELECT count(*) FROM warehouse.{table}") == 0
    assert not backend_running(db, "%test_wait_for_signal%"), "the cancelled query is still running"
    outcomes = dict(
        db.query("SELECT outcome, count(*) FROM pipeline.steps WHERE run_id = %s AND stage = 'warehouse' GROUP BY 1", (run_id,))
    )
    assert outcomes.get("succeeded", 0) == 0, outcomes
    assert outcomes.get("failed", 0) == 1 and outcomes.get("rolled back", 0) > 0, outcomes

    run_ok(db, small_data, "run")
    assert {s for _, s in db.query("SELECT batch_id, status FROM pipeline.batches")} == {"complete"}
    assert db.scalar("SELECT status FROM pipeline.runs WHERE run_id = %s", (run_id,)) == "cancelled"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_at_any_moment_stops_the_run(db, medium_data, signum):
    """A signal that arrives between two statements must stop the run too, not only one mid-query."""
    first = batch_ids(medium_data)[0]
    proc = start_cli(db, medium_data, "run")
    try:
        wait_for(lambda: committed_steps(db, "production", first), proc, what="the first production commit")
        signalled_at = db.scalar("SELECT clock_timestamp()")
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 128 + signum, f"exit {proc.returncode}\n{err[-2000:]}"
    run_id, status = db.query("SELECT run_id, status FROM pipeline.runs ORDER BY run_id DESC LIMIT 1")[0]
    assert status == "cancelled"
    late = db.query(
        "SELECT stage, batch_id, sql_file FROM pipeline.steps WHERE run_id = %s AND outcome = 'succeeded' "
        "AND started_at > %s::timestamptz + interval '1 second'",
        (run_id, signalled_at),
    )
    assert late == [], f"the run went on after the signal: {late[:5]}"
    run_ok(db, medium_data, "run")
    assert {s for _, s in db.query("SELECT batch_id, status FROM pipeline.batches")} == {"complete"}


# --------------------------------------------------------------------------- broken SQL file


def test_syntax_error_in_a_sql_file_names_file_and_line_and_touches_nothing(db, small_data, tmp_path):
    sql_dir = sql_copy(tmp_path)
    broken = sql_dir / "30_warehouse" / "360_merge_fact_sales.sql"
    lines = broken.read_text().splitlines(keepends=True)
    # Break the first line of code that is not a comment: a DBA's typo in a keyword.
    number = next(i for i, line in enumerate(lines, 1) if line.strip() and not line.startswith("--"))
    word = lines[number - 1].split()[0]
    lines[number - 1] = lines[number - 1].replace(word, word[:-1] + "X" + "Q", 1)
    broken.write_text("".join(lines))

    result = run_cli(db, small_data, "run", env={"PIPELINE_SQL_DIR": str(sql_dir)})
    assert result.returncode == 1, f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    assert "360_merge_fact_sales.sql" in result.stderr
    assert f"line {number}" in result.stderr, result.stderr
    assert "syntax error" in result.stderr

    for table in ("dim_customers", "dim_products", "dim_date", "fact_sales", "agg_daily_sales"):
        if db.scalar("SELECT to_regclass(%s)", (f"warehouse.{table}",)) is not None:
            assert db.scalar(f"SELECT count(*) FROM warehouse.{table}") == 0, table
    assert db.scalar("SELECT status FROM pipeline.runs ORDER BY run_id DESC LIMIT 1") == "failed"
    step = db.query(
        "SELECT outcome, error_message FROM pipeline.steps WHERE sql_file LIKE %s ORDER BY step_id DESC LIMIT 1",
        ("%360_merge_fact_sales.sql",),
    )
    assert step and step[0][0] == "failed" and "syntax error" in step[0][1], step
    # The batch stays where its last committed stage left it.
    assert db.scalar("SELECT status FROM pipeline.batches ORDER BY batch_id LIMIT 1") == "produced"


# --------------------------------------------------------------------------- concurrent readers


def test_readers_see_before_or_after_never_a_mixture(db, medium_data, tmp_path):
    ids = batch_ids(medium_data)
    run_ok(db, subset(medium_data, tmp_path / "first", ids[:1]), "run")
    revenue_sql = "SELECT sum(net_revenue) FROM warehouse.agg_daily_sales"
    net_sql = "SELECT sum(net_amount) FROM warehouse.fact_sales"
    before = (db.scalar(revenue_sql), db.scalar(net_sql))

    seen: dict[str, set] = {revenue_sql: set(), net_sql: set()}
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        # A reader that waits for a lock longer than a moment fails, and the test with it.
        conn = psycopg2.connect(db.url, options="-c lock_timeout=1s")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while not stop.is_set():
                    for sql in (revenue_sql, net_sql):
                        try:
                            cur.execute(sql)
                            seen[sql].add(cur.fetchone()[0])
                        except psycopg2.Error as exc:
                            errors.append(str(exc))
        finally:
            conn.close()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        run_ok(db, medium_data, "run")
    finally:
        stop.set()
        thread.join(30)
    after = (db.scalar(revenue_sql), db.scalar(net_sql))
    assert before != after, "the second batch changed nothing: the test proves nothing"
    assert errors == []
    assert seen[revenue_sql] <= {before[0], after[0]}, seen[revenue_sql] - {before[0], after[0]}
    assert seen[net_sql] <= {before[1], after[1]}, seen[net_sql] - {before[1], after[1]}


# --------------------------------------------------------------------------- idle readers (issue 14, item 6)


def idle_reader(db: Database, *queries: str, user: str | None = None, application: str = "Tableau"):
    """A session that ran queries in a transaction and sits idle in it, as a BI tool may."""
    url = psycopg2.extensions.make_dsn(db.url, user=user) if user else db.url
    conn = psycopg2.connect(url, application_name=application)
    with conn.cursor() as cur:
        for sql in queries:
            cur.execute(sql)
            cur.fetchall()
    return conn


def test_a_daily_run_and_a_full_refresh_never_wait_for_an_idle_bi_reader(db, small_data, tmp_path):
    ids = batch_ids(small_data)
    run_ok(db, subset(small_data, tmp_path / "first", ids[:1]))
    reader = idle_reader(
        db,
        "SELECT * FROM analytics.customer_rfm",
        "SELECT count(*) FROM warehouse.fact_sales",
        "SELECT * FROM analytics.revenue_by_category_month",
        user="bi_reader",
    )
    try:
        # PIPELINE_LOCK_WAIT=0: the first lock wait would fail the run.
        daily = run_ok(db, small_data, env={"PIPELINE_LOCK_WAIT": "0"})
        assert "waiting for a lock" not in daily.stdout
        refresh = run_ok(db, small_data, "run", "--full-refresh", env={"PIPELINE_LOCK_WAIT": "0"})
        assert "waiting for a lock" not in refresh.stdout
    finally:
        reader.close()
    assert db.query("SELECT count(*), bool_and(status = 'complete') FROM pipeline.batches") == [(len(ids), True)]


def test_a_reader_during_a_full_refresh_sees_the_old_warehouse_at_once(db, small_data, tmp_path):
    run_ok(db, small_data)
    before = db.query("SELECT count(*), sum(net_amount) FROM warehouse.fact_sales")
    sql_copy = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", sql_copy)
    (sql_copy / "30_warehouse" / "395_load_pause.sql").write_text("SELECT pg_sleep(2);\n")
    proc = start_cli(
        db, small_data, "run", "--full-refresh", env={"PIPELINE_SQL_DIR": str(sql_copy), "PIPELINE_DASHBOARD": "off"}
    )
    try:
        wait_for(
            lambda: db.scalar("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(2);'"),
            proc,
            what="the refresh to reach the warehouse stage",
        )
        reader = psycopg2.connect(psycopg2.extensions.make_dsn(db.url, user="bi_reader"), options="-c lock_timeout=500ms")
        with reader.cursor() as cur:
            cur.execute("SELECT count(*), sum(net_amount) FROM warehouse.fact_sales")
            assert cur.fetchall() == before
            cur.execute("SELECT count(*) FROM analytics.customer_rfm")
            assert cur.fetchone()[0] > 0
        reader.close()
    finally:
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert db.query("SELECT count(*), sum(net_amount) FROM warehouse.fact_sales") == before


def test_a_lock_held_too_long_fails_the_stage_naming_the_session(db, small_data, tmp_path):
    """A reload empties production (an exclusive lock); a session idle in a transaction that read
    production holds it off. The run waits PIPELINE_LOCK_WAIT seconds, then names that session."""
    run_ok(db, small_data)
    before = {t: db.scalar(f"SELECT count(*) FROM production.{t}") for t in ("transactions", "transaction_items")}
    holder = idle_reader(db, "SELECT count(*) FROM production.transactions", application="analyst notebook")
    pid = holder.get_backend_pid()
    try:
        result = run_cli(db, small_data, "run", "--reload", batch_ids(small_data)[0], env={"PIPELINE_LOCK_WAIT": "2"})
    finally:
        holder.close()
    assert result.returncode == orchestrator.EXIT_BUSY, result.stderr
    assert "Traceback" not in result.stderr
    assert "waiting for a lock held by another session; trying again in 1 s" in result.stdout
    assert "gave up (sql/80_reset/810_reset_production.sql, line" in result.stderr, result.stderr
    assert f"pid {pid}, user " in result.stderr
    assert "application 'analyst notebook', idle in transaction since " in result.stderr, result.stderr
    assert "holding production.transactions (AccessShareLock)" in result.stderr
    assert f"SELECT pg_terminate_backend({pid})" in result.stderr
    assert {t: db.scalar(f"SELECT count(*) FROM production.{t}") for t in before} == before
    assert db.query(
        "SELECT status, error_message LIKE 'waited % s for a lock and gave up%' FROM pipeline.runs ORDER BY run_id DESC LIMIT 1"
    ) == [("failed", True)]
    # Once the session is gone, the same command succeeds.
    run_ok(db, small_data, "run", "--reload", batch_ids(small_data)[0])


def test_staging_is_never_autovacuumed_and_a_lock_wait_outlasts_the_cancel_of_an_autovacuum(db, small_data):
    """An autovacuum worker that analysed a staged batch held up the TRUNCATE that empties staging
    for as long as lock_timeout (then 1 s): the whole production stage was rolled back and run
    again (16 s lost at scale 40). Staging is analysed by the copy files, so autovacuum leaves it
    alone; and a lock wait now outlasts deadlock_timeout, after which PostgreSQL cancels an
    autovacuum worker in the way of another session."""
    run_ok(db, small_data)
    assert db.query(
        "SELECT c.relname, c.reloptions FROM pg_catalog.pg_class AS c "
        "WHERE c.relnamespace = 'staging'::regnamespace AND c.relkind = 'r' AND c.reloptions IS NOT NULL ORDER BY 1"
    ) == [(name, ["autovacuum_enabled=false"]) for name in ("customers", "products", "transaction_items", "transactions")]
    deadlock_ms = db.scalar("SELECT setting::integer FROM pg_catalog.pg_settings WHERE name = 'deadlock_timeout'")
    assert orchestrator.SESSION_SETTINGS["lock_timeout"] == "2s" and deadlock_ms == 1000


def test_the_checks_run_on_connections_of_their_own_and_an_error_there_names_its_file_and_line(db, small_data, tmp_path):
    sql_dir = sql_copy(tmp_path)
    # A probe in place of check 900: it offends when it runs on the stage's own connection.
    (sql_dir / "90_quality" / "900_check_scd2_one_current_version.sql").write_text(
        "SELECT a.application_name FROM pg_catalog.pg_stat_activity AS a\n"
        f"WHERE a.pid = pg_backend_pid() AND a.application_name != '{orchestrator.CHECK_APPLICATION}'\n"
    )
    run_ok(db, small_data, env={"PIPELINE_SQL_DIR": str(sql_dir)})
    results = dict(
        db.query(
            "SELECT check_name, failing_rows FROM pipeline.quality_results WHERE run_id = (SELECT max(run_id) FROM pipeline.runs)"
        )
    )
    assert sorted(results) == sorted(p.stem for p in (sql_dir / "90_quality").glob("*.sql"))
    assert results["900_check_scd2_one_current_version"] == 0

    broken = sql_dir / "90_quality" / "930_check_agg_daily_sales_matches_fact.sql"
    lines = broken.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.strip() == "a.transactions,")
    lines[number - 1] = lines[number - 1].replace("a.transactions", "a.no_such_column")
    broken.write_text("".join(lines))
    result = run_cli(db, small_data, "quality", env={"PIPELINE_SQL_DIR": str(sql_dir)})
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert "930_check_agg_daily_sales_matches_fact.sql" in result.stderr, result.stderr
    assert "no_such_column" in result.stderr
    assert last_run(db)[0] == "failed"


# --------------------------------------------------------------------------- every outcome recorded (issue 14, item 9)


def last_run(db: Database) -> tuple:
    return db.query("SELECT status, error_message FROM pipeline.runs ORDER BY run_id DESC LIMIT 1")[0]


def test_a_run_whose_output_reader_goes_away_finishes_and_records_success(db, small_data):
    """`run | head -3`: the output is lost, the run is not."""
    env = {**os.environ, "DATABASE_URL": db.url, "PIPELINE_DATA_DIR": str(small_data), "PIPELINE_DASHBOARD": "off"}
    result = subprocess.run(
        [
            "bash",
            "-c",
            f"'{sys.executable}' '{ROOT / 'pipeline_orchestrator.py'}' run | head -3; echo \"exit ${{PIPESTATUS[0]}}\"",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout.splitlines()[-1] == "exit 0", result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 4
    assert result.stderr == ""
    assert last_run(db) == ("succeeded", None)
    assert db.query("SELECT count(*), bool_and(status = 'complete') FROM pipeline.batches") == [
        (len(batch_ids(small_data)), True)
    ]


def test_carriage_return_only_line_endings_fail_naming_the_file(db, small_data, tmp_path):
    data = subset(small_data, tmp_path / "raw", batch_ids(small_data)[:1])
    items = next(data.iterdir()) / "transaction_items.csv"
    items.write_bytes(items.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    result = run_cli(db, data, "run")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "transaction_items.csv, line 1: the lines end with a carriage return alone" in result.stderr, result.stderr
    status, message = last_run(db)
    assert status == "failed" and "carriage return alone" in message
    assert db.scalar("SELECT count(*) FROM pipeline.batches WHERE status != 'staged'") == 0


def test_a_dashboard_that_cannot_be_written_fails_the_run_after_its_stages_committed(db, small_data, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = run_cli(db, small_data, "run", env={"PIPELINE_DASHBOARD": str(tmp_path / "a-file" / "dash.html")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: the dashboard could not be written ({tmp_path / 'a-file'}")
    status, message = last_run(db)
    assert status == "failed" and message.startswith("the dashboard could not be written")
    assert db.query("SELECT count(*), bool_and(status = 'complete') FROM pipeline.batches") == [
        (len(batch_ids(small_data)), True)
    ]


def test_first_runs_at_once_on_a_new_embedded_server_then_pgport_and_a_killed_server(small_data, tmp_path):
    """Two first runs at once on a brand-new PIPELINE_PGDATA: one loads, the other waits its turn to
    set the server up and then finds the run lock taken (exit 3) or nothing left to do. Then
    PGPORT in the environment and a killed postmaster change nothing for the next command."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: not the embedded server")
    base = Path(tempfile.mkdtemp(prefix="pipeline-test-first-runs-"))
    base.chmod(0o755)
    pgdata = base / "pgdata"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PIPELINE_PGDATA=str(pgdata), PIPELINE_DATA_DIR=str(small_data), PIPELINE_DASHBOARD="off")
    command = [sys.executable, str(ROOT / "pipeline_orchestrator.py")]
    try:
        procs = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
        codes = sorted(code for code, _out, _err in results)
        assert codes in ([0, 0], [0, orchestrator.EXIT_BUSY]), results
        for _code, _out, err in results:
            assert "Traceback" not in err
        url = orchestrator.embedded_url(pgdata)
        database = Database(url=url, admin=url)
        # a run refused as busy never started, so it left no record
        assert database.query("SELECT status, count(*) FROM pipeline.runs GROUP BY 1") == [("succeeded", codes.count(0))]

        status = subprocess.run(
            [*command, "status"], cwd=ROOT, env={**env, "PGPORT": "5433"}, capture_output=True, text=True, timeout=120
        )
        assert status.returncode == 0, status.stderr
        assert "succeeded" in status.stdout

        postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        status = subprocess.run([*command, "status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert status.returncode == 0, status.stderr
        assert "succeeded" in status.stdout
    finally:
        server = orchestrator.embedded_server(pgdata, start=False)
        subprocess.run(
            [str(Path(server.bin_path) / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
            **({"user": server.system_user} if os.geteuid() == 0 else {}),
        )
        shutil.rmtree(base, ignore_errors=True)


def test_a_server_out_of_disk_during_copy_is_named_as_the_server_not_the_file(db) -> None:
    """A disk-full error raised by the server itself (SQLSTATE 53100, as COPY gets it when the
    server's disk fills) is reported as the server's trouble, not as a problem at a line."""
    conn = psycopg2.connect(db.url)
    try:
        with conn.cursor() as cur, pytest.raises(psycopg2.Error) as raised:
            cur.execute(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'disk_full', "
                "MESSAGE = 'could not extend file \"base/5/16384\": No space left on device'; END $$"
            )
    finally:
        conn.close()
    path = orchestrator.ROOT / "data" / "raw" / "2024-01-01" / "transactions.csv"
    assert orchestrator.copy_error_message(path, raised.value) == (
        "the database server could not go on while loading data/raw/2024-01-01/transactions.csv: could not extend "
        'file "base/5/16384": No space left on device (SQLSTATE 53100). The file is not at fault; free space or '
        "memory on the server and run again. The stage was rolled back."
    )
