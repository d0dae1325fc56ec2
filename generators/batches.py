"""Batch orchestration: the first (historical) batch, then one folder per following day."""

import json
import multiprocessing
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np

from generators import catalog as cat
from generators import defects as dfx
from generators import entities as ent
from generators import render as r
from generators import sales

CHUNK = 100_000  # transactions per bulk chunk; fixed so output never depends on workers
WORKERS = 2
TAIL_DAYS = 7  # last days of the first batch generated like a daily batch
REDELIVERY_POOL = 5000  # most recent clean sales rows kept for re-delivery and corrections
Arrays = dict[str, np.ndarray]


def day_factor(days: np.ndarray, start: int) -> np.ndarray:
    """Relative order volume: weekday x month seasonality x a gentle growth trend."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    trend = 1.0 + 0.15 * (days - start) / 730.0
    return (np.array(cat.WEEKDAY_FACTOR)[weekday] * np.array(cat.MONTH_FACTOR)[month]
            * trend)


def window_start(first_batch: date) -> date:
    try:
        return first_batch.replace(year=first_batch.year - 2) + timedelta(days=1)
    except ValueError:  # 29 February
        return first_batch.replace(year=first_batch.year - 2, day=28) + timedelta(days=1)


def _open(path: Path, file: str) -> BinaryIO:
    handle = open(path / file, "wb")  # noqa: SIM115 - closed by the caller's with-block
    handle.write(cat.HEADERS[file].encode() + b"\n")
    return handle


def _take(a: Arrays, mask_or_idx: np.ndarray) -> Arrays:
    return {k: v[mask_or_idx] for k, v in a.items()}


def _concat(parts: list[Arrays | None]) -> Arrays:
    parts = [p for p in parts if p is not None]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _entity_file(rng: np.random.Generator, folder: Path, file: str, pools: dict,
                 state: Arrays, rows: np.ndarray, fresh: int, asof: int, rate: float) -> dict:
    """Write customers/products rows `rows` (the first `fresh` ones new or changed)."""
    s = ent.take(state, rows)
    fresh_mask = np.arange(len(rows)) < fresh
    if file == "customers.csv":
        hosts = fresh_mask & ~s["buyer"]
    else:
        hosts = fresh_mask & ~s["sold"]
    kind, dups = dfx.choose(rng, len(rows), file, rate=rate, hosts=hosts,
                            dup_ok=fresh_mask, ensure_min=True)
    if file == "customers.csv":
        fields = ent.customer_fields(pools, s)
        dfx.apply_customers(rng, fields, kind, lambda i: ent.customer_email(pools, s, i), asof)
    else:
        fields = ent.product_fields(pools, s)
        dfx.apply_products(rng, fields, kind, s["price"], s["cost"])
    state["tainted"][rows[kind >= 0]] = True
    order = dfx.order_with_duplicates(len(rows), dups)
    with _open(folder, file) as handle:
        step = 500_000
        if order is None:
            order = np.arange(len(rows))
        for a in range(0, len(order), step):  # bounded memory at large scales
            part = order[a:a + step]
            lo, hi = int(part.min()), int(part.max()) + 1
            sub = [[(m[lo:hi], k[lo:hi]) for m, k in f] for f in fields]
            handle.write(r.render(sub, part - lo))
    return {"rows": len(rows) + len(dups), "defects": dfx.counts(file, kind, dups)}



def generate(out_dir: Path, scale: float = 1.0, seed: int = 42, batches: int = 1,
             defect_rate: float = 0.01, first_batch: date = date(2024, 12, 31),
             progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write `batches` batch folders under out_dir and return their paths in as-of order."""
    say = progress or (lambda _message: None)
    out_dir = Path(out_dir)
    pools = ent.build_pools(seed)
    asof0 = r.day_number(first_batch)
    start = r.day_number(window_start(first_batch))
    n_customers = max(round(1000 * scale), 8)
    n_products = max(round(500 * scale), 8)
    n_txns = max(round(10000 * scale), 20)

    customers = ent.new_customers(sales.stream(seed, 0, 1), pools, n_customers, 1,
                                  start - 730, asof0)
    products = ent.new_products(sales.stream(seed, 0, 2), n_products, 1)
    days = np.arange(start, asof0 + 1)
    factors = day_factor(days, start)
    per_day = sales.stream(seed, 0, 3).multinomial(n_txns, factors / factors.sum())
    mean_per_factor = n_txns / factors.sum()

    paths, carry = [], {}
    next_txn, next_item = 1, 1
    for k in range(batches):
        asof = asof0 + k
        folder = out_dir / r.iso(asof)
        folder.mkdir(parents=True, exist_ok=True)
        manifest: dict = {"batch": r.iso(asof), "seed": seed, "scale": scale,
                          "defect_rate": defect_rate, "batch_index": k, "files": {}}
        rng = sales.stream(seed, k, 10)
        if k == 0:
            c_rows, p_rows = np.arange(n_customers), np.arange(n_products)
            c_fresh, p_fresh = n_customers, n_products
            changes = {"customers.csv": 0, "products.csv": 0}
            new = {"customers.csv": n_customers, "products.csv": n_products}
            red_c = red_p = 0
        else:
            customers, c_rows, c_fresh, c_chg, red_c = _evolve_customers(
                rng, pools, customers, n_customers, asof)
            products, p_rows, p_fresh, p_chg, red_p = _evolve_products(
                rng, products, n_products)
            changes = {"customers.csv": c_chg, "products.csv": p_chg}
            new = {"customers.csv": c_fresh - c_chg, "products.csv": p_fresh - p_chg}
        manifest["files"]["customers.csv"] = _entity_file(
            rng, folder, "customers.csv", pools, customers, c_rows, c_fresh, asof,
            defect_rate)
        manifest["files"]["products.csv"] = _entity_file(
            rng, folder, "products.csv", pools, products, p_rows, p_fresh, asof,
            defect_rate)
        say(f"{r.iso(asof)}: customers {manifest['files']['customers.csv']['rows']}, "
            f"products {manifest['files']['products.csv']['rows']} rows")

        ctx = sales.draw_context(customers, products)
        with _open(folder, "transactions.csv") as t_out, \
                _open(folder, "transaction_items.csv") as i_out:
            totals = {"rows": {"transactions.csv": 0, "transaction_items.csv": 0},
                      "transactions.csv": {}, "transaction_items.csv": {},
                      "parent_rejected": 0}
            if k == 0:
                tail = min(TAIL_DAYS, len(days))  # kept in memory for later batches
                next_txn, next_item = _bulk(seed, pools, ctx, days[:-tail], per_day[:-tail],
                                            defect_rate, asof, t_out, i_out, totals, say)
                sale_days = np.repeat(days[-tail:], per_day[-tail:])
            else:
                lam = mean_per_factor * day_factor(np.array([asof]), start)[0]
                sale_days = np.full(int(sales.stream(seed, k, 11).poisson(lam)), asof)
            n_day = len(sale_days)
            tb, ib, stats, carry, extra = _sales_day(
                seed, k, batches, pools, ctx, asof, sale_days, next_txn, next_item, carry,
                defect_rate)
            t_out.write(tb)
            i_out.write(ib)
            _add_stats(totals, stats)
            next_txn += n_day
            next_item += extra["items_drawn"]
        for file in ("transactions.csv", "transaction_items.csv"):
            manifest["files"][file] = {"rows": totals["rows"][file], "defects": totals[file]}
        manifest["cascades"] = {"transaction_items.csv":
                                {"parent_rejected": totals["parent_rejected"]}}
        manifest["late"] = extra["late"]
        manifest["redelivered"] = {"customers.csv": red_c, "products.csv": red_p,
                                   **extra["redelivered"]}
        manifest["changes"] = changes
        manifest["new"] = new
        manifest["corrections"] = extra["corrections"]
        (folder / "_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True)
                                               + "\n", encoding="utf-8")
        say(f"{r.iso(asof)}: transactions {totals['rows']['transactions.csv']}, "
            f"items {totals['rows']['transaction_items.csv']} rows")
        paths.append(folder)
    return paths


