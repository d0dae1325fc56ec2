"""Vectorised CSV rendering.

A column value is built from *pieces*: a (rows, width) uint8 matrix of bytes plus a boolean
mask of the bytes that are really there. Laying all pieces of a row side by side and keeping
only the masked bytes (`matrix[mask]`, row-major) yields the CSV text of many rows at once,
with no Python loop over rows.
"""

from datetime import date, timedelta

import numpy as np

Piece = tuple[np.ndarray, np.ndarray]
Field = list[Piece]

DATE_EPOCH = date(1970, 1, 1)
_DATE_FIRST = date(1990, 1, 1)
_DATE_OFFSET = (_DATE_FIRST - DATE_EPOCH).days
_DATE_COUNT = (date(2200, 1, 1) - _DATE_FIRST).days


def _table(strings: list[bytes], width: int) -> np.ndarray:
    return np.array(strings, dtype=f"S{width}").view(np.uint8).reshape(len(strings), width)


_DIGITS4 = _table([b"%04d" % i for i in range(10000)], 4).copy().view(np.uint32).ravel()
_TIMES = _table([b"%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)], 8).copy().view(np.uint64).ravel()
_DATES = _table([(_DATE_FIRST + timedelta(days=i)).isoformat().encode() for i in range(_DATE_COUNT)], 10)
_POW10 = 10 ** np.arange(1, 19, dtype=np.int64)


def csv_quote(text: str) -> str:
    """Quote like csv.QUOTE_MINIMAL with the default dialect."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def day_number(d: date) -> int:
    return (d - DATE_EPOCH).days


def iso(day: int) -> str:
    return (DATE_EPOCH + timedelta(days=int(day))).isoformat()


def make_pool(strings: list[str], quote: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Encode strings once as a byte matrix + lengths, so columns are a gather away."""
    enc = [(csv_quote(s) if quote else s).encode() for s in strings]
    width = max([len(b) for b in enc] + [1])
    return _table(enc, width), np.array([len(b) for b in enc], np.int64)


def pick(pool: tuple[np.ndarray, np.ndarray], idx: np.ndarray) -> Piece:
    mat, lens = pool
    return mat[idx], np.arange(mat.shape[1]) < lens[idx][:, None]


def const(text: str, n: int) -> Piece:
    raw = np.frombuffer(text.encode(), np.uint8)
    return np.broadcast_to(raw, (n, len(raw))), np.ones((n, len(raw)), bool)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as a (n, width) byte matrix."""
    v = np.asarray(values, np.int64)
    groups = (width + 3) // 4
    out = np.empty((len(v), groups), np.uint32)
    for g in range(groups - 1, -1, -1):
        out[:, g] = _DIGITS4[v % 10000]
        v = v // 10000
    return out.view(np.uint8).reshape(len(out), groups * 4)[:, groups * 4 - width :]


def ident(prefix: str, values: np.ndarray, width: int) -> Field:
    n = len(values)
    return [const(prefix, n), (digits(values, width), np.ones((n, width), bool))]


def number(values: np.ndarray) -> Piece:
    """Non-negative integers without padding (right-aligned in the piece)."""
    v = np.asarray(values, np.int64)
    lens = np.searchsorted(_POW10, v, side="right") + 1
    width = int(lens.max()) if len(v) else 1
    return digits(v, width), np.arange(width) >= (width - lens)[:, None]


def money(cents: np.ndarray) -> Field:
    """Non-negative cents as dollars with exactly two decimals."""
    c = np.asarray(cents, np.int64)
    n = len(c)
    return [number(c // 100), const(".", n), (digits(c % 100, 2), np.ones((n, 2), bool))]


def dates(days: np.ndarray) -> Field:
    idx = np.asarray(days, np.int64) - _DATE_OFFSET
    return [(_DATES[idx], np.ones((len(idx), 10), bool))]


def times(seconds: np.ndarray) -> Field:
    n = len(seconds)
    raw = _TIMES[np.asarray(seconds, np.int64)].view(np.uint8).reshape(n, 8)
    return [(raw, np.ones((n, 8), bool))]


def override(field: Field, rows: np.ndarray, texts: list[str]) -> Field:
    """Replace the value of `rows` by literal (CSV-quoted) texts: how defects are written."""
    if len(rows) == 0:
        return field
    n = len(field[0][0])
    out = []
    for mat, mask in field:
        mask = np.array(mask)
        mask[rows] = False
        out.append((mat, mask))
    mat_t, lens_t = make_pool(texts)
    mat = np.zeros((n, mat_t.shape[1]), np.uint8)
    lens = np.zeros(n, np.int64)
    mat[rows] = mat_t
    lens[rows] = lens_t
    out.append((mat, np.arange(mat.shape[1]) < lens[:, None]))
    return out


def render(fields: list[Field], order: np.ndarray | None = None) -> bytes:
    """CSV lines for all rows; `order` repeats/reorders rows (duplicates) at the end."""
    n = len(fields[0][0][0])
    if n == 0:
        return b""
    comma, newline = const(",", n), const("\n", n)
    pieces: list[Piece] = []
    for i, field in enumerate(fields):
        if i:
            pieces.append(comma)
        pieces.extend(field)
    pieces.append(newline)
    mat = np.concatenate([p[0] for p in pieces], axis=1)
    mask = np.concatenate([p[1] for p in pieces], axis=1)
    if order is not None:
        mat, mask = mat[order], mask[order]
    return mat[mask].tobytes()
