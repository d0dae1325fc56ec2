"""Benchmark one daily batch against the full first load it lands on (run on purpose).

    python tests/benchmarks/bench_incremental.py --scale 40

Generates (or reuses) a two-batch data set under data/bench/<scale>/incremental: batch 1 is
the whole history (~2 years), batch 2 is one day (~0.1% of it). On a fresh database it runs
`pipeline_orchestrator.py run` twice as a subprocess: first with only batch 1 visible (the
full load), then with both (the daily batch, on a warehouse that already holds the
history). Prints both runs' wall seconds and per-stage seconds, the slowest steps of the
daily run, and the ratio daily / full (target: below 5%). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pipeline as bp  # this folder is on sys.path only now


def first_batch_view(data_dir: Path) -> tuple[Path, list[Path]]:
    """A folder next to the data set that shows only its oldest batch (a symlink)."""
    batches = sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    view = data_dir.with_name(data_dir.name + "-first")
    view.mkdir(exist_ok=True)
    for old in view.iterdir():
        old.unlink()
    (view / batches[0].name).symlink_to(batches[0].resolve(), target_is_directory=True)
    return view, batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=40, help="generator scale; 1 = ~25,000 items")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--defect-rate", type=float, default=0.01)
    parser.add_argument("--database", default=None, help="name of the fresh database (default bench_inc_<scale>)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--slowest", type=int, default=8, help="how many of the daily run's slowest steps to list")
    args = parser.parse_args()

    data_dir = bp.data_set(args.scale, args.seed, 2, args.defect_rate, "incremental")
    first_view, batches = first_batch_view(data_dir)
    sizes = [sum((b / f).stat().st_size for f in bp.RAW_FILES) for b in batches]
    url = bp.server_url()
    name = args.database or f"bench_inc_{args.scale:g}".replace(".", "_")
    bench_url = bp.fresh_database(url, name)
    conn = bp.psycopg2.connect(bench_url)
    with conn.cursor() as cur:
        for line in bp.machine_description(cur):
            print(line)
    conn.close()
    print(
        f"data:    {data_dir.relative_to(bp.ROOT)}, scale {args.scale:g}: batch {batches[0].name} "
        f"{sizes[0] / 1e6:,.1f} MB (history), batch {batches[1].name} {sizes[1] / 1e6:,.2f} MB "
        f"(one day, {sizes[1] / sizes[0]:.2%} of the history)"
    )

    runs = []
    for label, folder in (("full load", first_view), ("daily batch", data_dir)):
        load_before = bp.load_average()
        log = Path("/tmp") / f"bench_incremental_{name}_{label.split()[0]}.log"
        seconds, peak_kib = bp.run_orchestrator(bench_url, folder, log)
        steps = bp.step_figures(bench_url)
        walls = bp.stage_seconds(bench_url)
        runs.append((label, seconds, steps, sum(walls.values())))
        stages = "  ".join(f"{s} {t:.2f}" for s, t in walls.items())
        print(
            f"\n{label}: {seconds:.2f} s wall, steps {sum(walls.values()):.2f} s, peak RSS "
            f"{peak_kib / 1024:,.0f} MiB (load average before {load_before}, after {bp.load_average()})"
        )
        print(f"  per stage (s): {stages}")
        print(f"  log {log}")

    (_l, full_seconds, full_steps, full_step_total), (_l, daily_seconds, daily_steps, daily_step_total) = runs
    print(f"\nslowest {args.slowest} steps of the daily batch (vs the same step in the full load):")
    full_by_file = {(s, f): (t, r) for s, f, t, r in full_steps}
    for stage, sql_file, seconds, rows in sorted(daily_steps, key=lambda s: -s[2])[: args.slowest]:
        full_t, full_r = full_by_file.get((stage, sql_file), (0.0, 0))
        print(f"  {sql_file:<56}{seconds:>8.2f} s{rows:>11,} rows   full load {full_t:>8.2f} s{full_r:>12,} rows")
    ratio = daily_seconds / full_seconds
    print(
        f"\nratio daily batch / full load: {ratio:.2%} wall ({daily_seconds:.2f} s / {full_seconds:.2f} s), "
        f"{daily_step_total / full_step_total:.2%} in SQL steps "
        f"({daily_step_total:.2f} s / {full_step_total:.2f} s); target below 5%: "
        f"{'met' if ratio < 0.05 else 'NOT met'}"
    )

    if not args.keep:
        bp.drop_database(url, name)


if __name__ == "__main__":
    main()