def _add_stats(totals: dict, stats: dict) -> None:
    for file in ("transactions.csv", "transaction_items.csv"):
        totals["rows"][file] += stats["rows"][file]
        for kind, count in stats[file].items():
            totals[file][kind] = totals[file].get(kind, 0) + count
    totals["parent_rejected"] += stats["parent_rejected"]


def _bulk(seed: int, pools: dict, ctx: Arrays, days: np.ndarray, per_day: np.ndarray,
          rate: float, asof: int, t_out, i_out, totals: dict,
          say: Callable[[str], None]) -> tuple[int, int]:
    """History before the as-of day, in fixed chunks; two processes when it pays off."""
    cum = np.cumsum(per_day)
    n = int(cum[-1]) if len(cum) else 0
    tasks, next_item = [], 1
    for c, a in enumerate(range(0, n, CHUNK)):
        b = min(a + CHUNK, n)
        chunk_days = days[np.searchsorted(cum, np.arange(a, b), side="right")]
        n_items = sales.items_per_transaction(sales.stream(seed, 0, 101, c), b - a)
        tasks.append((c, chunk_days, n_items, a + 1, next_item))
        next_item += int(n_items.sum())
    sales._WORLD.update(seed=seed, ctx=ctx, pools=pools, rate=rate, asof=asof)
    if len(tasks) >= 2 and WORKERS > 1:
        with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
            _drain(pool.imap(sales.bulk_chunk, tasks), t_out, i_out, totals, say)
    else:
        _drain(map(sales.bulk_chunk, tasks), t_out, i_out, totals, say)
    sales._WORLD.clear()
    return n + 1, next_item


