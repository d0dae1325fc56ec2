"""Benchmark the full pipeline against a bare COPY of the same files (run on purpose).

    python tests/benchmarks/bench_pipeline.py --scale 40

Generates (or reuses) a one-batch data set under data/bench/<scale>/full, creates a fresh
database, runs `pipeline_orchestrator.py run` on it as a subprocess, and prints per stage
and per step: seconds, rows, rows/s; the orchestrator's peak RSS; then, on the same files
and the same server, a bare client-side COPY into UNLOGGED all-text tables, and the ratio
full pipeline / bare COPY. The server is DATABASE_URL when set (the role needs CREATEDB),
else the embedded server in PIPELINE_PGDATA (default .pgdata). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pipeline_orchestrator as po  # the repository root is on sys.path only now

RAW_FILES = po.RAW_FILES


# --------------------------------------------------------------------------- machine


def machine_description(cur) -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cur.execute("SELECT version()")
    version = cur.fetchone()[0].split(",")[0]
    settings = []
    for name in (
        "shared_buffers",
        "work_mem",
        "maintenance_work_mem",
        "max_wal_size",
        "wal_level",
        "synchronous_commit",
        "max_parallel_workers_per_gather",
    ):
        cur.execute("SELECT current_setting(%s)", (name,))
        settings.append(f"{name}={cur.fetchone()[0]}")
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, {ram_gb:.1f} GiB RAM, {platform.system()} {platform.release()}",
        f"server:  {version}",
        (
            f"         {' '.join(settings)} (server settings; the orchestrator sets "
            f"work_mem={po.SESSION_SETTINGS['work_mem']}, "
            f"maintenance_work_mem={po.SESSION_SETTINGS['maintenance_work_mem']} per session)"
        ),
    ]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------- data and database


def data_set(scale: float, seed: int, batches: int, defect_rate: float, kind: str) -> Path:
    """data/bench/<scale>/<kind>: generated once, reused while seed, batches and defect rate match."""
    out = ROOT / "data" / "bench" / f"{scale:g}" / kind
    marker = out / f".generated-seed{seed}-batches{batches}-defects{defect_rate:g}"
    if not marker.exists():
        if out.exists():
            for path in sorted(out.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        started = time.perf_counter()
        import generators

        generators.generate(out, scale=scale, seed=seed, batches=batches, defect_rate=defect_rate)
        marker.touch()
        print(f"generated {out.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    else:
        print(f"reusing {out.relative_to(ROOT)}")
    return out


def server_url() -> str:
    """The server to benchmark on: DATABASE_URL, else the embedded server (started if needed)."""
    settings = po.load_settings()
    return po.database_url(settings)


def admin_url(url: str) -> str:
    """A URL that may create databases: DATABASE_URL itself, or the embedded server's superuser."""
    if os.environ.get("DATABASE_URL"):
        return url
    params = psycopg2.extensions.parse_dsn(url)
    return psycopg2.extensions.make_dsn(host=params["host"], dbname="postgres", user="postgres")


def drop_database(url: str, name: str) -> None:
    admin = psycopg2.connect(admin_url(url))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


def fresh_database(url: str, name: str) -> str:
    """Drop and create database `name` on url's server, owned by url's role; return its URL."""
    drop_database(url, name)
    owner = psycopg2.extensions.parse_dsn(url).get("user")
    admin = psycopg2.connect(admin_url(url))
    admin.autocommit = True
    with admin.cursor() as cur:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner and not os.environ.get("DATABASE_URL"):
            # as the embedded server's own database is made (see EMBEDDED_DATABASE_OPTIONS)
            statement += sql.SQL(" OWNER {} ").format(sql.Identifier(owner)) + sql.SQL(po.EMBEDDED_DATABASE_OPTIONS)
        cur.execute(statement)
    admin.close()
    return psycopg2.extensions.make_dsn(url, dbname=name)


# --------------------------------------------------------------------------- the pipeline


def run_orchestrator(url: str, data_dir: Path, log: Path, args: list[str] | None = None) -> tuple[float, int]:
    """Run the orchestrator as a subprocess; return its wall seconds and peak RSS (KiB).

    os.wait4 gives the rusage of exactly this child (RUSAGE_CHILDREN would also count the
    generator's worker processes).
    """
    env = dict(os.environ, DATABASE_URL=url, PIPELINE_DATA_DIR=str(data_dir))
    # The pipeline is staging -> quality; the HTML dashboard is presentation, timed on its own.
    env.setdefault("PIPELINE_DASHBOARD", "off")
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "pipeline_orchestrator.py"), "run", *(args or [])],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"the pipeline failed (exit {code}); output in {log}:\n{log.read_text()[-3000:]}")
    return seconds, usage.ru_maxrss


