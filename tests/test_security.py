"""Security: least privilege for the pipeline and for BI, no leaked passwords, safe configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import pytest
from conftest import ROOT, Database, fresh_database, run_cli, run_ok

pytestmark = pytest.mark.slow  # end to end: not part of the fast subset (pytest -m "not slow")

PASSWORD = "Zq7-pw!not-in-logs"  # distinctive, so any leak is found by a substring search


@pytest.fixture(scope="module")
def loaded(server, small_data) -> Database:
    """One database with the whole pipeline run, shared read-only by the privilege tests."""
    with fresh_database(server) as db:
        run_ok(db, small_data, "run")
        yield db


# --------------------------------------------------------------------------- the pipeline's role


def test_pipeline_runs_as_a_non_superuser(loaded: Database):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: the role is the operator's choice")
    users = loaded.query("SELECT DISTINCT db_user FROM pipeline.runs")
    assert users == [("pipeline",)]
    rows = loaded.query(
        "SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolbypassrls FROM pg_roles AS r "
        "WHERE r.rolname IN (SELECT db_user FROM pipeline.runs)"
    )
    assert rows == [("pipeline", False, False, False)]


# --------------------------------------------------------------------------- bi_reader


def bi_reader_url(db: Database) -> str:
    return psycopg2.extensions.make_dsn(db.url, user="bi_reader")


def as_bi_reader(db: Database, sql: str):
    """Run one statement as bi_reader; return rows, or raise the PostgreSQL error."""
    conn = psycopg2.connect(bi_reader_url(db))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None
    finally:
        conn.rollback()
        conn.close()


def relations(db: Database, schema: str) -> list[str]:
    return [
        r[0]
        for r in db.query(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p') ORDER BY 1",
            (schema,),
        )
    ]


@pytest.fixture(scope="module")
def bi_db(loaded: Database) -> Database:
    if not loaded.scalar("SELECT count(*) FROM pg_roles WHERE rolname = 'bi_reader'"):
        pytest.skip("no role bi_reader on this server")
    try:
        as_bi_reader(loaded, "SELECT 1")
    except psycopg2.OperationalError as exc:
        pytest.skip(f"cannot log in as bi_reader here: {exc}")
    return loaded


def test_bi_reader_reads_every_warehouse_and_analytics_relation(bi_db: Database):
    for schema in ("warehouse", "analytics"):
        names = relations(bi_db, schema)
        assert names, f"no relation in {schema}"
        for name in names:
            rows = as_bi_reader(bi_db, f"SELECT count(*) FROM {schema}.{name}")
            assert rows[0][0] == bi_db.scalar(f"SELECT count(*) FROM {schema}.{name}")
    assert as_bi_reader(bi_db, "SELECT sum(net_amount) > 0 FROM warehouse.fact_sales") == [(True,)]


@pytest.mark.parametrize("schema", ["staging", "production", "pipeline"])
def test_bi_reader_cannot_read_staging_production_or_pipeline(bi_db: Database, schema: str):
    names = relations(bi_db, schema)
    assert names
    for name in names:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match=f"permission denied for schema {schema}"):
            as_bi_reader(bi_db, f"SELECT * FROM {schema}.{name} LIMIT 1")


@pytest.mark.parametrize(
    "statement, message",
    [
        ("INSERT INTO warehouse.dim_date SELECT * FROM warehouse.dim_date LIMIT 1", "permission denied for table dim_date"),
        ("UPDATE warehouse.fact_sales SET net_amount = 0", "permission denied for table fact_sales"),
        ("DELETE FROM warehouse.agg_daily_sales", "permission denied for table agg_daily_sales"),
        ("UPDATE warehouse.dim_customers SET email = 'x@y.z'", "permission denied for table dim_customers"),
        ("TRUNCATE warehouse.dim_products", "permission denied for table dim_products"),
        ("INSERT INTO pipeline.runs (command, client_pid) VALUES ('x', 1)", "permission denied for schema pipeline"),
        ("DELETE FROM production.customers", "permission denied for schema production"),
        ("CREATE TABLE warehouse.bi_scratch (x int)", "permission denied for schema warehouse"),
        ("CREATE VIEW analytics.bi_scratch AS SELECT 1 AS x", "permission denied for schema analytics"),
        ("CREATE TABLE staging.bi_scratch (x int)", "permission denied for schema staging"),
        ("CREATE TABLE production.bi_scratch (x int)", "permission denied for schema production"),
        ("CREATE TABLE pipeline.bi_scratch (x int)", "permission denied for schema pipeline"),
        ("CREATE TABLE public.bi_scratch (x int)", "permission denied for schema public"),
        ("CREATE SCHEMA bi_scratch", "permission denied for database"),
        ("DROP TABLE warehouse.fact_sales", "must be owner of table fact_sales"),
    ],
    ids=lambda v: v.split(" (")[0][:40] if isinstance(v, str) else None,
)
def test_bi_reader_writes_and_creates_nothing(bi_db: Database, statement: str, message: str):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match=message):
        as_bi_reader(bi_db, statement)


# --------------------------------------------------------------------------- passwords


def cli(url: str, data_dir, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DATABASE_URL": url, "PIPELINE_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), *args],
        check=False,
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_password_never_appears_in_output_or_run_records(db: Database, small_data, tmp_path):
    # The embedded server trusts its Unix socket: a password in the URL is accepted and ignored.
    url = psycopg2.extensions.make_dsn(db.url, password=PASSWORD)
    parts = psycopg2.extensions.parse_dsn(db.url)
    uri_form = f"postgresql://{parts['user']}:{PASSWORD}@/{parts['dbname']}?host={parts.get('host', '')}" + (
        f"&port={parts['port']}" if "port" in parts else ""
    )
    results = [
        cli(url, small_data, "run"),  # succeeds
        cli(uri_form, small_data, "run"),  # succeeds (nothing new)
        cli(url, small_data, "run", "--reload", "1999-01-01"),  # fails after connecting
        cli(url, small_data, "analytics", env={"PIPELINE_SQL_DIR": str(tmp_path / "nothing")}),  # fails
        cli(url + " port=1", small_data, "run"),  # cannot connect
        cli(f"postgresql://someone:{PASSWORD}@127.0.0.1:1/shop", small_data, "run"),  # cannot connect
        cli(url, small_data, "status"),
        cli(uri_form, small_data, "status", "--limit", "50"),
    ]
    codes = [r.returncode for r in results]
    assert codes[0] == 0 and codes[1] == 0 and codes[2] == 1 and codes[4] == 2 and codes[5] == 2, codes
    assert codes[6] == 0 and codes[7] == 0, codes
    for result in results:
        assert PASSWORD not in result.stdout, result.args
        assert PASSWORD not in result.stderr, result.args
        assert "Traceback" not in result.stderr, result.stderr
    assert "failed" in results[6].stdout

    leaks = db.query(
        """
        SELECT 'runs', run_id::text, t.col FROM pipeline.runs AS r,
            LATERAL (SELECT key AS col, value FROM jsonb_each_text(to_jsonb(r))) AS t
        WHERE t.value LIKE %(pattern)s
        UNION ALL
        SELECT 'steps', step_id::text, t.col FROM pipeline.steps AS s,
            LATERAL (SELECT key AS col, value FROM jsonb_each_text(to_jsonb(s))) AS t
        WHERE t.value LIKE %(pattern)s
        """,
        {"pattern": f"%{PASSWORD}%"},
    )
    assert leaks == []
    assert db.scalar("SELECT count(*) FROM pipeline.runs") >= 4


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://pipeline:Zq7-pw%zz@localhost/shop",  # a malformed %-escape in the password
        "postgresql://pipeline:Zq7-pw%4@localhost/shop",  # an escape cut short
        "host=localhost user=pipeline password=Zq7-pw not-in-logs",  # an unquoted space in a key=value password
    ],
    ids=["bad-escape", "short-escape", "unquoted-space"],
)
@pytest.mark.parametrize("command", ["run", "status"])
def test_a_malformed_database_url_exits_2_in_one_paragraph_without_the_password(url, command, tmp_path):
    """issue 14 item 7: libpq's own message may quote the password, so none of the URL is repeated."""
    result = cli(url, tmp_path, command)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("error: DATABASE_URL is not a valid PostgreSQL connection string")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Zq7-pw" not in result.stderr and "not-in-logs" not in result.stderr


def test_db_url_help_says_it_prints_the_password():
    result = subprocess.run(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), "db-url", "--help"],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "password included" in " ".join(result.stdout.split())


def test_dotenv_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in [line.strip() for line in ignored]
    check = subprocess.run(["git", "check-ignore", "-q", ".env"], check=False, cwd=ROOT)
    assert check.returncode == 0, ".env would be committed"


def test_embedded_server_listens_on_no_tcp_address(server):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: not the embedded server")
    conn = psycopg2.connect(server.admin)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW listen_addresses")
            assert cur.fetchone()[0] == ""
    finally:
        conn.close()


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("month", ["13", "0", "1; DROP TABLE x", "-1", "1.5", "twelve", "1 OR 1=1"])
def test_bad_fiscal_year_start_month_is_rejected_before_any_sql(db: Database, small_data, month: str):
    result = run_cli(db, small_data, "run", env={"FISCAL_YEAR_START_MONTH": month})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "FISCAL_YEAR_START_MONTH" in result.stderr and "1 to 12" in result.stderr, result.stderr
    assert repr(month) in result.stderr or month in result.stderr
    # Nothing ran: not even the setup stage.
    assert db.scalar("SELECT to_regclass('pipeline.runs')") is None
