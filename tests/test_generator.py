"""The synthetic data generator: determinism, volumes, integrity, defects, realism.

No database needed: the files are parsed back with the csv module and checked independently
of the generator's own code.
"""

import csv
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from generators import generate
from generators.catalog import CATEGORIES, GEOGRAPHY, HEADERS, SUB_NAMES, initcap
from generators.defects import KINDS

FILES = list(HEADERS)
MONEY = re.compile(r"\d+\.\d\d")
EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")
REJECTING = {"missing_required", "invalid_date", "invalid_number", "future_date",
             "unknown_customer"}


def read(folder: Path, file: str) -> list[dict]:
    with open(folder / file, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def lines(folder: Path, file: str) -> list[str]:
    return (folder / file).read_text(encoding="utf-8").split("\n")[1:-1]


def manifest(folder: Path) -> dict:
    return json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("clean"), scale=0.2, seed=7, batches=4,
                    defect_rate=0.0)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("dirty"), scale=0.1, seed=11, batches=4,
                    defect_rate=0.05)


@pytest.fixture(scope="module")
def scale_one(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("one"), scale=1, seed=42, defect_rate=0.0)


def test_same_seed_gives_identical_bytes_other_seed_differs(tmp_path):
    def snapshot(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file()}

    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate(tmp_path / name, scale=0.05, seed=seed, batches=3, defect_rate=0.05)
    a, b, c = (snapshot(tmp_path / n) for n in "abc")
    assert len(a) == 3 * 5 and a == b
    assert a.keys() == c.keys() and all(a[k] != c[k] for k in a if k.endswith(".csv"))


def test_batch_folders_headers_and_line_endings(clean):
    assert [p.name for p in clean] == ["2024-12-31", "2025-01-01", "2025-01-02", "2025-01-03"]
    for folder in clean:
        for file in FILES:
            raw = (folder / file).read_bytes()
            assert raw.split(b"\n", 1)[0].decode() == HEADERS[file]
            assert b"\r" not in raw and raw.endswith(b"\n")
            assert manifest(folder)["files"][file]["rows"] == raw.count(b"\n") - 1


def test_volumes_at_scale_one(scale_one):
    folder = scale_one[0]
    counts = {f: len(read(folder, f)) for f in FILES}
    assert counts["customers.csv"] == 1000
    assert counts["products.csv"] == 500
    assert counts["transactions.csv"] == 10000
    assert 24000 <= counts["transaction_items.csv"] <= 26000
    days = {r["transaction_date"] for r in read(folder, "transactions.csv")}
    assert min(days) == "2023-01-01" and max(days) == "2024-12-31"


def test_tiny_fractional_scale_has_rows(tmp_path):
    folder = generate(tmp_path, scale=0.02, seed=1, defect_rate=0.0)[0]
    assert all(len(read(folder, f)) >= 5 for f in FILES)


