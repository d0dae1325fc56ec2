"""The per-step floor of the first load: the cheapest form of each heavy step (run on purpose).

    python tests/benchmarks/bench_floor.py --scale 40

On the data set of bench_pipeline.py (data/bench/<scale>/full), in a fresh database: runs the
pipeline up to production (so products and transactions exist), then times, on the same
server in the same run: a bare client-side COPY of the four files into all-text tables; on
PostgreSQL 17+ a COPY of the order lines straight into typed columns with ON_ERROR ignore;
then each "-- step:" block of tests/benchmarks/floor.sql (cheapest casts, the pipeline's
cleaning functions, one pass of rules and lookups, an index, ANALYZE), each in its own
transaction. Prints seconds and microseconds per order line. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import bench_pipeline as bp  # this folder is on sys.path only now
import psycopg2

FLOOR_SQL = Path(__file__).with_name("floor.sql")
TYPED_ITEMS = (
    "CREATE UNLOGGED TABLE floor.items_typed (item_id text, transaction_id text, product_id text, quantity integer, "
    "unit_price numeric(12, 2), discount_percentage numeric(12, 2), line_total numeric(12, 2))"
)


def floor_steps() -> list[tuple[str, list[str]]]:
    """(label, statements) for each "-- step:" block of floor.sql."""
    steps: list[tuple[str, list[str]]] = []
    for block in re.split(r"^-- step: ", FLOOR_SQL.read_text(encoding="utf-8"), flags=re.M)[1:]:
        label, body = block.split("\n", 1)
        statements = [s.strip() for s in body.split(";") if s.strip() and not s.strip().startswith("--")]
        steps.append((label.strip(), statements))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=40)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--defect-rate", type=float, default=0.01)
    args = parser.parse_args()

    data_dir = bp.data_set(args.scale, args.seed, 1, args.defect_rate, "full")
    batch = next(p for p in sorted(data_dir.iterdir()) if p.is_dir())
    url = bp.server_url()
    name = f"bench_floor_{args.scale:g}".replace(".", "_")
    bench_url = bp.fresh_database(url, name)
    log = Path("/tmp") / f"bench_floor_{name}.log"
    seconds, _ = bp.run_orchestrator(bench_url, data_dir, log, ["--to", "production"])
    print(f"pipeline up to production: {seconds:.2f} s (log {log})")

    copy_seconds, _, per_file = bp.bare_copy(bench_url, batch)
    lines = next(rows for file_name, _, rows in per_file if file_name == "transaction_items.csv")
    items_copy = next(s for file_name, s, _ in per_file if file_name == "transaction_items.csv")
    results = [
        ("bare COPY of all four files (text columns)", copy_seconds),
        ("bare COPY of the order lines (text columns)", items_copy),
    ]
    conn = psycopg2.connect(bench_url)
    with conn.cursor() as cur:
        cur.execute("SHOW server_version_num")
        version = int(cur.fetchone()[0])
        for setting, value in bp.po.SESSION_SETTINGS.items():
            cur.execute("SELECT set_config(%s, %s, false)", (setting, value))
        cur.execute("CREATE SCHEMA IF NOT EXISTS floor")
        conn.commit()
        if version >= 170000:
            cur.execute(TYPED_ITEMS)
            started = time.perf_counter()
            with (batch / "transaction_items.csv").open("rb") as fh:
                cur.copy_expert(
                    "COPY floor.items_typed FROM STDIN WITH (FORMAT csv, HEADER true, ON_ERROR ignore)", fh, size=1 << 20
                )
            conn.commit()
            results.append(("typed COPY of the order lines, ON_ERROR ignore (17+)", time.perf_counter() - started))
        for label, statements in floor_steps():
            started = time.perf_counter()
            for statement in statements:
                cur.execute(statement)
            conn.commit()
            results.append((label, time.perf_counter() - started))
    conn.close()

    print(f"\n{lines:,} order lines, PostgreSQL {version // 10000}, load {bp.load_average()}")
    print(f"  {'step':<78}{'seconds':>9}{'µs/line':>9}")
    for label, s in results:
        print(f"  {label:<78}{s:>9.2f}{s / lines * 1e6:>9.2f}")
    bp.drop_database(url, name)


if __name__ == "__main__":
    sys.exit(main())
