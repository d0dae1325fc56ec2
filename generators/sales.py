"""Transactions and their items: seeded vectorised draws, defects and CSV rendering."""

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from generators import catalog as cat
from generators import defects as dfx
from generators import render as r

Arrays = dict[str, np.ndarray]
# a chunk of the history: chunk number, day of each transaction, items per transaction, and
# the numbers of its first transaction and first item
BulkTask = tuple[int, NDArray[np.int64], NDArray[np.int64], int, int]

# relative unit demand per category (expensive electronics sell fewer units)
CATEGORY_DEMAND = np.array([0.45, 1.2, 1.0, 0.9, 1.4, 1.3, 1.0, 2.0])


def _p(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, float)
    return w / w.sum()


_HOUR_P = _p(cat.HOUR_WEIGHTS)
_QTY_P = _p(cat.QUANTITY_WEIGHTS)
_DISC_P = _p(cat.DISCOUNT_WEIGHTS)
_PAY_P = _p(cat.PAYMENT_WEIGHTS)
_ITEMS_P = _p(cat.ITEMS_PER_TRANSACTION)
_DISCOUNTS = np.array(cat.DISCOUNTS, np.int64)


def stream(seed: int, *key: int) -> np.random.Generator:
    """Independent, reproducible random stream for one purpose/batch/chunk."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def draw_context(customers: dict, products: dict) -> Arrays:
    """What sampling needs: buyers by registration day with cumulative activity weights."""
    buyers = np.flatnonzero(customers["buyer"] & ~customers["tainted"])
    order = buyers[np.argsort(customers["reg"][buyers], kind="stable")]
    sold = np.flatnonzero(products["sold"] & ~products["tainted"])
    demand = products["popularity"][sold] * CATEGORY_DEMAND[products["category"][sold]]
    return {
        "c_reg": customers["reg"][order],
        "c_cum": np.cumsum(customers["weight"][order]),
        "c_order": order,
        "c_number": customers["number"],
        "c_street": customers["street"],
        "c_geo": customers["geo"],
        "p_cum": np.cumsum(demand),
        "p_idx": sold,
        "p_number": products["number"],
        "p_price": products["price"],
    }


def items_per_transaction(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(len(_ITEMS_P), n, p=_ITEMS_P) + 1


def draw_sales(
    rng: np.random.Generator, w: Arrays, days: np.ndarray, n_items: np.ndarray, first_txn: int, first_item: int
) -> tuple[Arrays, Arrays]:
    """Transactions on sorted `days` (one entry per transaction) and their items."""
    n = len(days)
    sec = rng.choice(24, n, p=_HOUR_P) * 3600 + rng.integers(0, 3600, n)
    sec = np.sort(days * 86400 + sec) - days * 86400  # ids follow time within the day
    eligible = np.searchsorted(w["c_reg"], days, side="right")
    u = rng.random(n) * w["c_cum"][eligible - 1]
    # the bound keeps a customer's orders on or after the registration day even when
    # u rounds up to the last eligible weight
    pick = np.minimum(np.searchsorted(w["c_cum"], u, side="right"), eligible - 1)
    crow = w["c_order"][pick]
    pay = rng.choice(len(_PAY_P), n, p=_PAY_P)
    m = int(n_items.sum())
    tx = np.repeat(np.arange(n), n_items)
    u = rng.random(m) * w["p_cum"][-1]
    prow = w["p_idx"][np.searchsorted(w["p_cum"], u, side="right")]
    qty = rng.choice(len(_QTY_P), m, p=_QTY_P) + 1
    disc = _DISCOUNTS[rng.choice(len(_DISC_P), m, p=_DISC_P)]
    price = w["p_price"][prow]
    line_total = line_totals(qty, price, disc)
    total = np.bincount(tx, weights=line_total, minlength=n).round().astype(np.int64)
    txns = {
        "number": first_txn + np.arange(n, dtype=np.int64),
        "cust": w["c_number"][crow],
        "day": days,
        "sec": sec,
        "pay": pay,
        "street": w["c_street"][crow],
        "geo": w["c_geo"][crow],
        "total": total,
    }
    items = {
        "number": first_item + np.arange(m, dtype=np.int64),
        "txn": txns["number"][tx],
        "prod": w["p_number"][prow],
        "qty": qty,
        "price": price,
        "disc": disc,
        "line_total": line_total,
    }
    return txns, items


def line_totals(qty: np.ndarray, price: np.ndarray, disc: np.ndarray) -> np.ndarray:
    """round(qty * price * (1 - disc/100), 2) half up, exactly, in integer cents."""
    return (qty * price * (100 - disc) + 50) // 100


def transaction_fields(pools: dict, t: Arrays) -> list[r.Field]:
    n = len(t["number"])
    quote = r.const('"', n)
    shipping = [quote, r.pick(pools["street_raw"], t["street"]), r.const(", ", n), r.pick(pools["geo_raw"], t["geo"]), quote]
    return [
        r.ident("T", t["number"], 9),
        r.ident("C", t["cust"], 7),
        r.dates(t["day"]),
        r.times(t["sec"]),
        [r.pick(pools["payment"], t["pay"])],
        shipping,
        r.money(t["total"]),
    ]


def item_fields(it: Arrays) -> list[r.Field]:
    return [
        r.ident("I", it["number"], 10),
        r.ident("T", it["txn"], 9),
        r.ident("P", it["prod"], 7),
        [r.number(it["qty"])],
        r.money(it["price"]),
        [r.number(it["disc"])],
        r.money(it["line_total"]),
    ]


def render_sales(
    rng: np.random.Generator,
    pools: dict,
    t: Arrays,
    it: Arrays,
    rate: float,
    asof: int,
    every_kind: bool,
    t_hosts: np.ndarray,
    i_hosts: np.ndarray,
) -> tuple[bytes, bytes, dict]:
    """CSV bytes of transactions and items with defects injected only on the host rows.

    Items of a rejected transaction get no defect and no duplicate of their own; the
    pipeline quarantines them as parent_rejected, which is counted here, as are the items
    of a transaction that waits for its customer (they wait too).
    """
    t_kind, t_dups = dfx.choose(rng, len(t["number"]), "transactions.csv", rate, t_hosts, t_hosts, every_kind)
    names = dfx.KINDS["transactions.csv"]
    rejecting = np.isin(t_kind, [names.index(k) for k in dfx.REJECTING])
    waiting = np.isin(t_kind, [names.index(k) for k in dfx.WAITING])
    item_rejected = np.isin(it["txn"], t["number"][rejecting])
    item_waiting = np.isin(it["txn"], t["number"][waiting])
    i_ok = i_hosts & ~item_rejected & ~item_waiting
    i_kind, i_dups = dfx.choose(rng, len(it["number"]), "transaction_items.csv", rate, i_ok, i_ok, every_kind)
    t_fields = transaction_fields(pools, t)
    dfx.apply_transactions(rng, t_fields, t_kind, t["total"], asof)
    i_fields = item_fields(it)
    dfx.apply_items(rng, i_fields, i_kind, it)
    stats = {
        "transactions.csv": dfx.counts("transactions.csv", t_kind, t_dups),
        "transaction_items.csv": dfx.counts("transaction_items.csv", i_kind, i_dups),
        "parent_rejected": int(item_rejected.sum()),
        "parent_waiting": int(item_waiting.sum()),
        "rows": {"transactions.csv": len(t_kind) + len(t_dups), "transaction_items.csv": len(i_kind) + len(i_dups)},
        "t_clean": t_kind < 0,
        "i_clean": (i_kind < 0) & ~item_rejected & ~item_waiting,
    }
    return (
        r.render(t_fields, dfx.order_with_duplicates(len(t_kind), t_dups)),
        r.render(i_fields, dfx.order_with_duplicates(len(i_kind), i_dups)),
        stats,
    )


# --- bulk history of the first batch, in fixed chunks (optionally in worker processes) ---

_WORLD: dict = {}


def bulk_chunk(task: BulkTask) -> tuple[bytes, bytes, dict]:
    chunk, days, n_items, first_txn, first_item = task
    w = _WORLD
    rng = stream(w["seed"], 0, 100, chunk)
    t, it = draw_sales(rng, w["ctx"], days, n_items, first_txn, first_item)
    hosts_t, hosts_i = np.ones(len(days), bool), np.ones(len(it["number"]), bool)
    every_kind = w["every_defect"] and chunk == 0  # once per batch, not once per chunk
    tb, ib, stats = render_sales(rng, w["pools"], t, it, w["rate"], w["asof"], every_kind, hosts_t, hosts_i)
    del stats["t_clean"], stats["i_clean"]
    return tb, ib, stats
