"""Customers and products: their state (numpy arrays), changes between batches, CSV rows.

State is a dict of equal-length arrays indexed by entity number - 1. A row is rendered from
state alone, so re-rendering an unchanged entity gives byte-identical output.
"""

import re
from collections.abc import Sequence

import numpy as np
from faker import Faker

from generators import catalog as cat
from generators import render as r

State = dict[str, np.ndarray]

NEVER_BUYER_SHARE = 0.25
NEVER_SOLD_SHARE = 0.08


def build_pools(seed: int) -> dict:
    """Small seeded Faker pools (names, streets), built once and independent of scale."""
    fake = Faker("en_US")
    fake.seed_instance(seed)

    def names(draw, count: int, pattern: str = r"[A-Za-z][A-Za-z' -]*[A-Za-z]") -> list[str]:
        seen: dict[str, None] = {}
        for _ in range(count * 4):
            name = cat.initcap(draw())
            if re.fullmatch(pattern, name):
                seen[name] = None
            if len(seen) >= count:
                break
        return list(seen)

    first = names(fake.first_name, 600)
    last = names(fake.last_name, 600)
    streets = names(fake.street_address, 1500, r"[0-9]+ [A-Za-z][A-Za-z. ]*[A-Za-z]")
    geo = cat.GEOGRAPHY
    brands = cat.BRAND_NAMES
    return {
        "first": first,
        "last": last,
        "streets": streets,
        "first_p": r.make_pool(first),
        "last_p": r.make_pool(last),
        "first_lo": r.make_pool([re.sub(r"[^a-z]", "", s.lower()) for s in first]),
        "last_lo": r.make_pool([re.sub(r"[^a-z]", "", s.lower()) for s in last]),
        "street_raw": r.make_pool(streets, quote=False),
        "geo_raw": r.make_pool([f"{c}, {s}, {k}" for c, s, k, _ in geo], quote=False),
        "city": r.make_pool([g[0] for g in geo]),
        "state": r.make_pool([g[1] for g in geo]),
        "country": r.make_pool([g[2] for g in geo]),
        "age": r.make_pool(cat.AGE_GROUPS),
        "domain": r.make_pool(cat.EMAIL_DOMAINS),
        "email_sep": np.frombuffer(b"._x", np.uint8),
        "category": r.make_pool(cat.CATEGORY_NAMES),
        "sub": r.make_pool(cat.SUB_NAMES),
        "noun": r.make_pool(cat.SUB_NOUN),
        "brand": r.make_pool(brands),
        "model_word": r.make_pool(cat.MODEL_WORDS),
        "letter": r.make_pool(cat.MODEL_LETTERS),
        "payment": r.make_pool(cat.PAYMENT_METHODS),
    }


def _p(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, float)
    return w / w.sum()