def test_clean_values_have_canonical_formats(clean):
    assert all(initcap(s) == s for s in list(CATEGORIES) + SUB_NAMES)
    assert all(initcap(x) == x for g in GEOGRAPHY for x in g[:3])
    geo = {g[:3] for g in GEOGRAPHY}
    emails = set()
    for folder in clean:
        for row in read(folder, "customers.csv"):
            assert re.fullmatch(r"C\d{7}", row["customer_id"])
            for col in ("first_name", "last_name", "city", "state", "country"):
                assert initcap(row[col]) == row[col] != ""
            assert (row["city"], row["state"], row["country"]) in geo
            assert EMAIL.fullmatch(row["email"]) and row["email"] == row["email"].lower()
            assert row["age_group"] in {"", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
            assert row["phone"] == "" or re.fullmatch(r"[\d()+. -]{12,15}", row["phone"])
            emails.add((row["customer_id"], row["email"]))
        for row in read(folder, "products.csv"):
            assert re.fullmatch(r"P\d{7}", row["product_id"])
            assert MONEY.fullmatch(row["price"]) and MONEY.fullmatch(row["cost"])
            assert Decimal(row["cost"]) < Decimal(row["price"])
            assert re.fullmatch(r"S\d{3}", row["supplier_id"])
            assert int(row["stock_quantity"]) >= 0
        for row in read(folder, "transaction_items.csv"):
            assert 1 <= int(row["quantity"]) <= 10
            assert row["discount_percentage"] in {"0", "5", "10", "15", "20", "25"}
    by_email = defaultdict(set)
    for cid, email in emails:
        by_email[email].add(cid)
    assert all(len(ids) == 1 for ids in by_email.values())  # unique among customers


def test_referential_integrity_and_arithmetic_on_clean_data(clean):
    registered, products, txns, items = {}, set(), {}, {}
    for folder in clean:
        for row in read(folder, "customers.csv"):
            registered.setdefault(row["customer_id"], row["registration_date"])
        products |= {row["product_id"] for row in read(folder, "products.csv")}
        txns.update({row["transaction_id"]: row for row in read(folder, "transactions.csv")})
        items.update({row["item_id"]: row for row in read(folder, "transaction_items.csv")})
    sums = defaultdict(Decimal)
    for item in items.values():
        assert item["product_id"] in products and item["transaction_id"] in txns
        exact = (int(item["quantity"]) * Decimal(item["unit_price"])
                 * (1 - Decimal(item["discount_percentage"]) / 100))
        assert Decimal(item["line_total"]) == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
        sums[item["transaction_id"]] += Decimal(item["line_total"])
    for tid, txn in txns.items():
        assert txn["customer_id"] in registered
        assert txn["transaction_date"] >= registered[txn["customer_id"]]
        assert Decimal(txn["total_amount"]) == sums[tid]


def _classify(file: str, row: dict, asof: str, customers: set, products: set) -> str | None:
    def bad_date(text: str) -> bool:
        try:
            return not re.fullmatch(r"\d{4}-\d\d-\d\d", text) or not datetime.strptime(
                text, "%Y-%m-%d")
        except ValueError:
            return True

    def bad_money(text: str) -> bool:
        return not re.fullmatch(r"-?\d+\.\d\d", text)

    if file == "customers.csv":
        if any(row[c] == "" for c in ("customer_id", "first_name", "last_name", "email",
                                      "registration_date")):
            return "missing_required"
        if row["email"] != row["email"].strip().lower():
            return "email_not_normalised"
        if not EMAIL.fullmatch(row["email"]):
            return "invalid_email"
        if bad_date(row["registration_date"]):
            return "invalid_date"
        return "future_date" if row["registration_date"] > asof else None
    if file == "products.csv":
        if row["product_name"] == "" or row["price"] == "":
            return "missing_required"
        if bad_money(row["price"]) or bad_money(row["cost"]):
            return "invalid_number"
        return "negative_amount" if "-" in row["price"] + row["cost"] else None
    if file == "transactions.csv":
        if row["customer_id"] == "" or row["transaction_date"] == "":
            return "missing_required"
        if bad_date(row["transaction_date"]) or not re.fullmatch(
                r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d", row["transaction_time"]):
            return "invalid_date"
        if bad_money(row["total_amount"]):
            return "invalid_number"
        if row["transaction_date"] > asof:
            return "future_date"
        return "unknown_customer" if row["customer_id"] not in customers else None
    if row["product_id"] == "" or row["quantity"] == "":
        return "missing_required"
    if (not re.fullmatch(r"-?\d+", row["quantity"]) or bad_money(row["unit_price"])
            or bad_money(row["line_total"])):
        return "invalid_number"
    if Decimal(row["unit_price"]) < 0:
        return "negative_amount"
    if int(row["quantity"]) <= 0:
        return "quantity_not_positive"
    if not 0 <= int(row["discount_percentage"]) <= 100:
        return "discount_out_of_range"
    expected = (int(row["quantity"]) * Decimal(row["unit_price"])
                * (100 - int(row["discount_percentage"])) / 100)
    if abs(Decimal(row["line_total"]) - expected) > Decimal("0.01"):
        return "line_total_mismatch"
    return "unknown_product" if row["product_id"] not in products else None


def test_manifest_defect_counts_match_the_files(dirty):
    customers = {r["customer_id"] for f in dirty for r in read(f, "customers.csv")}
    products = {r["product_id"] for f in dirty for r in read(f, "products.csv")}
    for folder in dirty:
        meta = manifest(folder)
        rejected = set()
        for file in FILES:
            text = lines(folder, file)
            found = Counter({"duplicate_row": len(text) - len(set(text))})
            rows = list(csv.DictReader([HEADERS[file]] + sorted(set(text))))
            for row in rows:
                kind = _classify(file, row, meta["batch"], customers, products)
                if kind:
                    found[kind] += 1
                    if file == "transactions.csv" and kind in REJECTING:
                        rejected.add(row["transaction_id"])
            if file == "transaction_items.csv":
                cascade = sum(r["transaction_id"] in rejected for r in rows)
                assert meta["cascades"][file]["parent_rejected"] == cascade
            assert meta["files"][file]["defects"] == +found, (folder.name, file)
            assert meta["files"][file]["rows"] == len(text)
    first = manifest(dirty[0])["files"]  # every kind appears when rows allow
    for file, kinds in KINDS.items():
        assert set(first[file]["defects"]) == set(kinds), file


def test_clean_data_has_no_defects(clean):
    for folder in clean:
        meta = manifest(folder)
        assert all(not meta["files"][f]["defects"] for f in FILES)
        assert meta["cascades"]["transaction_items.csv"]["parent_rejected"] == 0
        for file in FILES:
            text = lines(folder, file)
            assert len(text) == len(set(text))


def test_later_batches_change_earlier_customers_and_products(clean):
    first = {f: {r[f"{f[:-5].rstrip('s')}_id"]: r for r in read(clean[0], f)}
             for f in ("customers.csv", "products.csv")}
    for folder in clean[1:]:
        meta = manifest(folder)
        for file in ("customers.csv", "products.csv"):
            key = f"{file[:-5].rstrip('s')}_id"
            rows = read(folder, file)
            changed = [r for r in rows if r[key] in first[file] and r != first[file][r[key]]]
            assert len(changed) >= meta["changes"][file] >= 1
            new = [r for r in rows if r[key] not in first[file]]
            assert len(new) >= meta["new"][file] >= 1
            first[file].update({r[key]: r for r in rows})


def test_redeliveries_are_byte_identical_to_earlier_rows(clean):
    seen: dict[str, set] = {f: set() for f in FILES}
    for k, folder in enumerate(clean):
        meta = manifest(folder)
        for file in FILES:
            text = lines(folder, file)
            if k:
                again = sum(line in seen[file] for line in text)
                assert again >= meta["redelivered"][file] >= 1, (folder.name, file)
            seen[file] |= set(text)


def test_late_items_and_corrections(clean):
    per_batch = [({r["transaction_id"]: r for r in read(f, "transactions.csv")},
                  read(f, "transaction_items.csv")) for f in clean]
    item_seen: dict[str, dict] = {}
    for k, (txns, items) in enumerate(per_batch):
        meta = manifest(clean[k])
        late = meta["late"]["transaction_items.csv"]
        before = per_batch[k - 1][0] if k else {}
        after = per_batch[k + 1][0] if k + 1 < len(per_batch) else {}
        orphans = [i for i in items if i["transaction_id"] not in txns  # not re-delivered:
                   and item_seen.get(i["item_id"]) != i]
        assert sum(i["transaction_id"] in before for i in orphans) == (
            late["parent_in_earlier_batch"])
        assert sum(i["transaction_id"] in after for i in orphans) == late["waiting_for_parent"]
        assert len(orphans) == late["parent_in_earlier_batch"] + late["waiting_for_parent"]
        corrected = [i for i in items if i["item_id"] in item_seen
                     and i["quantity"] != item_seen[i["item_id"]]["quantity"]]
        assert len(corrected) == meta["corrections"]["transaction_items.csv"]
        assert (len(corrected) >= 1) == (k >= 1)
        for i in corrected:
            assert i["transaction_id"] in txns  # with the corrected total
        item_seen.update({i["item_id"]: i for i in items})
    assert manifest(clean[0])["late"]["transaction_items.csv"]["waiting_for_parent"] == 0
    assert manifest(clean[-1])["late"]["transaction_items.csv"]["waiting_for_parent"] == 0


def test_distributions_are_realistic(scale_one):
    folder = scale_one[0]
    txns = read(folder, "transactions.csv")
    weekend = sum(date.fromisoformat(t["transaction_date"]).weekday() >= 5 for t in txns)
    assert 0.33 <= weekend / len(txns) <= 0.42
    per_customer = Counter(t["customer_id"] for t in txns)
    revenue = [Decimal(t["total_amount"]) for t in txns]
    repeat = sum(v for t, v in zip(txns, revenue) if per_customer[t["customer_id"]] > 1)
    assert repeat / sum(revenue) > 0.5
    assert len(per_customer) < 0.9 * 1000  # a good share never buys
    assert max(per_customer.values()) >= 5 * sorted(per_customer.values())[len(per_customer) // 2]
    products = {p["product_id"]: p for p in read(folder, "products.csv")}
    for p in products.values():
        low, high = CATEGORIES[p["category"]][1]
        assert low <= float(p["price"]) <= high
        assert p["sub_category"] in CATEGORIES[p["category"]][5]
    by_category = Counter()
    for item in read(folder, "transaction_items.csv"):
        by_category[products[item["product_id"]]["category"]] += Decimal(item["line_total"])
    assert by_category.most_common(1)[0][0] == "Electronics"
    assert 6 <= len(by_category) <= 10
    months = Counter(t["transaction_date"][5:7] for t in txns)
    assert months["12"] > 1.3 * months["02"]


def test_cli_help_and_run(tmp_path):
    run = [sys.executable, "-m", "generators"]
    assert "--defect-rate" in subprocess.run(run + ["--help"], capture_output=True, text=True,
                                             check=True).stdout
    subprocess.run(run + ["--scale", "0.02", "--batches", "2", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-12-31", "2025-01-01"]
