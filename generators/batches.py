"""Batch orchestration: the first (historical) batch, then one folder per following day."""

import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from generators import catalog as cat
from generators import defects as dfx
from generators import entities as ent
from generators import render as r
from generators import sales

CHUNK = 100_000  # transactions per bulk chunk; fixed so output never depends on workers
WORKERS = 2
TAIL_DAYS = 7  # last days of the first batch generated like a daily batch
REDELIVERY_POOL = 5000  # most recent clean sales rows kept for re-delivery and corrections
# Recorded in every manifest. Bump it whenever the same parameters give other bytes: folders
# written by another version are then refused instead of being extended with batches that
# continue a different history.
GENERATOR_VERSION = 3
Arrays = dict[str, np.ndarray]
# What a day's sales hand to the next batch: late_items and waiting_txns (None when there are
# none), prev_t and prev_i (recent clean rows to re-deliver or correct; set from batch 0 on).
Carry = dict[str, Arrays | None]


def day_factor(days: np.ndarray, start: int) -> np.ndarray:
    """Relative order volume: weekday x month seasonality x a gentle growth trend."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    trend = 1.0 + 0.15 * (days - start) / 730.0
    return np.array(cat.WEEKDAY_FACTOR)[weekday] * np.array(cat.MONTH_FACTOR)[month] * trend


def window_start(first_batch: date) -> date:
    try:
        return first_batch.replace(year=first_batch.year - 2) + timedelta(days=1)
    except ValueError:  # 29 February
        return first_batch.replace(year=first_batch.year - 2, day=28) + timedelta(days=1)


def _open(folder: Path | None, file: str) -> BinaryIO:
    """The CSV file with its header; os.devnull when the batch is kept as it is."""
    if folder is None:
        return open(os.devnull, "wb")  # noqa: SIM115 - closed by the caller's with-block
    handle = open(folder / file, "wb")  # noqa: SIM115 - closed by the caller's with-block
    handle.write(cat.HEADERS[file].encode() + b"\n")
    return handle


def _take(a: Arrays, mask_or_idx: np.ndarray) -> Arrays:
    return {k: v[mask_or_idx] for k, v in a.items()}


def _concat(parts: list[Arrays | None]) -> Arrays:
    present = [p for p in parts if p is not None]
    return {k: np.concatenate([p[k] for p in present]) for k in present[0]}


def _entity_file(
    rng: np.random.Generator,
    folder: Path | None,
    file: str,
    pools: dict,
    state: Arrays,
    rows: np.ndarray,
    fresh: int,
    asof: int,
    rate: float,
    every_kind: bool,
) -> dict:
    """Write customers/products rows `rows` (the first `fresh` ones new or changed).

    With folder None nothing is rendered, but the random draws and the state change as
    when writing, so the batches after a kept one come out the same.
    """
    s = ent.take(state, rows)
    fresh_mask = np.arange(len(rows)) < fresh
    if file == "customers.csv":
        hosts = fresh_mask & ~s["buyer"]
    else:
        hosts = fresh_mask & ~s["sold"]
    kind, dups = dfx.choose(rng, len(rows), file, rate=rate, hosts=hosts, dup_ok=fresh_mask, every_kind=every_kind)
    if file == "customers.csv":
        fields = ent.customer_fields(pools, s)
        dfx.apply_customers(rng, fields, kind, lambda i: ent.customer_email(pools, s, i), asof)
    else:
        fields = ent.product_fields(pools, s)
        dfx.apply_products(rng, fields, kind, s["price"], s["cost"])
    state["tainted"][rows[kind >= 0]] = True
    if folder is not None:
        _write_rows(folder, file, fields, dfx.order_with_duplicates(len(rows), dups), len(rows))
    return {"rows": len(rows) + len(dups), "defects": dfx.counts(file, kind, dups)}


def _write_rows(folder: Path, file: str, fields: list, order: np.ndarray | None, n: int) -> None:
    with _open(folder, file) as handle:
        step = 500_000
        if order is None:
            order = np.arange(n)
        for a in range(0, len(order), step):  # bounded memory at large scales
            part = order[a : a + step]
            lo, hi = int(part.min()), int(part.max()) + 1
            sub = [[(m[lo:hi], k[lo:hi]) for m, k in f] for f in fields]
            handle.write(r.render(sub, part - lo))


def _kept(folder: Path, params: dict) -> bool:
    """Whether folder already holds this batch (then it is never rewritten).

    False when there is no folder or an empty one. A batch's bytes are a function of the
    parameters its manifest records, so comparing those tells a batch of this data set from
    one of another without regenerating it. Anything else raises FileExistsError: mixing
    two data sets, or rewriting a batch the pipeline may have loaded, is never right.
    """
    if not folder.exists() or (folder.is_dir() and not any(folder.iterdir())):
        return False
    advice = (
        f"Batch folders are never rewritten: generate into another folder (--out), "
        f"or delete {folder} (and any later batch folders of the same data set) to "
        f"generate it again."
    )
    try:
        found = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise FileExistsError(
            f"{folder} exists but has no readable _manifest.json: it was not written by this generator. {advice}"
        ) from None
    differs = [
        f"{key} {found.get(key, 'missing')} there, {value} now" for key, value in params.items() if found.get(key) != value
    ]
    if differs:
        version = "" if found.get("generator_version") == GENERATOR_VERSION else ", written by another version of the generator"
        raise FileExistsError(f"{folder} holds a batch of another data set ({'; '.join(differs)}{version}). {advice}")
    missing = [file for file in cat.FILES if not (folder / file).is_file()]
    if missing:
        raise FileExistsError(f"{folder} lacks {', '.join(missing)}. {advice}")
    return True


def _scratch(folder: Path) -> Path:
    """An empty hidden folder next to `folder` to write the batch in (the pipeline skips
    dot-folders), so an interrupted run never leaves half a batch under the batch's name."""
    work = folder.with_name(f".{folder.name}.partial")
    if work.exists():
        shutil.rmtree(work)  # left by an interrupted run: never a finished batch
    work.mkdir(parents=True)
    return work


