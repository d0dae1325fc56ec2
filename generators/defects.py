"""Defect injection: which rows get which defect, and the text written for them.

Names are the pipeline's quarantine rule names. At most one defect per row; `duplicate_row`
marks a clean row that is written twice (the second copy is the defect).
"""

from collections.abc import Callable

import numpy as np

from generators import render as r

KINDS = {
    "customers.csv": [
        "duplicate_row",
        "email_not_normalised",
        "invalid_email",
        "missing_required",
        "invalid_date",
        "future_date",
    ],
    "products.csv": ["duplicate_row", "missing_required", "invalid_number", "negative_amount"],
    "transactions.csv": [
        "duplicate_row",
        "missing_required",
        "invalid_date",
        "invalid_number",
        "future_date",
        "unknown_customer",
    ],
    "transaction_items.csv": [
        "duplicate_row",
        "missing_required",
        "invalid_number",
        "negative_amount",
        "quantity_not_positive",
        "discount_out_of_range",
        "line_total_mismatch",
        "unknown_product",
    ],
}
# transaction defects that make the pipeline reject the items with it (rule parent_rejected)
REJECTING = {"missing_required", "invalid_date", "invalid_number", "future_date"}
# A transaction of a customer the feed never delivers is not quarantined: like a line whose
# transaction is late, it waits for its customer (and its lines wait for it), batch after batch.
WAITING = {"unknown_customer"}
BAD_DATES = ["2024-13-45", "31/12/2024", "yesterday", "2024-02-30"]
# column -> (rows, texts) of the defect texts that replace those rows' values
Edits = dict[int, tuple[list[int], list[str]]]