def _drain(results, t_out, i_out, totals: dict, say: Callable[[str], None]) -> None:
    for c, (tb, ib, stats) in enumerate(results):
        t_out.write(tb)
        i_out.write(ib)
        _add_stats(totals, stats)
        if c % 10 == 9:
            say(f"  history chunk {c + 1}: {totals['rows']['transactions.csv']} transactions")


def _evolve_customers(rng: np.random.Generator, pools: dict, customers: Arrays, base: int,
                      asof: int) -> tuple:
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


def _evolve_products(rng: np.random.Generator, products: Arrays, base: int) -> tuple:
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


def _sales_day(seed: int, k: int, batches: int, pools: dict, ctx: Arrays, asof: int,
               sale_days: np.ndarray, first_txn: int, first_item: int, carry: dict,
               rate: float) -> tuple[bytes, bytes, dict, dict, dict]:
    """The as-of day's sales plus what real feeds carry: late rows, re-deliveries, fixes."""
    rng = sales.stream(seed, k, 200)
    n_day = len(sale_days)
    n_items = sales.items_per_transaction(rng, n_day)
    t_day, it_day = sales.draw_sales(rng, ctx, sale_days.astype(np.int64), n_items,
                                     first_txn, first_item)
    last_item = np.cumsum(n_items) - 1
    held_items = np.zeros(len(it_day["number"]), bool)
    waiting = np.zeros(n_day, bool)
    late_txn = np.zeros(n_day, bool)
    if k < batches - 1:
        multi = np.flatnonzero((n_items >= 2) & (sale_days == asof))
        picked = rng.choice(multi, min(len(multi), max(1, round(0.003 * n_day))),
                            replace=False)
        late_txn[picked] = True
        held_items[last_item[picked]] = True
        if k >= 1:
            others = np.flatnonzero(~late_txn)
            picked = rng.choice(others, min(len(others), max(1, round(0.003 * n_day))),
                                replace=False)
            waiting[picked] = True
    item_waiting = np.isin(it_day["txn"], t_day["number"][waiting])
    item_late_txn = np.isin(it_day["txn"], t_day["number"][late_txn])

    corr_t = corr_i = red_t = red_i = None
    prev_t, prev_i = carry.get("prev_t"), carry.get("prev_i")
    keep_t = keep_i = None
    if k >= 1 and prev_t is not None and len(prev_i["number"]):
        with_parent = np.flatnonzero(np.isin(prev_i["txn"], prev_t["number"]))
        if len(with_parent):
            j = int(with_parent[rng.integers(0, len(with_parent))])
            corr_i = _take(prev_i, [j])
            old = int(corr_i["qty"][0])
            corr_i["qty"] = np.array([old + 1 if old < 10 and (old == 1 or rng.random() < 0.5)
                                      else old - 1])
            corr_i["line_total"] = sales.line_totals(corr_i["qty"], corr_i["price"],
                                                     corr_i["disc"])
            t_idx = int(np.flatnonzero(prev_t["number"] == corr_i["txn"][0])[0])
            corr_t = _take(prev_t, [t_idx])
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
    tb, ib, stats = sales.render_sales(rng, pools, t_now, i_now, rate, asof, k > 0, t_hosts,
                                       i_hosts)

    clean_t = stats.pop("t_clean")[: len(day_t["number"])] & t_hosts[: len(day_t["number"])]
    clean_i = stats.pop("i_clean")[: len(day_i["number"])] & i_hosts[: len(day_i["number"])]
    new_carry = {
        "late_items": _take(it_day, held_items) if held_items.any() else None,
        "waiting_txns": _take(t_day, waiting) if waiting.any() else None,
        "prev_t": _pool(prev_t, keep_t, _take(day_t, clean_t)),
        "prev_i": _pool(prev_i, keep_i, _take(day_i, clean_i)),
    }
    def size(a):
        return 0 if a is None else len(a["number"])
    extra = {
        "items_drawn": len(it_day["number"]),
        "late": {"transaction_items.csv": {
                     "waiting_for_parent": int((item_waiting & ~held_items).sum()),
                     "parent_in_earlier_batch": size(carry.get("late_items"))},
                 "transactions.csv": {"items_in_earlier_batch": size(carry.get("waiting_txns"))}},
        "redelivered": {"transactions.csv": size(red_t), "transaction_items.csv": size(red_i)},
        "corrections": {"transactions.csv": size(corr_t), "transaction_items.csv": size(corr_i)},
    }
    return tb, ib, stats, new_carry, extra