def step_figures(url: str) -> list[tuple[str, str, float, int]]:
    """(stage, sql_file, seconds, rows) of the latest run, in run order."""
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT stage, sql_file, duration_seconds, rows_affected FROM pipeline.steps "
            "WHERE run_id = (SELECT max(run_id) FROM pipeline.runs) ORDER BY step_id"
        )
        rows = [(s, short_name(f), float(d), int(r)) for s, f, d, r in cur.fetchall()]
    conn.close()
    return rows


class PeakSize:
    """The largest pg_database_size seen while the block runs, sampled on a thread of its own
    (the scratch tables of a stage live until it commits: the peak is what the disk must hold)."""

    INTERVAL = 0.5

    def __init__(self, url: str) -> None:
        self.url, self.bytes = url, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        conn = psycopg2.connect(self.url)
        conn.autocommit = True
        with conn.cursor() as cur:
            while not self.done.wait(self.INTERVAL):
                cur.execute("SELECT pg_database_size(current_database())")
                self.bytes = max(self.bytes, int(cur.fetchone()[0]))
        conn.close()

    def __enter__(self) -> PeakSize:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        self.thread.join()


def stage_seconds(url: str) -> dict[str, float]:
    """Seconds per stage of the latest run, in run order: the union of its steps' intervals.
    A serial stage gets the sum of its steps; the quality checks, which run side by side on
    two connections, count once (their own seconds overlap)."""
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT g.stage, coalesce(extract(EPOCH FROM sum(upper(r.span) - lower(r.span))), 0)
            FROM (
                SELECT
                    s.stage,
                    min(s.step_id) AS first_step,
                    range_agg(tstzrange(s.started_at, s.started_at + s.duration_seconds * INTERVAL '1 second')) AS spans
                FROM pipeline.steps AS s
                WHERE s.run_id = (SELECT max(run_id) FROM pipeline.runs)
                GROUP BY s.stage
            ) AS g
            LEFT JOIN LATERAL unnest(g.spans) AS r (span) ON TRUE
            GROUP BY g.stage, g.first_step
            ORDER BY g.first_step
            """
        )
        totals = {stage: float(seconds) for stage, seconds in cur.fetchall()}
    conn.close()
    return totals


def database_size(url: str) -> tuple[int, int]:
    """(bytes on disk of the database, order lines in production) after the load.

    On Citus this is the coordinator's database only: the workers' shards are not counted.
    """
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database()), (SELECT count(*) FROM production.transaction_items)")
        size, lines = cur.fetchone()
    conn.close()
    return int(size), int(lines)


def short_name(sql_file: str) -> str:
    """sql/<layer>/<file>, also for files run from a PIPELINE_SQL_DIR outside the repository."""
    return "/".join(Path(sql_file).parts[-2:])


def print_steps(steps: list[tuple[str, str, float, int]], stages: dict[str, float], slowest: int) -> None:
    rows_by_stage: dict[str, int] = {}
    for stage, _f, _seconds, rows in steps:
        rows_by_stage[stage] = rows_by_stage.get(stage, 0) + rows
    print(f"\n{'stage':<12}{'seconds':>10}{'rows':>14}{'rows/s':>14}")
    for stage, seconds in stages.items():
        rows = rows_by_stage.get(stage, 0)
        print(f"{stage:<12}{seconds:>10.2f}{rows:>14,}{rows / seconds if seconds else 0:>14,.0f}")
    print(f"{'all steps':<12}{sum(stages.values()):>10.2f}")
    print(f"\nslowest {slowest} steps:")
    print(f"  {'step':<56}{'seconds':>9}{'rows':>13}{'rows/s':>12}")
    for _stage, sql_file, seconds, rows in sorted(steps, key=lambda s: -s[2])[:slowest]:
        print(f"  {sql_file:<56}{seconds:>9.2f}{rows:>13,}{rows / seconds if seconds else 0:>12,.0f}")


# --------------------------------------------------------------------------- bare COPY


def bare_copy(url: str, batch: Path) -> tuple[float, int, list[tuple[str, float, int]]]:
    """COPY each CSV as-is into an UNLOGGED all-text table: the floor for loading these bytes."""
    conn = psycopg2.connect(url)
    per_file = []
    total_rows = 0
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA IF NOT EXISTS bench")
        for name in RAW_FILES:
            path = batch / name
            with path.open("rb") as fh:
                header = fh.readline().decode("utf-8-sig").strip().split(",")
            table = sql.Identifier("bench", path.stem)
            columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in header)
            t0 = time.perf_counter()
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
            cur.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(table, columns))
            with path.open("rb") as fh:
                cur.copy_expert(
                    sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv, HEADER true)").format(table).as_string(conn), fh, size=1 << 20
                )
            rows = cur.rowcount
            conn.commit()
            per_file.append((name, time.perf_counter() - t0, rows))
            total_rows += rows
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, total_rows, per_file


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=40, help="generator scale; 1 = ~25,000 items")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--defect-rate", type=float, default=0.01)
    parser.add_argument("--database", default=None, help="name of the fresh database (default bench_<scale>)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="use DATABASE_URL's own database (its pipeline schemas are dropped first) instead "
        "of a fresh one: for a Citus cluster, where a new database needs the extension "
        "and the workers added on every node",
    )
    parser.add_argument("--slowest", type=int, default=10, help="how many of the slowest steps to list")
    parser.add_argument(
        "--no-dashboard",
        action="store_true",
        help="do not time the HTML dashboard afterwards (it reads the whole warehouse: about 200 s at scale 400)",
    )
    args = parser.parse_args()

    data_dir = data_set(args.scale, args.seed, 1, args.defect_rate, "full")
    batch = next(p for p in sorted(data_dir.iterdir()) if p.is_dir())
    size = sum((batch / f).stat().st_size for f in RAW_FILES)
    url = server_url()
    name = args.database or f"bench_{args.scale:g}".replace(".", "_")
    if args.in_place:
        if not os.environ.get("DATABASE_URL"):
            parser.error("--in-place needs DATABASE_URL")
        bench_url = url
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS pipeline, staging, production, warehouse, analytics, bench CASCADE")
        conn.close()
    else:
        bench_url = fresh_database(url, name)

    conn = psycopg2.connect(bench_url)
    with conn.cursor() as cur:
        for line in machine_description(cur):
            print(line)
    conn.close()
    print(f"data:    {batch.relative_to(ROOT)}, {size / 1e6:,.0f} MB, scale {args.scale:g}")

    load_before = load_average()
    log = Path("/tmp") / f"bench_pipeline_{name}.log"
    with PeakSize(bench_url) as peak:
        seconds, peak_kib = run_orchestrator(bench_url, data_dir, log)
    load_after = load_average()
    steps = step_figures(bench_url)
    stages = stage_seconds(bench_url)
    print(
        f"\nfull pipeline (`pipeline_orchestrator.py run`, subprocess): {seconds:.2f} s wall "
        f"(load average before {load_before}, after {load_after}); log {log}"
    )
    print(f"orchestrator peak RSS: {peak_kib / 1024:,.0f} MiB")
    db_bytes, lines = database_size(bench_url)
    print(f"database size after the load: {db_bytes / 1e6:,.0f} MB, {db_bytes / max(lines, 1):,.0f} bytes per order line")
    print(
        f"database size at its peak during the load (sampled every {PeakSize.INTERVAL} s): "
        f"{peak.bytes / 1e6:,.0f} MB, {peak.bytes / max(lines, 1):,.0f} bytes per order line"
    )
    print(f"quality stage: {stages.get('quality', 0.0):.2f} s, {stages.get('quality', 0.0) / seconds:.1%} of the run")
    print_steps(steps, stages, args.slowest)

    if not args.no_dashboard:
        env = dict(os.environ, DATABASE_URL=bench_url, PIPELINE_DATA_DIR=str(data_dir))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "pipeline_orchestrator.py"), "dashboard", "--out", str(log.with_suffix(".html"))],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(
            "HTML dashboard (`pipeline_orchestrator.py dashboard`, not part of the pipeline): "
            f"{time.perf_counter() - started:.2f} s"
        )

    # The fastest of three: the floor is what the server can do, not one unlucky run.
    # In a fresh database of its own, once the pipeline's is dropped: at scale 4,000 the disk
    # does not hold both (--keep and --in-place copy into the pipeline's database, as before).
    copy_url = bench_url
    if not args.keep and not args.in_place:
        drop_database(url, name)
        copy_url = fresh_database(url, f"{name}_copy")
    tries = []
    for _ in range(3):
        tries.append(bare_copy(copy_url, batch))
        print(f"bare COPY, try {len(tries)}: {tries[-1][0]:.2f} s", flush=True)
    if copy_url != bench_url:
        drop_database(url, f"{name}_copy")
    copy_seconds, copy_rows, per_file = min(tries)
    print(
        f"\nbare COPY (UNLOGGED all-text tables, client-side COPY FROM STDIN), the fastest of "
        f"{', '.join(f'{t[0]:.2f}' for t in tries)} s, load {load_average()}:"
    )
    for file_name, s, rows in per_file:
        print(f"  {file_name:<26}{s:>9.2f} s{rows:>13,} rows{rows / s:>12,.0f} rows/s")
    print(
        f"  {'total':<26}{copy_seconds:>9.2f} s{copy_rows:>13,} rows{copy_rows / copy_seconds:>12,.0f} rows/s "
        f"({size / 1e6 / copy_seconds:,.0f} MB/s)"
    )
    print(f"\nratio full pipeline / bare COPY: {seconds / copy_seconds:.1f}x ({seconds:.2f} s / {copy_seconds:.2f} s)")


if __name__ == "__main__":
    main()