def _publish(work: Path, folder: Path) -> None:
    if folder.is_dir():
        folder.rmdir()  # empty, as _kept found it
    work.rename(folder)


def generate(
    out_dir: Path,
    scale: float = 1.0,
    seed: int = 42,
    batches: int = 1,
    defect_rate: float = 0.01,
    first_batch: date = date(2024, 12, 31),
    progress: Callable[[str], None] | None = None,
    every_defect: bool = False,
) -> list[Path]:
    """Write `batches` batch folders under out_dir and return their paths in as-of order.

    Batch k depends only on (seed, scale, defect_rate, every_defect, first_batch, k), never
    on how many batches follow, so asking for more batches appends days. A folder that
    already holds its batch is kept byte for byte (its state is still computed, for the
    batches after it); one that holds anything else raises FileExistsError.
    defect_rate is the expected share of rows with a defect; every_defect (for tests) adds
    at least one row of each defect kind to every file of every batch, as far as the file
    has rows that may carry one: new or changed customers who never buy, products never
    sold, the day's own sales (a small daily file may have fewer such rows than kinds).
    """
    say = progress or (lambda _message: None)
    out_dir = Path(out_dir)
    scale, defect_rate = float(scale), float(defect_rate)  # 1 and 1.0: the same manifest
    asof0 = r.day_number(first_batch)

    def params(k: int) -> dict:
        return {
            "seed": seed,
            "scale": scale,
            "defect_rate": defect_rate,
            "every_defect": every_defect,
            "batch_index": k,
            "generator_version": GENERATOR_VERSION,
        }

    # every folder is checked before anything is written: a refusal changes nothing
    kept = [_kept(out_dir / r.iso(asof0 + k), params(k)) for k in range(batches)]
    pools = ent.build_pools(seed)
    start = r.day_number(window_start(first_batch))
    n_customers = max(round(1000 * scale), 8)
    n_products = max(round(500 * scale), 8)
    n_txns = max(round(10000 * scale), 20)

    customers = ent.new_customers(sales.stream(seed, 0, 1), pools, n_customers, 1, start - 730, asof0)
    products = ent.new_products(sales.stream(seed, 0, 2), n_products, 1)
    days = np.arange(start, asof0 + 1)
    factors = day_factor(days, start)
    per_day = sales.stream(seed, 0, 3).multinomial(n_txns, factors / factors.sum())
    mean_per_factor = n_txns / factors.sum()

    paths: list[Path] = []
    carry: Carry = {}
    next_txn, next_item = 1, 1
    for k in range(batches):
        asof = asof0 + k
        folder = out_dir / r.iso(asof)
        work = None if kept[k] else _scratch(folder)
        manifest: dict = {"batch": r.iso(asof), **params(k), "files": {}}
        rng = sales.stream(seed, k, 10)
        if k == 0:
            c_rows, p_rows = np.arange(n_customers), np.arange(n_products)
            c_fresh, p_fresh = n_customers, n_products
            changes = {"customers.csv": 0, "products.csv": 0}
            new = {"customers.csv": n_customers, "products.csv": n_products}
            red_c = red_p = 0
        else:
            customers, c_rows, c_fresh, c_chg, red_c = _evolve_customers(rng, pools, customers, n_customers, asof)
            products, p_rows, p_fresh, p_chg, red_p = _evolve_products(rng, products, n_products)
            changes = {"customers.csv": c_chg, "products.csv": p_chg}
            new = {"customers.csv": c_fresh - c_chg, "products.csv": p_fresh - p_chg}
        manifest["files"]["customers.csv"] = _entity_file(
            rng, work, "customers.csv", pools, customers, c_rows, c_fresh, asof, defect_rate, every_defect
        )
        manifest["files"]["products.csv"] = _entity_file(
            rng, work, "products.csv", pools, products, p_rows, p_fresh, asof, defect_rate, every_defect
        )
        if work is not None:
            say(
                f"{r.iso(asof)}: customers {manifest['files']['customers.csv']['rows']}, "
                f"products {manifest['files']['products.csv']['rows']} rows"
            )

        ctx = sales.draw_context(customers, products)
        with _open(work, "transactions.csv") as t_out, _open(work, "transaction_items.csv") as i_out:
            totals: dict = {
                "rows": {"transactions.csv": 0, "transaction_items.csv": 0},
                "transactions.csv": {},
                "transaction_items.csv": {},
                "parent_rejected": 0,
                "parent_waiting": 0,
            }
            every_kind = every_defect and k > 0  # batch 0: in its first history chunk
            if k == 0:
                tail = min(TAIL_DAYS, len(days))  # kept in memory for later batches
                tasks, next_txn, next_item = _bulk_tasks(seed, days[:-tail], per_day[:-tail])
                if work is not None:  # a kept batch needs only the ids the history used
                    _bulk(seed, pools, ctx, tasks, defect_rate, every_defect, asof, t_out, i_out, totals, say)
                every_kind = every_defect and not tasks
                sale_days = np.repeat(days[-tail:], per_day[-tail:])
            else:
                lam = mean_per_factor * day_factor(np.array([asof]), start)[0]
                sale_days = np.full(int(sales.stream(seed, k, 11).poisson(lam)), asof)
            n_day = len(sale_days)
            tb, ib, stats, carry, extra = _sales_day(
                seed, k, pools, ctx, asof, sale_days, next_txn, next_item, carry, defect_rate, every_kind
            )
            t_out.write(tb)
            i_out.write(ib)
            _add_stats(totals, stats)
            next_txn += n_day
            next_item += extra["items_drawn"]
        paths.append(folder)
        if work is None:
            say(f"{r.iso(asof)}: already generated with these parameters, kept as it is")
            continue
        for file in ("transactions.csv", "transaction_items.csv"):
            manifest["files"][file] = {"rows": totals["rows"][file], "defects": totals[file]}
        manifest["cascades"] = {
            "transaction_items.csv": {"parent_rejected": totals["parent_rejected"], "parent_waiting": totals["parent_waiting"]}
        }
        manifest["late"] = extra["late"]
        manifest["redelivered"] = {"customers.csv": red_c, "products.csv": red_p, **extra["redelivered"]}
        manifest["changes"] = changes
        manifest["new"] = new
        manifest["corrections"] = extra["corrections"]
        (work / "_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _publish(work, folder)
        say(
            f"{r.iso(asof)}: transactions {totals['rows']['transactions.csv']}, "
            f"items {totals['rows']['transaction_items.csv']} rows"
        )
    return paths


def _add_stats(totals: dict, stats: dict) -> None:
    for file in ("transactions.csv", "transaction_items.csv"):
        totals["rows"][file] += stats["rows"][file]
        for kind, count in stats[file].items():
            totals[file][kind] = totals[file].get(kind, 0) + count
    totals["parent_rejected"] += stats["parent_rejected"]
    totals["parent_waiting"] += stats["parent_waiting"]


def _bulk_tasks(seed: int, days: np.ndarray, per_day: np.ndarray) -> tuple[list[sales.BulkTask], int, int]:
    """The history's fixed chunks, and the next transaction and item numbers after it."""
    cum = np.cumsum(per_day)
    n = int(cum[-1]) if len(cum) else 0
    tasks: list[sales.BulkTask] = []
    next_item = 1
    for c, a in enumerate(range(0, n, CHUNK)):
        b = min(a + CHUNK, n)
        chunk_days = days[np.searchsorted(cum, np.arange(a, b), side="right")]
        n_items = sales.items_per_transaction(sales.stream(seed, 0, 101, c), b - a)
        tasks.append((c, chunk_days, n_items, a + 1, next_item))
        next_item += int(n_items.sum())
    return tasks, n + 1, next_item


def _bulk(
    seed: int,
    pools: dict,
    ctx: Arrays,
    tasks: list[sales.BulkTask],
    rate: float,
    every_defect: bool,
    asof: int,
    t_out: BinaryIO,
    i_out: BinaryIO,
    totals: dict,
    say: Callable[[str], None],
) -> None:
    """History before the as-of day, in fixed chunks; two processes when it pays off."""
    sales._WORLD.update(seed=seed, ctx=ctx, pools=pools, rate=rate, asof=asof, every_defect=every_defect)
    if len(tasks) >= 2 and WORKERS > 1:
        with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
            _drain(pool.imap(sales.bulk_chunk, tasks), t_out, i_out, totals, say)
    else:
        _drain(map(sales.bulk_chunk, tasks), t_out, i_out, totals, say)
    sales._WORLD.clear()


def _drain(
    results: Iterable[tuple[bytes, bytes, dict]], t_out: BinaryIO, i_out: BinaryIO, totals: dict, say: Callable[[str], None]
) -> None:
    for c, (tb, ib, stats) in enumerate(results):
        t_out.write(tb)
        i_out.write(ib)
        _add_stats(totals, stats)
        if c % 10 == 9:
            say(f"  history chunk {c + 1}: {totals['rows']['transactions.csv']} transactions")


def _evolve_customers(
    rng: np.random.Generator, pools: dict, customers: Arrays, base: int, asof: int
) -> tuple[Arrays, NDArray[np.intp], int, int, int]:
    existing = len(customers["number"])
    n_new = max(1, int(rng.poisson(0.002 * base)))
    fresh = ent.new_customers(rng, pools, n_new, existing + 1, asof, asof)
    candidates = np.flatnonzero(~customers["tainted"])
    n_chg = min(len(candidates), max(1, int(rng.binomial(len(candidates), 0.02))))
    changed = np.sort(rng.choice(candidates, n_chg, replace=False))
    ent.change_customers(rng, pools, customers, changed)
    rest = np.setdiff1d(candidates, changed)
    n_red = min(len(rest), max(1, round(0.005 * (n_new + n_chg))))
    redelivered = np.sort(rng.choice(rest, n_red, replace=False))
    customers = ent.append(customers, fresh)
    rows = np.concatenate([np.arange(existing, existing + n_new), changed, redelivered])
    return customers, rows, n_new + n_chg, n_chg, n_red


def _evolve_products(rng: np.random.Generator, products: Arrays, base: int) -> tuple[Arrays, NDArray[np.intp], int, int, int]:
    existing = len(products["number"])
    n_new = max(1, int(rng.poisson(0.004 * base)))
    fresh = ent.new_products(rng, n_new, existing + 1, never_share=0.3)
    candidates = np.flatnonzero(~products["tainted"])
    n_chg = min(len(candidates), max(1, int(rng.binomial(len(candidates), 0.01))))
    changed = np.sort(rng.choice(candidates, n_chg, replace=False))
    ent.change_products(rng, products, changed)
    rest = np.setdiff1d(candidates, changed)
    n_red = min(len(rest), max(1, round(0.005 * (n_new + n_chg))))
    redelivered = np.sort(rng.choice(rest, n_red, replace=False))
    products = ent.append(products, fresh)
    rows = np.concatenate([np.arange(existing, existing + n_new), changed, redelivered])
    return products, rows, n_new + n_chg, n_chg, n_red


def _pool(old: Arrays | None, keep: np.ndarray | None, fresh: Arrays) -> Arrays:
    """Rows still current (never corrected) that later batches may re-deliver or correct."""
    if old is not None and keep is not None:
        old = _take(old, keep)
    rows = _concat([old, fresh])
    return {k: v[-REDELIVERY_POOL:] for k, v in rows.items()}


def _sales_day(
    seed: int,
    k: int,
    pools: dict,
    ctx: Arrays,
    asof: int,
    sale_days: np.ndarray,
    first_txn: int,
    first_item: int,
    carry: Carry,
    rate: float,
    every_kind: bool,
) -> tuple[bytes, bytes, dict, Carry, dict]:
    """The as-of day's sales plus what real feeds carry: late rows, re-deliveries, fixes.

    Rows held back here are delivered by batch k + 1. They are held back whether or not
    that batch is ever generated (a real feed does not know either), so batch k never
    depends on how many batches follow it.
    """
    rng = sales.stream(seed, k, 200)
    n_day = len(sale_days)
    n_items = sales.items_per_transaction(rng, n_day)
    t_day, it_day = sales.draw_sales(rng, ctx, sale_days.astype(np.int64), n_items, first_txn, first_item)
    last_item = np.cumsum(n_items) - 1
    held_items = np.zeros(len(it_day["number"]), bool)
    waiting = np.zeros(n_day, bool)
    late_txn = np.zeros(n_day, bool)
    multi = np.flatnonzero((n_items >= 2) & (sale_days == asof))
    picked = rng.choice(multi, min(len(multi), max(1, round(0.003 * n_day))), replace=False)
    late_txn[picked] = True  # the transaction now, its last item in batch k + 1
    held_items[last_item[picked]] = True
    if k >= 1:  # items now, their transaction in batch k + 1
        others = np.flatnonzero(~late_txn)
        picked = rng.choice(others, min(len(others), max(1, round(0.003 * n_day))), replace=False)
        waiting[picked] = True
    item_waiting = np.isin(it_day["txn"], t_day["number"][waiting])
    item_late_txn = np.isin(it_day["txn"], t_day["number"][late_txn])

    corr_t: Arrays | None = None
    corr_i: Arrays | None = None
    red_t: Arrays | None = None
    red_i: Arrays | None = None
    prev_t, prev_i = carry.get("prev_t"), carry.get("prev_i")
    keep_t: NDArray[np.bool_] | None = None
    keep_i: NDArray[np.bool_] | None = None
    if k >= 1 and prev_t is not None and prev_i is not None and len(prev_i["number"]):
        with_parent = np.flatnonzero(np.isin(prev_i["txn"], prev_t["number"]))
        if len(with_parent):
            j = int(with_parent[rng.integers(0, len(with_parent))])
            corr_i = _take(prev_i, np.array([j]))
            old = int(corr_i["qty"][0])
            corr_i["qty"] = np.array([old + 1 if old < 10 and (old == 1 or rng.random() < 0.5) else old - 1])
            corr_i["line_total"] = sales.line_totals(corr_i["qty"], corr_i["price"], corr_i["disc"])
            t_idx = int(np.flatnonzero(prev_t["number"] == corr_i["txn"][0])[0])
            corr_t = _take(prev_t, np.array([t_idx]))
            corr_t["total"] = corr_t["total"] + corr_i["line_total"] - prev_i["line_total"][j]
            keep_t = prev_t["number"] != corr_t["number"][0]
            keep_i = prev_i["txn"] != corr_t["number"][0]
        else:
            keep_t = np.ones(len(prev_t["number"]), bool)
            keep_i = np.ones(len(prev_i["number"]), bool)
        pool_t, pool_i = np.flatnonzero(keep_t), np.flatnonzero(keep_i)
        n_rt = min(len(pool_t), max(1, round(0.005 * n_day)))
        n_ri = min(len(pool_i), max(1, round(0.005 * len(it_day["number"]))))
        red_t = _take(prev_t, np.sort(rng.choice(pool_t, n_rt, replace=False)))
        red_i = _take(prev_i, np.sort(rng.choice(pool_i, n_ri, replace=False)))

    day_t = _take(t_day, ~waiting)
    day_i = _take(it_day, ~held_items)
    t_now = _concat([day_t, carry.get("waiting_txns"), red_t, corr_t])
    i_now = _concat([day_i, carry.get("late_items"), red_i, corr_i])
    t_hosts = np.zeros(len(t_now["number"]), bool)
    t_hosts[: len(day_t["number"])] = ~late_txn[~waiting]
    i_hosts = np.zeros(len(i_now["number"]), bool)
    i_hosts[: len(day_i["number"])] = ~(item_waiting | item_late_txn)[~held_items]
    tb, ib, stats = sales.render_sales(rng, pools, t_now, i_now, rate, asof, every_kind, t_hosts, i_hosts)

    clean_t = stats.pop("t_clean")[: len(day_t["number"])] & t_hosts[: len(day_t["number"])]
    clean_i = stats.pop("i_clean")[: len(day_i["number"])] & i_hosts[: len(day_i["number"])]
    new_carry: Carry = {
        "late_items": _take(it_day, held_items) if held_items.any() else None,
        "waiting_txns": _take(t_day, waiting) if waiting.any() else None,
        "prev_t": _pool(prev_t, keep_t, _take(day_t, clean_t)),
        "prev_i": _pool(prev_i, keep_i, _take(day_i, clean_i)),
    }

    def size(a: Arrays | None) -> int:
        return 0 if a is None else len(a["number"])

    extra = {
        "items_drawn": len(it_day["number"]),
        "late": {
            "transaction_items.csv": {
                "waiting_for_parent": int((item_waiting & ~held_items).sum()),
                "parent_in_earlier_batch": size(carry.get("late_items")),
            },
            "transactions.csv": {
                "items_in_earlier_batch": size(carry.get("waiting_txns")),
                "items_in_next_batch": int(late_txn.sum()),
            },
        },
        "redelivered": {"transactions.csv": size(red_t), "transaction_items.csv": size(red_i)},
        "corrections": {"transactions.csv": size(corr_t), "transaction_items.csv": size(corr_i)},
    }
    return tb, ib, stats, new_carry, extra
