"""Benchmark the generator against a naive per-row Faker generator (run on purpose).

python tests/benchmarks/bench_generator.py --scale 400
"""

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def naive_rows_per_second(rows: int, out: Path) -> float:
    """The usual approach: five Faker calls per row, written with csv.writer."""
    fake = Faker("en_US")
    fake.seed_instance(0)
    started = time.perf_counter()
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for i in range(rows):
            writer.writerow(
                [
                    f"C{i:07d}",
                    fake.first_name(),
                    fake.last_name(),
                    fake.email(),
                    fake.phone_number(),
                    fake.date_between("-2y", "today"),
                ]
            )
    return rows / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=40)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    args = parser.parse_args()
    from generators import generate  # the repository root is on sys.path only now
    from generators.catalog import FILES

    with tempfile.TemporaryDirectory() as tmp:
        marks: list[float] = []
        started = time.perf_counter()
        folder = generate(
            Path(tmp) / "raw", scale=args.scale, seed=args.seed, progress=lambda _m: marks.append(time.perf_counter())
        )[0]
        seconds = time.perf_counter() - started
        # progress fires after customers+products, then per history chunk, then at the end
        phase = {
            "customers.csv": marks[0] - started,
            "products.csv": marks[0] - started,
            "transactions.csv": marks[-1] - marks[0],
            "transaction_items.csv": marks[-1] - marks[0],
        }
        files = json.loads((folder / "_manifest.json").read_text())["files"]
        size = sum((folder / f).stat().st_size for f in FILES)
        naive = naive_rows_per_second(args.naive_rows, Path(tmp) / "naive.csv")
    total = sum(files[f]["rows"] for f in FILES)
    print("phases: customers+products together, transactions+items together (written side by side)")
    print(f"scale {args.scale:g}: {total:,} rows, {size / 1e6:,.0f} MB in {seconds:.2f} s")
    for f in FILES:
        print(
            f"  {f:<24}{files[f]['rows']:>14,} rows  {files[f]['rows'] / phase[f]:>14,.0f} rows/s in its phase ({phase[f]:.2f} s)"
        )
    overall = total / seconds
    print(f"  {'overall':<24}{total:>14,} rows  {overall:>14,.0f} rows/s")
    print(f"naive per-row Faker ({args.naive_rows:,} rows, 5 Faker calls each): {naive:,.0f} rows/s")
    print(f"speed ratio: {overall / naive:,.0f}x")


if __name__ == "__main__":
    main()