def choose(
    rng: np.random.Generator, n: int, file: str, rate: float, hosts: np.ndarray, dup_ok: np.ndarray, every_kind: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Kind per row (-1 = clean, else index into KINDS[file]) and the rows to duplicate.

    The number of defective rows is binomial(n, rate), so `rate` is the expected share of
    defective rows and a small file is often clean. `every_kind` (for tests) adds at least
    one row of each kind, even at rate 0, as far as the host rows allow.
    """
    kinds = KINDS[file]
    kind = np.full(n, -1, np.int8)
    if n == 0 or (rate <= 0 and not every_kind):
        return kind, np.empty(0, np.int64)
    counts = rng.multinomial(rng.binomial(n, min(rate, 1.0)), [1 / len(kinds)] * len(kinds))
    if every_kind:
        counts = np.maximum(counts, 1)
    labels = np.repeat(np.arange(1, len(kinds)), counts[1:])
    if every_kind:  # one of each kind first, so truncation to the hosts keeps every kind
        labels = np.concatenate([np.arange(1, len(kinds)), np.repeat(np.arange(1, len(kinds)), counts[1:] - 1)])
    host_idx = np.flatnonzero(hosts)
    chosen = rng.choice(host_idx, min(len(labels), len(host_idx)), replace=False)
    kind[chosen] = labels[: len(chosen)]
    dup_idx = np.flatnonzero(dup_ok & (kind == -1))
    dups = rng.choice(dup_idx, min(int(counts[0]), len(dup_idx)), replace=False)
    return kind, np.sort(dups)


def counts(file: str, kind: np.ndarray, dups: np.ndarray) -> dict[str, int]:
    names = KINDS[file]
    out = {names[k]: int(c) for k, c in zip(*np.unique(kind[kind >= 0], return_counts=True))}
    if len(dups):
        out["duplicate_row"] = len(dups)
    return out


def order_with_duplicates(n: int, dups: np.ndarray) -> np.ndarray | None:
    if len(dups) == 0:
        return None
    times = np.ones(n, np.int64)
    times[dups] = 2
    return np.repeat(np.arange(n), times)


def dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def bad_number(rng: np.random.Generator, cents: int) -> str:
    return [dollars(cents).replace(".", ","), "abc", "1.2.3", "N/A"][rng.integers(0, 4)]


def _apply(fields: list[r.Field], edits: Edits) -> None:
    for col, (rows, texts) in edits.items():
        fields[col] = r.override(fields[col], np.array(rows, np.int64), texts)


def _edit(edits: Edits, col: int, row: int | np.integer, text: str) -> None:
    rows, texts = edits.setdefault(col, ([], []))
    rows.append(int(row))
    texts.append(text)


def apply_customers(
    rng: np.random.Generator, fields: list[r.Field], kind: np.ndarray, email: Callable[[int], str], asof: int
) -> None:
    names = KINDS["customers.csv"]
    edits: Edits = {}
    for i in np.flatnonzero(kind >= 0):
        k, e = names[kind[i]], email(int(i))
        if k == "email_not_normalised":
            variants = [e.upper(), e.title(), " " + e, e + "  ", " " + e.capitalize() + " "]
            _edit(edits, 3, i, variants[rng.integers(0, len(variants))])
        elif k == "invalid_email":
            local, domain = e.split("@")
            variants = [local + "." + domain, "@" + domain, local + "@"]
            _edit(edits, 3, i, variants[rng.integers(0, 3)])
        elif k == "missing_required":
            _edit(edits, 3 if rng.random() < 0.5 else 2, i, "")
        elif k == "invalid_date":
            _edit(edits, 5, i, BAD_DATES[rng.integers(0, len(BAD_DATES))])
        elif k == "future_date":
            _edit(edits, 5, i, r.iso(asof + int(rng.integers(10, 61))))
    _apply(fields, edits)


def apply_products(
    rng: np.random.Generator, fields: list[r.Field], kind: np.ndarray, price: np.ndarray, cost: np.ndarray
) -> None:
    names = KINDS["products.csv"]
    edits: Edits = {}
    for i in np.flatnonzero(kind >= 0):
        k = names[kind[i]]
        col = 4 if rng.random() < 0.6 else 5
        value = int(price[i] if col == 4 else cost[i])
        if k == "missing_required":
            _edit(edits, 1 if rng.random() < 0.5 else 4, i, "")
        elif k == "invalid_number":
            _edit(edits, col, i, bad_number(rng, value))
        elif k == "negative_amount":
            _edit(edits, col, i, "-" + dollars(value))
    _apply(fields, edits)


def apply_transactions(rng: np.random.Generator, fields: list[r.Field], kind: np.ndarray, total: np.ndarray, asof: int) -> None:
    names = KINDS["transactions.csv"]
    edits: Edits = {}
    for i in np.flatnonzero(kind >= 0):
        k = names[kind[i]]
        if k == "missing_required":
            _edit(edits, 1 if rng.random() < 0.5 else 2, i, "")
        elif k == "invalid_date":
            if rng.random() < 0.3:
                _edit(edits, 3, i, ["25:61:00", "24:00:99", "noon"][rng.integers(0, 3)])
            else:
                _edit(edits, 2, i, BAD_DATES[rng.integers(0, len(BAD_DATES))])
        elif k == "invalid_number":
            _edit(edits, 6, i, bad_number(rng, int(total[i])))
        elif k == "future_date":
            _edit(edits, 2, i, r.iso(asof + int(rng.integers(10, 61))))
        elif k == "unknown_customer":
            _edit(edits, 1, i, f"C9{rng.integers(0, 1_000_000):06d}")
    _apply(fields, edits)


def apply_items(rng: np.random.Generator, fields: list[r.Field], kind: np.ndarray, items: dict[str, np.ndarray]) -> None:
    names = KINDS["transaction_items.csv"]
    edits: Edits = {}
    for i in np.flatnonzero(kind >= 0):
        k = names[kind[i]]
        if k == "missing_required":
            _edit(edits, 2 if rng.random() < 0.5 else 3, i, "")
        elif k == "invalid_number":
            col = int(rng.choice([3, 4, 6]))
            if col == 3:
                _edit(edits, 3, i, ["abc", "two", "1.5.0"][rng.integers(0, 3)])
            else:
                value = items["price"][i] if col == 4 else items["line_total"][i]
                _edit(edits, col, i, bad_number(rng, int(value)))
        elif k == "negative_amount":
            _edit(edits, 4, i, "-" + dollars(int(items["price"][i])))
        elif k == "quantity_not_positive":
            _edit(edits, 3, i, ["0", "-1", "-2"][rng.integers(0, 3)])
        elif k == "discount_out_of_range":
            _edit(edits, 5, i, ["150", "-5", "101", "120"][rng.integers(0, 4)])
        elif k == "line_total_mismatch":
            _edit(edits, 6, i, dollars(int(items["line_total"][i] + rng.integers(100, 5000))))
        elif k == "unknown_product":
            _edit(edits, 2, i, f"P9{rng.integers(0, 1_000_000):06d}")
    _apply(fields, edits)
