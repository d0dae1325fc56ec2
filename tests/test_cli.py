"""The command line a user follows (issue 18): compact progress and the closing summary, -v,
status [RUN] [--json], --version, plan / run --dry-run, run --select, quality --select, usage
errors, doctor, serve / stop, PIPELINE_SCALE and PIPELINE_SEED.

Every test runs the orchestrator as a subprocess on small hand-written batches whose answers
are known, and asserts the exact lines, exit codes, JSON values and database rows. The
read-only tests share one database loaded once for the module (`loaded`); the tests that
write get a fresh database of their own. (`run | head -3` is tests/test_reliability.py's.)
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
import psycopg2.errors
import pytest
from conftest import (
    CUSTOMERS,
    ITEMS,
    PRODUCTS,
    ROOT,
    TRANSACTIONS,
    Database,
    as_os_user,
    free_ports,
    fresh_database,
    run_cli,
    run_ok,
    table_counts,
    write_batch,
)

import pipeline_orchestrator as orchestrator

pytestmark = pytest.mark.slow  # end to end: not part of the fast subset (pytest -m "not slow")

SQL = ROOT / "sql"
CHECK_NAMES = [p.stem for p in sorted((SQL / "90_quality").glob("*.sql"))]
# the create / upgrade files of a layer: what `plan` lists as still to apply on a new database
SETUP_FILES = [p.name for p in sorted((SQL / "00_setup").glob("*.sql")) if re.match(r"\d{3}_(create|upgrade)_", p.name)]
VIEW_FILES = [p.name for p in sorted((SQL / "40_analytics").glob("*.sql"))]
BATCH_1, BATCH_2 = "2024-12-31", "2025-01-01"

# Batch 1: the hand-written batch of conftest (CUSTOMERS, PRODUCTS, TRANSACTIONS, ITEMS).
# Batch 2: a new customer C4 and her order T4 (loaded); T5 has a negative total (quarantined);
# T6 and its item I7 name customer C9, who has not arrived yet (waiting). 6 rows in: 3 loaded,
# 1 quarantined, 2 waiting.
CUSTOMERS_2 = [
    "C4,Dee,Fox,dee@example.com,555-0104,2024-12-20,Denver,Colorado,United States,25-34",
]
PRODUCTS_2 = []  # the header only
TRANSACTIONS_2 = [
    'T4,C4,2024-12-31,09:00:00,Credit Card,"4 Pine St, Denver",10.00',
    'T5,C1,2024-12-31,10:00:00,PayPal,"1 Main St, Boston",-5.00',
    'T6,C9,2024-12-31,11:00:00,PayPal,"9 Bay St, Austin",1000.00',
]
ITEMS_2 = [
    "I6,T4,P2,1,10.00,0,10.00",
    "I7,T6,P1,1,1000.00,0,1000.00",
]
# What each batch's production stage reports: staged, loaded, repeated, quarantined, waiting.
BATCH_ROWS = {BATCH_1: (13, 9, 0, 4, 0), BATCH_2: (6, 3, 0, 1, 2)}
SUMMARY_TWO_BATCHES = [  # the closing summary's layer and quarantine lines after both batches
    "production 3 customers, 2 products, 3 transactions, 4 transaction_items",
    "warehouse 3 dim_customers, 2 dim_products, 1,461 dim_date, 4 fact_sales, 2 agg_daily_sales",
    "waiting 1 transactions, 1 transaction_items",
]
QUARANTINED_TWO_BATCHES = [  # 740_select_quarantine_by_rule for the run that loaded both batches
    {
        "source_file": "customers.csv",
        "rule_name": "invalid_email",
        "row_count": 1,
        "example_reason": "email 'not-an-email' is not a valid address",
    },
    {
        "source_file": "transaction_items.csv",
        "rule_name": "parent_rejected",
        "row_count": 1,
        "example_reason": "transaction_id 'T3' was quarantined, so its items cannot be loaded",
    },
    {
        "source_file": "transaction_items.csv",
        "rule_name": "quantity_not_positive",
        "row_count": 1,
        "example_reason": "quantity 0 must be greater than 0",
    },
    {
        "source_file": "transactions.csv",
        "rule_name": "negative_amount",
        "row_count": 1,
        "example_reason": "total_amount -5.00 must not be negative",
    },
    {
        "source_file": "transactions.csv",
        "rule_name": "parent_rejected",
        "row_count": 1,
        "example_reason": "customer_id 'C3' was quarantined, so its orders cannot be loaded",
    },
]
FIRST_BATCH_LINES = [
    f"staging {BATCH_1} 13 rows from 4 files",
    f"production {BATCH_1} 13 rows in: 9 loaded, 0 repeated, 4 quarantined, 0 waiting",
    f"warehouse {BATCH_1} 3 fact rows, 2 customer and 2 product versions written",
]
SECOND_BATCH_LINES = [
    f"staging {BATCH_2} 6 rows from 4 files",
    f"production {BATCH_2} 6 rows in: 3 loaded, 0 repeated, 1 quarantined, 2 waiting",
    f"warehouse {BATCH_2} 1 fact rows, 1 customer and 0 product versions written",
]


# --------------------------------------------------------------------------- helpers


def write_first_batch(data_dir: Path) -> None:
    write_batch(data_dir, BATCH_1, customers=CUSTOMERS, products=PRODUCTS, transactions=TRANSACTIONS, items=ITEMS)


def write_second_batch(data_dir: Path) -> None:
    write_batch(data_dir, BATCH_2, customers=CUSTOMERS_2, products=PRODUCTS_2, transactions=TRANSACTIONS_2, items=ITEMS_2)


def two_batches(base: Path) -> Path:
    data = base / "raw"
    write_first_batch(data)
    write_second_batch(data)
    return data


def words(line: str) -> str:
    """A line with its runs of spaces made one (the columns' widths are layout, not content)."""
    return " ".join(line.split())


def untimed(line: str) -> str:
    """A stage line without its trailing seconds ('... 0.13 s'), spaces made one."""
    return words(re.sub(r"\s+\d+\.\d{2} s$", "", line))


def where(path: Path) -> str:
    """A path as the orchestrator prints it (relative to the repository, else absolute)."""
    return orchestrator.rel(path)


def target_of(db: Database) -> str:
    with contextlib.closing(psycopg2.connect(db.url)) as conn:
        return orchestrator.detect_target(conn).describe()


def summary_tail(run_id: int, lines: list[str]) -> tuple[str, list[str]]:
    """Split stdout at the closing summary: ('run N succeeded in X s' checked, the lines after it)."""
    header = next(i for i, line in enumerate(lines) if line.startswith(f"run {run_id} succeeded in "))
    assert re.fullmatch(rf"run {run_id} succeeded in \d+\.\d s", lines[header]), lines[header]
    return lines[header], [words(line) for line in lines[header + 1 :]]


VERBOSE_LINE = re.compile(r"^    (\S+) +(?:(\d{4}-\d\d-\d\d) +)?(\S+\.sql) +(.+?) +\d+\.\d\d s$")


def verbose_files(stdout: str) -> list[tuple[str, str | None, str, str]]:
    """The -v lines: (stage, batch, file name, '<rows> rows' or the check's verdict)."""
    return [m.groups() for m in map(VERBOSE_LINE.match, stdout.splitlines()) if m]


def run_steps(db: Database, run_id: int) -> list[tuple]:
    return db.query(
        "SELECT stage, batch_id, sql_file, rows_affected, outcome FROM pipeline.steps WHERE run_id = %s ORDER BY step_id",
        (run_id,),
    )


def cli(tmp_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI for commands that need no database. DATABASE_URL names a closed port, so that
    nothing can reach (or start) a server, and every path points into tmp_path."""
    (port,) = free_ports(1)
    full_env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://pipeline@127.0.0.1:{port}/ecommerce",
        "PIPELINE_DATA_DIR": str(tmp_path / "raw"),
        "PIPELINE_PGDATA": str(tmp_path / "pgdata"),
        "PIPELINE_DASHBOARD": str(tmp_path / "dashboard.html"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "pipeline_orchestrator.py"), *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def nothing_created(db: Database) -> bool:
    return db.scalar(
        "SELECT to_regclass('pipeline.runs') IS NULL AND NOT EXISTS (SELECT 1 FROM pg_namespace "
        "WHERE nspname IN ('staging', 'production', 'warehouse', 'analytics', 'pipeline'))"
    )


def number(value) -> int:
    """A count as `status --json` prints it. The batches' counts arrive as strings ("13"), see
    test_status_json_prints_counts_as_json_numbers; the values are compared exactly all the same."""
    assert isinstance(value, int) or (isinstance(value, str) and value.isdigit()), value
    return int(value)


# --------------------------------------------------------------------------- one loaded database


@dataclass
class Loaded:
    db: Database
    data: Path
    first: subprocess.CompletedProcess  # run 1: `pipeline_orchestrator.py`, loads both batches
    verbose: subprocess.CompletedProcess  # run 2: `run -v`, nothing new
    again: subprocess.CompletedProcess  # run 3: `run`, nothing new


@pytest.fixture(scope="module")
def loaded(server, tmp_path_factory) -> Loaded:
    """Both hand-written batches loaded by one run, then run twice more; read only after that."""
    data = two_batches(tmp_path_factory.mktemp("cli"))
    with fresh_database(server) as db:
        first = run_ok(db, data)
        verbose = run_ok(db, data, "run", "-v")
        again = run_ok(db, data, "run")
        yield Loaded(db, data, first, verbose, again)


# --------------------------------------------------------------------------- 1. progress and summary


def test_a_run_prints_one_line_per_stage_and_batch_then_the_summary(loaded):
    result = loaded.first
    lines = result.stdout.splitlines()
    header, summary = summary_tail(1, lines)
    stage_lines = [untimed(line) for line in lines[: lines.index(header)]]
    assert stage_lines == [
        f"setup {len(SETUP_FILES)} file(s) applied",
        *FIRST_BATCH_LINES,
        *SECOND_BATCH_LINES,
        f"analytics {len(VIEW_FILES)} view(s) created",
        f"quality {len(CHECK_NAMES)} checks: {len(CHECK_NAMES)} passed, 0 warned, 0 failed",
    ]
    assert summary == [
        f"batches 2 advanced by this run ({BATCH_1}, {BATCH_2}); 2 of 2 complete",
        *SUMMARY_TWO_BATCHES,
        "quarantined 5 rows by this run: parent_rejected 2, invalid_email 1, negative_amount 1, "
        "quantity_not_positive 1 (pipeline.rejected_rows)",
        f"checks {len(CHECK_NAMES)} of {len(CHECK_NAMES)} passed",
        f"dashboard {where(loaded.data.parent / 'dashboard.html')}",
    ]
    assert ".sql" not in result.stdout  # no line per file without -v
    assert result.stderr == ""
    # the summary's quarantine is the ledger's
    assert loaded.db.query("SELECT rule_name, count(*) FROM pipeline.rejected_rows GROUP BY 1 ORDER BY 1") == [
        ("invalid_email", 1),
        ("negative_amount", 1),
        ("parent_rejected", 2),
        ("quantity_not_positive", 1),
    ]


def test_a_second_run_prints_no_setup_line_and_run_v_a_line_per_sql_file(loaded):
    # run 3, `run`: nothing to apply, nothing to load, no line per file
    lines = loaded.again.stdout.splitlines()
    header, summary = summary_tail(3, lines)
    assert [untimed(line) for line in lines[: lines.index(header)]] == [
        f"no new batch to load: every batch under {where(loaded.data)} is already loaded (re-running changes nothing)",
        "analytics views unchanged",
        f"quality {len(CHECK_NAMES)} checks: {len(CHECK_NAMES)} passed, 0 warned, 0 failed",
    ]
    assert summary == [
        "batches 0 advanced by this run; 2 of 2 complete",
        *SUMMARY_TWO_BATCHES,
        "quarantined 0 rows by this run (pipeline.rejected_rows)",
        f"checks {len(CHECK_NAMES)} of {len(CHECK_NAMES)} passed",
        f"dashboard {where(loaded.data.parent / 'dashboard.html')}",
    ]
    assert ".sql" not in loaded.again.stdout

    # run 2, `run -v`: a line for each file it executed (the grant, run every time, and the
    # checks), exactly the steps it recorded, in order; still no setup stage line
    steps = run_steps(loaded.db, 2)
    assert [(st[0], Path(st[2]).name) for st in steps] == [
        ("setup", "080_grant_bi_reader.sql"),
        *(("quality", f"{name}.sql") for name in CHECK_NAMES),
    ]
    assert verbose_files(loaded.verbose.stdout) == [
        ("setup", None, "080_grant_bi_reader.sql", "0 rows"),
        *(("quality", None, f"{name}.sql", "ok") for name in CHECK_NAMES),
    ]
    assert not [line for line in loaded.verbose.stdout.splitlines() if re.match(r"  setup ", line)]


@pytest.mark.parametrize("args", [("-v",), ("run", "-v")], ids=["pipeline_orchestrator.py -v", "run -v"])
def test_verbose_prints_a_line_for_every_sql_file_a_load_executes(db, tmp_path, args):
    data = tmp_path / "raw"
    write_first_batch(data)
    result = run_ok(db, data, *args)
    steps = run_steps(db, 1)
    assert len(steps) == len(list(SQL.glob("[0-4]0_*/*.sql"))) + len(CHECK_NAMES)  # every file ran once
    # each file's line: its stage, its batch, its name and the rows it recorded (a check: its verdict)
    assert verbose_files(result.stdout) == [
        (stage, batch, Path(sql_file).name, "ok" if stage == "quality" else f"{rows:,} rows")
        for stage, batch, sql_file, rows, _outcome in steps
    ]
    assert ("warehouse", BATCH_1, "360_merge_fact_sales.sql", "3 rows") in verbose_files(result.stdout)
    # the stage lines are still there
    stage_lines = [untimed(line) for line in result.stdout.splitlines() if line.startswith("  ") and not line.startswith("    ")]
    assert stage_lines[1:4] == FIRST_BATCH_LINES


# --------------------------------------------------------------------------- 2. status


def test_status_lists_batches_layers_runs_and_the_latest_runs_checks(loaded):
    db = loaded.db
    result = run_ok(db, loaded.data, "status")
    lines = [words(line) for line in result.stdout.splitlines()]
    assert lines[0] == f"target: {target_of(db)}"
    assert lines[2] == "batch status staged loaded repeated quarantined waiting balanced"
    assert lines[3:5] == [f"{batch} complete {' '.join(map(str, rows))} yes" for batch, rows in BATCH_ROWS.items()]
    assert lines[6:10] == [*SUMMARY_TWO_BATCHES, "quarantine 5 rejected_rows"]
    assert lines[11] == "run status started seconds steps command"
    step_counts = dict(db.query("SELECT run_id, count(*) FROM pipeline.steps GROUP BY 1"))
    runs = [
        re.fullmatch(r"(\d+) (\S+) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \d+\.\d (\d+) (.+)", line).groups() for line in lines[12:15]
    ]
    assert runs == [
        ("3", "succeeded", str(step_counts[3]), "pipeline_orchestrator.py run"),
        ("2", "succeeded", str(step_counts[2]), "pipeline_orchestrator.py run -v"),
        ("1", "succeeded", str(step_counts[1]), "pipeline_orchestrator.py"),
    ]
    assert lines[15:] == [
        "",
        f"checks of run 3: {len(CHECK_NAMES)} of {len(CHECK_NAMES)} passed",
        "",
        "`status RUN` shows one run's steps, what it quarantined and its checks.",
    ]


STEP_LINE = re.compile(r"(\S+) +(?:(\d{4}-\d\d-\d\d) +)?(sql/\S+) +([\d,]+) +\d+\.\d\d +(.+)")


def test_status_run_shows_its_steps_and_what_it_quarantined_by_rule(loaded):
    db = loaded.db
    result = run_ok(db, loaded.data, "status", "1")
    lines = result.stdout.splitlines()
    assert lines[0] == f"target: {target_of(db)}"
    user = db.scalar("SELECT db_user FROM pipeline.runs WHERE run_id = 1")
    assert re.fullmatch(
        rf"run 1: succeeded, pipeline_orchestrator\.py, started \d{{4}}-\d\d-\d\d "
        rf"\d\d:\d\d:\d\d, \d+\.\d s, by {re.escape(user)}",
        lines[1],
    ), lines[1]
    assert words(lines[3]) == "stage batch file rows seconds outcome"
    quarantine_at = lines.index("quarantined by this run:")
    steps = [STEP_LINE.fullmatch(line).groups() for line in lines[4 : quarantine_at - 1]]
    assert steps == [(stage, batch, sql_file, f"{rows:,}", outcome) for stage, batch, sql_file, rows, outcome in run_steps(db, 1)]
    assert [s for s in steps if s[2] == "sql/30_warehouse/360_merge_fact_sales.sql"] == [
        ("warehouse", BATCH_1, "sql/30_warehouse/360_merge_fact_sales.sql", "3", "succeeded"),
        ("warehouse", BATCH_2, "sql/30_warehouse/360_merge_fact_sales.sql", "1", "succeeded"),
    ]
    checks_at = next(i for i, line in enumerate(lines) if line.startswith("checks: "))
    assert [words(line) for line in lines[quarantine_at + 1 : checks_at - 1]] == [
        words(f"{q['source_file']} {q['rule_name']} {q['row_count']} e.g. {q['example_reason']}") for q in QUARANTINED_TWO_BATCHES
    ]


def test_status_run_shows_its_checks(loaded):
    result = run_ok(loaded.db, loaded.data, "status", "1")
    assert [
        line
        for line in result.stdout.splitlines()
        if line.startswith("checks") and f"{len(CHECK_NAMES)} of {len(CHECK_NAMES)} passed" in line
    ], result.stdout


def test_status_of_a_run_that_does_not_exist_exits_1_naming_the_latest(loaded):
    result = run_cli(loaded.db, loaded.data, "status", "999")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "error: there is no run 999 (the latest is 3).\n")


def test_status_json_holds_the_batches_layers_runs_and_checks_as_sql_counts_them(loaded):
    db = loaded.db
    report = json.loads(run_ok(db, loaded.data, "status", "--json").stdout)
    assert set(report) == {"target", "batches", "layers", "runs", "checks"}
    assert report["target"] == target_of(db)

    counts = ("rows_staged", "rows_loaded", "rows_repeated", "rows_quarantined", "rows_waiting")
    for batch in report["batches"]:
        assert set(batch) == {"batch_id", "status", "updated_at", "run_id", *counts, "is_balanced"}
    assert [(b["batch_id"], b["status"], b["run_id"], b["is_balanced"]) for b in report["batches"]] == [
        (BATCH_1, "complete", 1, True),
        (BATCH_2, "complete", 1, True),
    ]
    reported = {b["batch_id"]: tuple(number(b[k]) for k in counts) for b in report["batches"]}
    assert reported == BATCH_ROWS
    assert reported == {
        batch: tuple(map(int, rows))
        for batch, *rows in db.query(
            "SELECT batch_id, sum(raw_rows), sum(inserted + updated), sum(duplicates + superseded), sum(quarantined), "
            "sum(waiting_out) FROM pipeline.reconciliation GROUP BY 1"
        )
    }

    tables = {
        "production": "production.{}",
        "warehouse": "warehouse.{}",
        "waiting": "staging.{}_waiting",
        "quarantine": "pipeline.{}",
    }
    assert [(r["layer"], r["table_name"], r["row_count"]) for r in report["layers"]] == [
        (r["layer"], r["table_name"], db.scalar(f"SELECT count(*) FROM {tables[r['layer']].format(r['table_name'])}"))
        for r in report["layers"]
    ]
    assert [(r["layer"], r["table_name"], r["row_count"]) for r in report["layers"]] == [
        ("production", "customers", 3),
        ("production", "products", 2),
        ("production", "transactions", 3),
        ("production", "transaction_items", 4),
        ("warehouse", "dim_customers", 3),
        ("warehouse", "dim_products", 2),
        ("warehouse", "dim_date", db.scalar("SELECT count(*) FROM warehouse.dim_date")),
        ("warehouse", "fact_sales", 4),
        ("warehouse", "agg_daily_sales", 2),
        ("waiting", "transactions", 1),
        ("waiting", "transaction_items", 1),
        ("quarantine", "rejected_rows", 5),
    ]

    assert [(r["run_id"], r["command"], r["status"], r["steps"], r["error_message"]) for r in report["runs"]] == [
        (run_id, command, "succeeded", steps, None)
        for run_id, command, steps in db.query(
            "SELECT r.run_id, r.command, count(s.step_id)::int FROM pipeline.runs AS r "
            "LEFT JOIN pipeline.steps AS s ON r.run_id = s.run_id GROUP BY 1, 2 ORDER BY 1 DESC"
        )
    ]
    assert [r["command"] for r in report["runs"]] == [
        "pipeline_orchestrator.py run",
        "pipeline_orchestrator.py run -v",
        "pipeline_orchestrator.py",
    ]
    # the checks of the latest run, run 3
    assert [(c["check_name"], c["severity"], c["failing_rows"]) for c in report["checks"]] == db.query(
        "SELECT check_name, severity, failing_rows FROM pipeline.quality_results WHERE run_id = 3 ORDER BY 1"
    )
    assert [c["check_name"] for c in report["checks"]] == CHECK_NAMES
    assert {c["failing_rows"] for c in report["checks"]} == {0}


def test_status_json_prints_counts_as_json_numbers(loaded):
    report = json.loads(run_ok(loaded.db, loaded.data, "status", "--json").stdout)
    assert [[type(b[k]).__name__ for k in b if k.startswith("rows_")] for b in report["batches"]] == [["int"] * 5] * 2


def test_status_run_json_holds_its_steps_quarantine_and_checks(loaded):
    db = loaded.db
    report = json.loads(run_ok(db, loaded.data, "status", "1", "--json").stdout)
    assert set(report) == {"target", "run", "steps", "quarantined", "checks"}
    assert report["target"] == target_of(db)
    run = report["run"]
    assert set(run) == {
        "run_id",
        "command",
        "status",
        "started_at",
        "finished_at",
        "seconds",
        "steps",
        "db_user",
        "error_message",
    }
    assert (run["run_id"], run["command"], run["status"], run["steps"], run["error_message"]) == (
        1,
        "pipeline_orchestrator.py",
        "succeeded",
        len(run_steps(db, 1)),
        None,
    )
    assert [(s["stage"], s["batch_id"], s["sql_file"], s["rows_affected"], s["outcome"]) for s in report["steps"]] == run_steps(
        db, 1
    )
    assert ("warehouse", BATCH_2, "sql/30_warehouse/360_merge_fact_sales.sql", 1, "succeeded") in [
        (s["stage"], s["batch_id"], s["sql_file"], s["rows_affected"], s["outcome"]) for s in report["steps"]
    ]
    assert report["quarantined"] == QUARANTINED_TWO_BATCHES
    assert [(c["check_name"], c["severity"], c["failing_rows"]) for c in report["checks"]] == db.query(
        "SELECT check_name, severity, failing_rows FROM pipeline.quality_results WHERE run_id = 1 ORDER BY 1"
    )
    assert [c["check_name"] for c in report["checks"]] == CHECK_NAMES


# --------------------------------------------------------------------------- 3. --version


def test_version(tmp_path):
    result = cli(tmp_path, "--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, "pipeline_orchestrator.py 3.0.0\n", "")


# --------------------------------------------------------------------------- 4. plan and run --dry-run


def test_plan_and_dry_run_on_a_fresh_database_list_everything_and_create_nothing(db, tmp_path):
    data = two_batches(tmp_path)
    plan = run_ok(db, data, "plan")
    assert [words(line) for line in plan.stdout.splitlines()] == [
        f"plan for {target_of(db)} (nothing is changed; `run` would do this):",
        f"setup {len(SETUP_FILES)} file(s) to apply: {', '.join(SETUP_FILES)}",
        f"staging 2 batch(es): {BATCH_1}, {BATCH_2}",
        f"production 2 batch(es): {BATCH_1}, {BATCH_2}",
        f"warehouse 2 batch(es): {BATCH_1}, {BATCH_2}",
        f"analytics {len(VIEW_FILES)} view(s) to create: {', '.join(VIEW_FILES)}",
        f"quality {len(CHECK_NAMES)} check(s): {', '.join(name[:3] for name in CHECK_NAMES)}",
    ]
    assert "080_grant_bi_reader.sql" not in plan.stdout  # a grant, not a file to apply once
    dry_run = run_ok(db, data, "run", "--dry-run")
    assert dry_run.stdout == plan.stdout
    assert nothing_created(db)
    assert not (tmp_path / "dashboard.html").exists()


def test_plan_and_dry_run_after_a_full_run_have_nothing_to_do_and_record_nothing(loaded):
    db = loaded.db
    runs = db.query("SELECT run_id, status FROM pipeline.runs ORDER BY 1")
    plan = run_ok(db, loaded.data, "plan")
    assert [words(line) for line in plan.stdout.splitlines()] == [
        f"plan for {target_of(db)} (nothing is changed; `run` would do this):",
        "setup schema up to date",
        f"batches no new batch to load: every batch under {where(loaded.data)} is already loaded (re-running changes nothing)",
        "analytics views up to date",
        f"quality {len(CHECK_NAMES)} check(s): {', '.join(name[:3] for name in CHECK_NAMES)}",
    ]
    assert run_ok(db, loaded.data, "run", "--dry-run").stdout == plan.stdout
    assert (
        db.query("SELECT run_id, status FROM pipeline.runs ORDER BY 1")
        == runs
        == [(1, "succeeded"), (2, "succeeded"), (3, "succeeded")]
    )


# --------------------------------------------------------------------------- 5. run --select


def test_run_select_runs_exactly_those_files_for_the_pending_batch(db, tmp_path):
    """Batch 1 loaded; batch 2 staged, its production stage pending (production's tables exist):
    the checks of 210, 220 and 231 are rebuilt for batch 2, and nothing else moves."""
    data = tmp_path / "raw"
    write_first_batch(data)
    run_ok(db, data)
    write_second_batch(data)
    run_ok(db, data, "run", "--to", "staging")
    batches = db.query("SELECT batch_id, status, run_id, updated_at FROM pipeline.batches ORDER BY 1")
    assert [b[:3] for b in batches] == [(BATCH_1, "complete", 1), (BATCH_2, "staged", 2)]
    production = table_counts(db, "production")

    # by number, stem and path, in any order: they run in file order
    result = run_ok(
        db, data, "run", "--select", "231", "220_load_products_checked", "sql/20_production/210_load_customers_checked.sql"
    )
    lines = result.stdout.splitlines()
    assert [untimed(line) for line in lines[:-1]] == [
        f"production {BATCH_2} 210_load_customers_checked.sql 1 rows",
        f"production {BATCH_2} 220_load_products_checked.sql 0 rows",
        f"production {BATCH_2} 231_load_transactions_checked.sql 3 rows",
    ]
    assert re.fullmatch(r"run 3 succeeded in \d+\.\d s \(selected files only: no batch changed state\)", lines[-1])
    assert db.query("SELECT run_id, command, status FROM pipeline.runs WHERE run_id >= 3") == [
        (
            3,
            "pipeline_orchestrator.py run --select 231 220_load_products_checked "
            "sql/20_production/210_load_customers_checked.sql",
            "succeeded",
        )
    ]
    # the grant of the setup stage runs with every command; then exactly the selection
    assert run_steps(db, 3) == [
        ("setup", None, "sql/00_setup/080_grant_bi_reader.sql", 0, "succeeded"),
        ("production", BATCH_2, "sql/20_production/210_load_customers_checked.sql", 1, "succeeded"),
        ("production", BATCH_2, "sql/20_production/220_load_products_checked.sql", 0, "succeeded"),
        ("production", BATCH_2, "sql/20_production/231_load_transactions_checked.sql", 3, "succeeded"),
    ]
    # 231 decided batch 2's transactions against production as it stands: C4 is only merged
    # into production by 218, which was not selected, so T4 waits for its customer like T6
    assert db.query(
        "SELECT batch_id, transaction_id, rule_name, outcome FROM staging.transactions_checked ORDER BY transaction_id"
    ) == [(BATCH_2, "T4", None, "waiting"), (BATCH_2, "T5", "negative_amount", "quarantined"), (BATCH_2, "T6", None, "waiting")]
    assert db.query("SELECT batch_id, status, run_id, updated_at FROM pipeline.batches ORDER BY 1") == batches
    assert table_counts(db, "production") == production

    unknown = run_cli(db, data, "run", "--select", "231", "no_such_file")
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "error: --select no_such_file: no stage and no SQL file of sql/ has that name or number "
        "(stages: setup, staging, production, warehouse, analytics, quality).\n",
    )
    assert "231_load" not in unknown.stdout
    assert db.query("SELECT batch_id, status, run_id, updated_at FROM pipeline.batches ORDER BY 1") == batches

    # the next run carries on with batch 2's production stage as if nothing had been selected
    after = run_ok(db, data)
    assert [untimed(line) for line in after.stdout.splitlines()[:2]] == SECOND_BATCH_LINES[1:]
    assert db.query("SELECT batch_id, status FROM pipeline.batches ORDER BY 1") == [(BATCH_1, "complete"), (BATCH_2, "complete")]


def test_run_select_with_an_unknown_name_changes_nothing_on_a_fresh_database(db, tmp_path):
    data = tmp_path / "raw"
    write_first_batch(data)
    result = run_cli(db, data, "run", "--select", "no_such_file")
    assert result.returncode == 2
    assert nothing_created(db)


def test_quality_select_refuses_an_unknown_check_before_a_warehouse_exists(db, tmp_path):
    data = tmp_path / "raw"
    write_first_batch(data)
    result = run_cli(db, data, "quality", "--select", "999")
    assert (result.returncode, result.stderr) == (
        2,
        f"error: --select 999: there is no such check (checks: {', '.join(CHECK_NAMES)}).\n",
    )


def test_run_dry_run_select_says_what_the_selection_would_run(db, tmp_path):
    data = tmp_path / "raw"
    write_first_batch(data)
    result = run_ok(db, data, "run", "--dry-run", "--select", "231")
    assert "231_load_transactions_checked" in result.stdout
    assert not re.search(r"^\s*warehouse\s+1 batch", result.stdout, re.M), result.stdout


# --------------------------------------------------------------------------- 6. quality --select


def test_quality_select_runs_exactly_those_checks(db, tmp_path):
    data = tmp_path / "raw"
    write_first_batch(data)
    run_ok(db, data)
    result = run_ok(db, data, "quality", "--select", "920", "930")
    lines = result.stdout.splitlines()
    header, summary = summary_tail(2, lines)
    assert [untimed(line) for line in lines[: lines.index(header)]] == ["quality 2 checks: 2 passed, 0 warned, 0 failed"]
    assert summary[-1] == "checks 2 of 2 passed"  # and no dashboard: a partial check writes none
    assert db.query("SELECT check_name, failing_rows FROM pipeline.quality_results WHERE run_id = 2 ORDER BY 1") == [
        ("920_check_fact_sales_matches_production", 0),
        ("930_check_agg_daily_sales_matches_fact", 0),
    ]
    assert [st[2] for st in run_steps(db, 2) if st[0] == "quality"] == [
        "sql/90_quality/920_check_fact_sales_matches_production.sql",
        "sql/90_quality/930_check_agg_daily_sales_matches_fact.sql",
    ]

    unknown = run_cli(db, data, "quality", "--select", "920", "999")
    assert (unknown.returncode, unknown.stderr) == (
        2,
        f"error: --select 999: there is no such check (checks: {', '.join(CHECK_NAMES)}).\n",
    )
    assert db.scalar("SELECT count(*) FROM pipeline.quality_results WHERE run_id > 2") == 0


# --------------------------------------------------------------------------- 7. usage errors


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("run", "--from", "warehouse", "--to", "staging"),
            "error: --from warehouse comes after --to staging; stages run staging -> production -> warehouse -> "
            "analytics -> quality.\n",
        ),
        (("run", "--no-such-option"), "pipeline_orchestrator.py: error: unrecognized arguments: --no-such-option\n"),
        (
            ("generate", "--scale", "0", "--out", "{out}"),
            "error: --scale must be > 0, --batches >= 1 and --defect-rate between 0 and 1.\n",
        ),
    ],
    ids=["from after to", "unknown option", "generate --scale 0"],
)
def test_usage_errors_exit_2_and_change_nothing(db, tmp_path, args, message):
    data = tmp_path / "raw"
    write_first_batch(data)
    out = tmp_path / "generated"
    result = run_cli(db, data, *(a.format(out=out) for a in args))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith(message), result.stderr
    assert result.stderr.startswith("usage: ") if "unrecognized" in message else result.stderr == message
    assert nothing_created(db)
    assert not out.exists()


# --------------------------------------------------------------------------- 8. doctor


def test_doctor_on_a_working_database(loaded):
    db = loaded.db
    result = run_ok(db, loaded.data, "doctor")
    assert result.stderr == ""
    rows = [
        re.fullmatch(r"  (\S+) +(lock report|data disk|server disk|\S+) +(.+)", line).groups()
        for line in result.stdout.splitlines()
    ]
    assert [topic for _verdict, topic, _detail in rows] == [
        "connection",
        "server",
        "role",
        "bi_reader",
        "lock report",
        "data disk",
        "data",
        *["pending"] * 4,
    ]
    checked = {(verdict, topic): detail for verdict, topic, detail in rows if topic != "pending"}
    assert checked[("ok", "connection")] == orchestrator.describe_target(db.url)
    assert checked[("ok", "server")] == target_of(db)
    assert checked[("ok", "role")].startswith(db.scalar("SELECT current_user"))
    assert checked[("ok", "bi_reader")] == "exists: BI tools read warehouse and analytics through it"
    assert checked[("ok", "data")] == f"2 batch folder(s) under {where(loaded.data)}"
    plan = run_ok(db, loaded.data, "plan").stdout.splitlines()[1:]
    assert [(verdict, detail) for verdict, topic, detail in rows if topic == "pending"] == [("ok", line.strip()) for line in plan]


def test_doctor_with_a_closed_port_fails_the_connection_line_without_a_traceback(tmp_path):
    (port,) = free_ports(1)
    result = cli(tmp_path, "doctor", env={"DATABASE_URL": f"postgresql://pipeline@127.0.0.1:{port}/ecommerce"})
    assert result.returncode == 1
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        f"  fail  connection   host 127.0.0.1, port {port}, database ecommerce: Cannot connect to "
        f"PostgreSQL at host 127.0.0.1, port {port}, database ecommerce after 1 attempts ("
    ), line
    assert "Connection refused" in line


# --------------------------------------------------------------------------- 9. serve and stop


def test_serve_opens_the_warehouse_to_the_bi_login_on_127_0_0_1_until_stop(tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: serve is for the embedded server")
    base = Path(tempfile.mkdtemp(prefix="pipeline-test-serve-"))
    base.chmod(0o755)  # the server's own OS user must reach its data directory
    pgdata = base / "pgdata"
    dashboards = tmp_path / "dashboards"
    data = tmp_path / "raw"
    write_first_batch(data)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PIPELINE_PGDATA=str(pgdata), PIPELINE_DATA_DIR=str(data), PIPELINE_DASHBOARD=str(dashboards / "dashboard.html"))

    def ok(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(ROOT / "pipeline_orchestrator.py"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result

    def one(url: str, sql: str):
        with contextlib.closing(psycopg2.connect(url, connect_timeout=5)) as conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()

    def refused(**params) -> str:
        with pytest.raises(psycopg2.OperationalError) as caught:
            psycopg2.connect(host="127.0.0.1", port=port, dbname="ecommerce", connect_timeout=5, **params).close()
        return str(caught.value)

    (port,) = free_ports(1)
    try:
        ok("run")
        socket_url = ok("db-url").stdout.strip()
        (facts,) = one(socket_url, "SELECT count(*) FROM warehouse.fact_sales")
        assert facts == 3

        served = ok("serve", "--port", str(port))
        secret = base / "pgdata.bi_password"
        password = secret.read_text(encoding="utf-8").strip()
        url = f"postgresql://bi_login:{quote(password, safe='')}@127.0.0.1:{port}/ecommerce"
        assert served.stdout.splitlines() == [
            *(f"wrote {where(dashboards / name)}" for name in ("warehouse.pbids", "warehouse.tds", "warehouse_daily.tds")),
            f"serving the warehouse on 127.0.0.1:{port} to bi_login (member of bi_reader; password in {where(secret)}, "
            "mode 0600) until `python pipeline_orchestrator.py stop`:",
            url,
        ]
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600

        # the printed URL: over TCP, the BI login reads the warehouse and nothing else
        assert one(
            url,
            "SELECT host(inet_server_addr()), current_user, current_setting('listen_addresses'), "
            "(SELECT count(*) FROM warehouse.fact_sales)",
        ) == ("127.0.0.1", "bi_login", "127.0.0.1", facts)
        with contextlib.closing(psycopg2.connect(url, connect_timeout=5)) as bi, bi.cursor() as cur:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied for schema production"):
                cur.execute("SELECT count(*) FROM production.customers")
        for user in ("postgres", orchestrator.EMBEDDED_ROLE):
            assert f'no pg_hba.conf entry for host "127.0.0.1", user "{user}", database "ecommerce"' in refused(
                user=user, password=password
            )
        assert 'password authentication failed for user "bi_login"' in refused(user="bi_login", password="not-" + password)

        # the BI tools' files name this server, and no password
        pbids = json.loads((dashboards / "warehouse.pbids").read_text(encoding="utf-8"))
        assert pbids["connections"][0]["details"]["address"] == {"server": f"127.0.0.1:{port}", "database": "ecommerce"}
        for name in ("warehouse.tds", "warehouse_daily.tds"):
            (conn,) = [c for c in ET.parse(dashboards / name).getroot().iter("connection") if c.get("class") == "postgres"]
            assert (conn.get("server"), conn.get("port"), conn.get("dbname"), conn.get("username")) == (
                "127.0.0.1",
                str(port),
                "ecommerce",
                "bi_login",
            )
        for name in ("warehouse.pbids", "warehouse.tds", "warehouse_daily.tds"):
            assert password not in (dashboards / name).read_text(encoding="utf-8")

        stopped = ok("stop")
        assert stopped.stdout == (
            f"stopped the embedded server ({where(pgdata)}); the next command starts it on its Unix socket only\n"
        )
        assert "Connection refused" in refused(user="bi_login", password=password)

        # the next command starts the server on its Unix socket only
        status = ok("status")
        assert f"{BATCH_1}  complete" in status.stdout
        assert one(
            ok("db-url").stdout.strip(), "SELECT current_setting('listen_addresses'), (SELECT count(*) FROM warehouse.fact_sales)"
        ) == ("", facts)
        assert "Connection refused" in refused(user="bi_login", password=password)
    finally:
        with contextlib.suppress(Exception):
            server = orchestrator.embedded_server(pgdata, start=False)
            subprocess.run(
                [str(Path(server.bin_path) / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "stop"],
                check=False,
                capture_output=True,
                **as_os_user(server.system_user),
            )
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- 10. PIPELINE_SCALE, PIPELINE_SEED


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pipeline_scale_and_seed_are_the_generators_defaults(tmp_path):
    from_env = cli(
        tmp_path,
        "generate",
        "--out",
        str(tmp_path / "env"),
        "--batches",
        "1",
        env={"PIPELINE_SCALE": "0.02", "PIPELINE_SEED": "5"},
    )
    from_flags = cli(tmp_path, "generate", "--out", str(tmp_path / "flags"), "--batches", "1", "--scale", "0.02", "--seed", "5")
    assert from_env.returncode == from_flags.returncode == 0, from_env.stderr + from_flags.stderr
    written = tree(tmp_path / "env")
    assert [Path(name).name for name in written] == [
        "_manifest.json",
        "customers.csv",
        "products.csv",
        "transaction_items.csv",
        "transactions.csv",
    ]
    assert written == tree(tmp_path / "flags")
    manifest = json.loads(next(v for k, v in written.items() if k.endswith("_manifest.json")))
    assert (manifest["scale"], manifest["seed"], manifest["files"]["customers.csv"]["rows"]) == (0.02, 5, 20)
    # and a flag wins over the environment
    other = cli(
        tmp_path,
        "generate",
        "--out",
        str(tmp_path / "other"),
        "--batches",
        "1",
        "--seed",
        "6",
        env={"PIPELINE_SCALE": "0.02", "PIPELINE_SEED": "5"},
    )
    assert other.returncode == 0, other.stderr
    manifest = json.loads(next((tmp_path / "other").glob("*/_manifest.json")).read_text(encoding="utf-8"))
    assert (manifest["scale"], manifest["seed"]) == (0.02, 6)
    assert tree(tmp_path / "other").keys() == written.keys() and tree(tmp_path / "other") != written


@pytest.mark.parametrize("variable, value", [("PIPELINE_SCALE", "abc"), ("PIPELINE_SCALE", "0"), ("PIPELINE_SEED", "1.5")])
def test_an_invalid_pipeline_scale_or_seed_exits_2_in_one_line(tmp_path, variable, value):
    result = cli(tmp_path, "generate", "--out", str(tmp_path / "out"), "--batches", "1", env={variable: value})
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: PIPELINE_SCALE must be a number above 0 and PIPELINE_SEED a whole number (now "), line
    assert f"{variable}={value!r}" in line
    assert repr(value) in line
    assert not (tmp_path / "out").exists()