def _reserved(rng: np.random.Generator, n: int, share: float, minimum: int) -> np.ndarray:
    """Mask of a random `share` of n (at least `minimum`, at most half) rows."""
    k = min(max(round(share * n), minimum), n // 2)
    mask = np.zeros(n, bool)
    mask[rng.permutation(n)[:k]] = True
    return mask


def new_customers(rng: np.random.Generator, pools: dict, n: int, first_number: int, reg_low: int, reg_high: int) -> State:
    never = _reserved(rng, n, NEVER_BUYER_SHARE, 6 if n >= 12 else 0)
    never |= rng.random(n) < (NEVER_BUYER_SHARE if n < 12 else 0.0)
    reg = rng.integers(reg_low, reg_high + 1, n)
    buyers = np.flatnonzero(~never)
    if len(buyers):
        reg[buyers[0]] = reg_low  # someone can always buy on the first day
    age = rng.choice(len(cat.AGE_GROUPS), n, p=_p(cat.AGE_WEIGHTS)).astype(np.int8)
    age[rng.random(n) < 0.03] = -1
    phone = rng.integers(201, 990, n) * 10_000_000 + rng.integers(200, 1000, n) * 10_000 + rng.integers(0, 10_000, n)
    phone_fmt = rng.choice(4, n, p=[0.4, 0.2, 0.2, 0.2]).astype(np.int8)
    phone_fmt[rng.random(n) < 0.04] = -1
    weight = rng.lognormal(0.0, 1.4, n) * ~never
    return {
        "number": np.arange(first_number, first_number + n, dtype=np.int64),
        "first": rng.integers(0, len(pools["first"]), n),
        "last": rng.integers(0, len(pools["last"]), n),
        "reg": reg.astype(np.int64),
        "geo": rng.choice(len(cat.GEOGRAPHY), n, p=_p([g[3] for g in cat.GEOGRAPHY])),
        "street": rng.integers(0, len(pools["streets"]), n),
        "age": age,
        "phone": phone,
        "phone_fmt": phone_fmt,
        "email_sep": rng.choice(3, n, p=[0.7, 0.2, 0.1]).astype(np.int8),
        "domain": rng.choice(len(cat.EMAIL_DOMAINS), n, p=_p(cat.EMAIL_DOMAIN_WEIGHTS)),
        "weight": weight,
        "buyer": ~never,
        "tainted": np.zeros(n, bool),
    }


def new_products(rng: np.random.Generator, n: int, first_number: int, never_share: float = NEVER_SOLD_SHARE) -> State:
    never = _reserved(rng, n, never_share, 4 if n >= 8 else 0)
    never |= rng.random(n) < (never_share if n < 8 else 0.0)
    shares = _p([c[0] for c in cat.CATEGORIES.values()])
    category = rng.choice(len(shares), n, p=shares)
    sub_of = [np.flatnonzero(np.array(cat.SUB_CATEGORY) == c) for c in range(len(shares))]
    sub = np.array([sub_of[c][k % len(sub_of[c])] for c, k in zip(category, rng.integers(0, 1000, n))], np.int64)
    brand = np.array([cat.SUB_BRANDS[s][k % len(cat.SUB_BRANDS[s])] for s, k in zip(sub, rng.integers(0, 1000, n))], np.int64)
    price = draw_price(rng, category)
    return {
        "number": np.arange(first_number, first_number + n, dtype=np.int64),
        "category": category,
        "sub": sub,
        "brand": brand,
        "word": rng.integers(0, len(cat.MODEL_WORDS), n),
        "letter": rng.integers(0, len(cat.MODEL_LETTERS), n),
        "model": rng.integers(100, 1000, n),
        "price": price,
        "cost": draw_cost(rng, category, price),
        "stock": np.where(rng.random(n) < 0.05, 0, rng.integers(1, 800, n)),
        "supplier": brand % cat.SUPPLIERS + 1,
        "popularity": rng.lognormal(0.0, 0.8, n) * ~never,
        "sold": ~never,
        "tainted": np.zeros(n, bool),
    }


def price_band(category: int) -> tuple[int, int]:
    low, high = list(cat.CATEGORIES.values())[category][1]
    return round(low * 100), round(high * 100)


def draw_price(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    spec = list(cat.CATEGORIES.values())
    median = np.array([s[2] for s in spec])[category]
    sigma = np.array([s[3] for s in spec])[category]
    dollars = median * np.exp(rng.standard_normal(len(category)) * sigma)
    low = np.array([price_band(c)[0] for c in range(len(spec))])[category]
    high = np.array([price_band(c)[1] for c in range(len(spec))])[category]
    cents = np.clip(np.round(dollars * 100), low, high).astype(np.int64)
    charm = (cents // 100) * 100 + np.where(cents >= 1000, 99, cents % 100)  # x.99 pricing
    return np.clip(charm, low, high).astype(np.int64)


def draw_cost(rng: np.random.Generator, category: np.ndarray, price: np.ndarray) -> np.ndarray:
    margin = np.array([c[4] for c in cat.CATEGORIES.values()])[category]
    margin = margin + rng.uniform(-0.05, 0.05, len(price))
    cost = np.round(price * (1 - margin)).astype(np.int64)
    return np.clip(cost, 1, price - 1)


def take(state: State, idx: np.ndarray) -> State:
    return {k: v[idx] for k, v in state.items()}


def append(state: State, more: State) -> State:
    return {k: np.concatenate([v, more[k]]) for k, v in state.items()}


def change_customers(rng: np.random.Generator, pools: dict, state: State, idx: np.ndarray) -> None:
    """Move city, switch email or change age group for customers `idx` (in place)."""
    kind = rng.choice(3, len(idx), p=[0.5, 0.3, 0.2])
    n_geo = len(cat.GEOGRAPHY)
    for i, k in zip(idx, kind):
        if k == 0:
            state["geo"][i] = (state["geo"][i] + rng.integers(1, n_geo)) % n_geo
            state["street"][i] = rng.integers(0, len(pools["streets"]))
        elif k == 1:
            state["domain"][i] = (state["domain"][i] + rng.integers(1, 8)) % 8
            state["email_sep"][i] = (state["email_sep"][i] + 1) % 3
        else:
            old = state["age"][i]
            state["age"][i] = (max(old, 0) + rng.integers(1, 6)) % 6


def change_products(rng: np.random.Generator, state: State, idx: np.ndarray) -> None:
    """New price (and cost) or a new sub-category within the category (in place)."""
    for i in idx:
        c = int(state["category"][i])
        others = [
            s
            for s, sc in enumerate(cat.SUB_CATEGORY)  # where the brand also sells
            if sc == c and s != state["sub"][i] and state["brand"][i] in cat.SUB_BRANDS[s]
        ]
        if rng.random() < 0.3 and others:
            state["sub"][i] = others[rng.integers(0, len(others))]
            continue
        low, high = price_band(c)
        old = int(state["price"][i])
        new = int(np.clip(round(old * rng.uniform(0.8, 1.2)), low, high))
        if new == old:
            new = old - 100 if old - 100 >= low else old + 100
        state["price"][i] = new
        state["cost"][i] = draw_cost(rng, np.array([c]), np.array([new]))[0]


def customer_fields(pools: dict, s: State) -> list[r.Field]:
    n = len(s["number"])
    sep = pools["email_sep"][s["email_sep"]][:, None]
    email = [
        r.pick(pools["first_lo"], s["first"]),
        (sep, s["email_sep"][:, None] < 2),
        r.pick(pools["last_lo"], s["last"]),
        r.number(s["number"]),
        r.const("@", n),
        r.pick(pools["domain"], s["domain"]),
    ]
    age_idx = np.maximum(s["age"], 0)
    age_mat, age_mask = r.pick(pools["age"], age_idx)
    return [
        r.ident("C", s["number"], 7),
        [r.pick(pools["first_p"], s["first"])],
        [r.pick(pools["last_p"], s["last"])],
        email,
        [phones(s["phone"], s["phone_fmt"])],
        r.dates(s["reg"]),
        [r.pick(pools["city"], s["geo"])],
        [r.pick(pools["state"], s["geo"])],
        [r.pick(pools["country"], s["geo"])],
        [(age_mat, age_mask & (s["age"] >= 0)[:, None])],
    ]


_PHONE_FORMATS = ["(AAA) AAA-AAAA", "AAA.AAA.AAAA", "+1 AAA AAA AAAA", "AAA-AAA-AAAA"]


def phones(number: np.ndarray, fmt: np.ndarray) -> r.Piece:
    """Mixed realistic phone formats; fmt -1 leaves the phone empty."""
    n = len(number)
    mat = np.zeros((n, 15), np.uint8)
    lens = np.zeros(n, np.int64)
    d = r.digits(number, 10)
    for f, template in enumerate(_PHONE_FORMATS):
        rows = np.flatnonzero(fmt == f)
        raw = np.frombuffer(template.encode(), np.uint8)
        slots = np.flatnonzero(raw == ord("A"))
        block = np.broadcast_to(raw, (len(rows), len(raw))).copy()
        block[:, slots] = d[rows]
        mat[rows, : len(raw)] = block
        lens[rows] = len(raw)
    return mat, np.arange(15) < lens[:, None]


def product_fields(pools: dict, s: State) -> list[r.Field]:
    n = len(s["number"])
    space = r.const(" ", n)
    name = [
        r.pick(pools["brand"], s["brand"]),
        space,
        r.pick(pools["noun"], s["sub"]),
        space,
        r.pick(pools["model_word"], s["word"]),
        space,
        r.pick(pools["letter"], s["letter"]),
        r.number(s["model"]),
    ]
    return [
        r.ident("P", s["number"], 7),
        name,
        [r.pick(pools["category"], s["category"])],
        [r.pick(pools["sub"], s["sub"])],
        r.money(s["price"]),
        r.money(s["cost"]),
        [r.pick(pools["brand"], s["brand"])],
        [r.number(s["stock"])],
        r.ident("S", s["supplier"], 3),
    ]


def customer_email(pools: dict, s: State, i: int) -> str:
    sep = "._"[s["email_sep"][i]] if s["email_sep"][i] < 2 else ""
    first = re.sub(r"[^a-z]", "", pools["first"][s["first"][i]].lower())
    last = re.sub(r"[^a-z]", "", pools["last"][s["last"][i]].lower())
    return f"{first}{sep}{last}{s['number'][i]}@{cat.EMAIL_DOMAINS[s['domain'][i]]}"
