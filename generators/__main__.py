"""CLI: python -m generators --scale 1 --seed 42 --batches 3 --out data/raw"""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from generators import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generators", description="Generate deterministic synthetic e-commerce batches (CSV + manifest)."
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000 customers, 500 products, 10,000 transactions")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batches", type=int, default=1, help="first (historical) batch plus one batch per following day")
    parser.add_argument("--defect-rate", type=float, default=0.01, help="expected share of rows given a defect (0 = clean)")
    parser.add_argument(
        "--every-defect",
        action="store_true",
        help="also at least one row of each defect kind in every file of every batch, even at --defect-rate 0 (for tests)",
    )
    parser.add_argument(
        "--first-batch", type=date.fromisoformat, default=date(2024, 12, 31), help="as-of date of the first batch (YYYY-MM-DD)"
    )
    parser.add_argument("--out", type=Path, default=Path("data/raw"))
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.batches < 1 or not 0 <= args.defect_rate <= 1:
        parser.error("need --scale > 0, --batches >= 1 and 0 <= --defect-rate <= 1")
    started = time.perf_counter()
    try:
        paths = generate(
            args.out,
            scale=args.scale,
            seed=args.seed,
            batches=args.batches,
            defect_rate=args.defect_rate,
            first_batch=args.first_batch,
            progress=lambda message: print(message, file=sys.stderr),
            every_defect=args.every_defect,
        )
    except FileExistsError as error:  # a batch folder of another data set: says what to do
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: cannot write under {args.out}: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    print(f"{len(paths)} batch(es) in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
