"""The synthetic data generator: determinism, volumes, integrity, defects, realism.

No database needed: the files are parsed back with the csv module and checked independently
of the generator's own code.
"""

import csv
import hashlib
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
REJECTING = {"missing_required", "invalid_date", "invalid_number", "future_date"}
WAITING = {"unknown_customer"}  # the transaction waits for a customer who never comes


def read(folder: Path, file: str) -> list[dict]:
    with open(folder / file, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def lines(folder: Path, file: str) -> list[str]:
    return (folder / file).read_text(encoding="utf-8").split("\n")[1:-1]


def manifest(folder: Path) -> dict:
    return json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("clean"), scale=0.2, seed=7, batches=4, defect_rate=0.0)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("dirty"), scale=0.1, seed=11, batches=4, defect_rate=0.05)


@pytest.fixture(scope="module")
def every(tmp_path_factory) -> list[Path]:
    """Scale 3: daily files with enough rows that may carry a defect for each kind."""
    return generate(tmp_path_factory.mktemp("every"), scale=3, seed=11, batches=4, defect_rate=0.02, every_defect=True)


@pytest.fixture(scope="module")
def scale_one(tmp_path_factory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("one"), scale=1, seed=42, defect_rate=0.0)


@pytest.fixture(scope="module")
def default_set(tmp_path_factory) -> list[Path]:
    """What the pipeline's `run` generates when data/raw is empty."""
    return generate(tmp_path_factory.mktemp("default"), scale=1, seed=42, batches=3, defect_rate=0.01)


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_same_seed_gives_identical_bytes_other_seed_differs(tmp_path):
    def snapshot(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

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
    # rows the last batch holds back are not delivered yet: exactly those its manifest says
    late = manifest(clean[-1])["late"]
    waiting = 0
    for item in items.values():
        assert item["product_id"] in products
        exact = int(item["quantity"]) * Decimal(item["unit_price"]) * (1 - Decimal(item["discount_percentage"]) / 100)
        assert Decimal(item["line_total"]) == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
        sums[item["transaction_id"]] += Decimal(item["line_total"])
        waiting += item["transaction_id"] not in txns
    assert waiting == late["transaction_items.csv"]["waiting_for_parent"]
    incomplete = 0
    for tid, txn in txns.items():
        assert txn["customer_id"] in registered
        assert txn["transaction_date"] >= registered[txn["customer_id"]]
        incomplete += Decimal(txn["total_amount"]) != sums[tid]
    assert incomplete == late["transactions.csv"]["items_in_next_batch"]
    assert waiting + incomplete >= 1  # the last batch holds rows back too


def _classify(file: str, row: dict, asof: str, customers: set, products: set) -> str | None:
    def bad_date(text: str) -> bool:
        try:
            return not re.fullmatch(r"\d{4}-\d\d-\d\d", text) or not datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            return True

    def bad_money(text: str) -> bool:
        return not re.fullmatch(r"-?\d+\.\d\d", text)

    if file == "customers.csv":
        if any(row[c] == "" for c in ("customer_id", "first_name", "last_name", "email", "registration_date")):
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
        if bad_date(row["transaction_date"]) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d", row["transaction_time"]):
            return "invalid_date"
        if bad_money(row["total_amount"]):
            return "invalid_number"
        if row["transaction_date"] > asof:
            return "future_date"
        return "unknown_customer" if row["customer_id"] not in customers else None
    if row["product_id"] == "" or row["quantity"] == "":
        return "missing_required"
    if not re.fullmatch(r"-?\d+", row["quantity"]) or bad_money(row["unit_price"]) or bad_money(row["line_total"]):
        return "invalid_number"
    if Decimal(row["unit_price"]) < 0:
        return "negative_amount"
    if int(row["quantity"]) <= 0:
        return "quantity_not_positive"
    if not 0 <= int(row["discount_percentage"]) <= 100:
        return "discount_out_of_range"
    expected = int(row["quantity"]) * Decimal(row["unit_price"]) * (100 - int(row["discount_percentage"])) / 100
    if abs(Decimal(row["line_total"]) - expected) > Decimal("0.01"):
        return "line_total_mismatch"
    return "unknown_product" if row["product_id"] not in products else None


def assert_manifest_counts_match_the_files(folders: list[Path]) -> None:
    customers = {r["customer_id"] for f in folders for r in read(f, "customers.csv")}
    products = {r["product_id"] for f in folders for r in read(f, "products.csv")}
    for folder in folders:
        meta = manifest(folder)
        rejected, waiting = set(), set()
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
                    if file == "transactions.csv" and kind in WAITING:
                        waiting.add(row["transaction_id"])
            if file == "transaction_items.csv":
                cascade = sum(r["transaction_id"] in rejected for r in rows)
                assert meta["cascades"][file]["parent_rejected"] == cascade
                assert meta["cascades"][file]["parent_waiting"] == sum(r["transaction_id"] in waiting for r in rows)
            assert meta["files"][file]["defects"] == +found, (folder.name, file)
            assert meta["files"][file]["rows"] == len(text)


def test_manifest_defect_counts_match_the_files(dirty, every):
    assert_manifest_counts_match_the_files(dirty)
    assert_manifest_counts_match_the_files(every)


def test_every_defect_puts_each_kind_in_every_file_of_every_batch(every):
    for folder in every:
        files = manifest(folder)["files"]
        for file, kinds in KINDS.items():
            assert set(files[file]["defects"]) == set(kinds), (folder.name, file)


def test_every_defect_at_rate_zero_gives_exactly_one_row_of_each_kind(tmp_path):
    for folder in generate(tmp_path, scale=3, seed=11, batches=3, defect_rate=0.0, every_defect=True):
        files = manifest(folder)["files"]
        for file, kinds in KINDS.items():
            assert files[file]["defects"] == dict.fromkeys(kinds, 1), (folder.name, file)


def test_defect_rate_is_the_expected_share_of_rows_with_no_minimum(default_set):
    # The case: scale 1, rate 0.01, a daily batch of ~40 order lines. A forced
    # minimum of each kind made ~8 of them defects; binomial(rows, 0.01) gives 0 or 1.
    rows, defects = [], []
    for folder in default_set:
        files = manifest(folder)["files"]
        rows.append([files[f]["rows"] for f in FILES])
        defects.append([sum(files[f]["defects"].values()) for f in FILES])
    assert defects == [[5, 3, 99, 265], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert rows == [[1001, 500, 10021, 24823], [20, 11, 14, 32], [32, 8, 14, 44]]
    share = sum(map(sum, defects)) / sum(map(sum, rows))
    assert 0.0095 < share < 0.0105


def test_clean_data_has_no_defects(clean):
    for folder in clean:
        meta = manifest(folder)
        assert all(not meta["files"][f]["defects"] for f in FILES)
        assert meta["cascades"]["transaction_items.csv"]["parent_rejected"] == 0
        for file in FILES:
            text = lines(folder, file)
            assert len(text) == len(set(text))


def test_later_batches_change_earlier_customers_and_products(clean):
    first = {f: {r[f"{f[:-5].rstrip('s')}_id"]: r for r in read(clean[0], f)} for f in ("customers.csv", "products.csv")}
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
    per_batch = [({r["transaction_id"]: r for r in read(f, "transactions.csv")}, read(f, "transaction_items.csv")) for f in clean]
    item_seen: dict[str, dict] = {}
    held_back = []
    for k, (txns, items) in enumerate(per_batch):
        meta = manifest(clean[k])
        late = meta["late"]["transaction_items.csv"]
        before = per_batch[k - 1][0] if k else {}
        after = per_batch[k + 1][0] if k + 1 < len(per_batch) else {}
        orphans = [
            i
            for i in items
            if i["transaction_id"] not in txns  # not re-delivered:
            and item_seen.get(i["item_id"]) != i
        ]
        assert sum(i["transaction_id"] in before for i in orphans) == (late["parent_in_earlier_batch"])
        waiting = [i for i in orphans if i["transaction_id"] not in before]
        assert len(waiting) == late["waiting_for_parent"]
        # held back for the next batch even by the last one: a feed does not know what follows
        assert sum(i["transaction_id"] in after for i in waiting) == (len(waiting) if after else 0)
        held = meta["late"]["transactions.csv"]["items_in_next_batch"]
        if k + 1 < len(clean):  # one item held back per such transaction
            assert held == manifest(clean[k + 1])["late"]["transaction_items.csv"]["parent_in_earlier_batch"]
        held_back.append(held + len(waiting))
        corrected = [i for i in items if i["item_id"] in item_seen and i["quantity"] != item_seen[i["item_id"]]["quantity"]]
        assert len(corrected) == meta["corrections"]["transaction_items.csv"]
        assert (len(corrected) >= 1) == (k >= 1)
        for i in corrected:
            assert i["transaction_id"] in txns  # with the corrected total
        item_seen.update({i["item_id"]: i for i in items})
    assert manifest(clean[0])["late"]["transaction_items.csv"]["waiting_for_parent"] == 0
    assert held_back[-1] >= 1, held_back  # the last batch holds rows back too


@pytest.mark.slow
def test_more_batches_append_days_and_never_rewrite_a_batch(tmp_path):
    three = generate(tmp_path / "a", scale=0.05, seed=5, batches=3, defect_rate=0.05)
    before = digests(tmp_path / "a")
    written = {p: p.stat().st_mtime_ns for p in (tmp_path / "a").rglob("*.*")}
    four = generate(tmp_path / "a", scale=0.05, seed=5, batches=4, defect_rate=0.05)
    after = digests(tmp_path / "a")
    assert four[:3] == three and four[3].name == "2025-01-03"
    assert len(before) == 3 * 5 and len(after) == 4 * 5
    assert {k: after[k] for k in before} == before
    assert all(p.stat().st_mtime_ns == t for p, t in written.items())  # not even rewritten
    generate(tmp_path / "b", scale=0.05, seed=5, batches=4, defect_rate=0.05)
    assert digests(tmp_path / "b") == after
    assert [p.name for p in (tmp_path / "a").iterdir() if p.name.startswith(".")] == []


def test_a_folder_of_another_data_set_is_refused_and_left_alone(tmp_path):
    same = {"scale": 0.05, "seed": 5, "batches": 3, "defect_rate": 0.05}
    generate(tmp_path, **{**same, "batches": 2})
    before = digests(tmp_path)
    for other, what in (
        ({"seed": 6}, "seed 5 there, 6 now"),
        ({"scale": 0.1}, "scale 0.05 there, 0.1 now"),
        ({"defect_rate": 0.0}, "defect_rate 0.05 there, 0.0 now"),
        ({"every_defect": True}, "every_defect False there, True now"),
        ({"first_batch": date(2024, 12, 30)}, "batch_index 0 there, 1 now"),
    ):
        with pytest.raises(FileExistsError) as refused:
            generate(tmp_path, **{**same, **other})
        message = str(refused.value)
        assert message.startswith(f"{tmp_path / '2024-12-31'} holds a batch of another data set")
        assert what in message and "--out" in message and "delete" in message
        assert digests(tmp_path) == before  # nothing written, not even the third batch
    meta = tmp_path / "2024-12-31" / "_manifest.json"
    meta.write_text(meta.read_text().replace('"generator_version": 3,', ""))
    with pytest.raises(
        FileExistsError, match="generator_version missing there, 3 now, written by another version of the generator"
    ):
        generate(tmp_path, **same)
    (tmp_path / "2024-12-31" / "_manifest.json").unlink()
    with pytest.raises(FileExistsError, match="has no readable _manifest.json"):
        generate(tmp_path, **same)


def test_an_empty_folder_or_an_interrupted_write_is_replaced(tmp_path):
    (tmp_path / "a" / "2024-12-31").mkdir(parents=True)
    (tmp_path / "a" / ".2025-01-01.partial").mkdir()
    (tmp_path / "a" / ".2025-01-01.partial" / "customers.csv").write_text("half")
    generate(tmp_path / "a", scale=0.05, seed=5, batches=2)
    generate(tmp_path / "b", scale=0.05, seed=5, batches=2)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_no_order_before_its_customers_registration(default_set):
    registered, orders = {}, []
    for folder in default_set:
        for row in read(folder, "customers.csv"):
            if re.fullmatch(r"\d{4}-\d\d-\d\d", row["registration_date"]):
                registered.setdefault(row["customer_id"], set()).add(row["registration_date"])
        orders += read(folder, "transactions.csv")
    dated = [t for t in orders if re.fullmatch(r"\d{4}-\d\d-\d\d", t["transaction_date"]) and t["customer_id"] in registered]
    assert len(dated) > 10_000
    assert [t for t in dated if t["transaction_date"] < max(registered[t["customer_id"]])] == []


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


@pytest.mark.slow
def test_cli_help_and_run(tmp_path):
    run = [sys.executable, "-m", "generators"]
    assert "--defect-rate" in subprocess.run(run + ["--help"], capture_output=True, text=True, check=True).stdout
    subprocess.run(run + ["--scale", "0.02", "--batches", "2", "--out", str(tmp_path)], check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-12-31", "2025-01-01"]
    assert not manifest(tmp_path / "2024-12-31")["every_defect"]
    refused = subprocess.run(run + ["--scale", "0.02", "--every-defect", "--out", str(tmp_path)], capture_output=True, text=True)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith(
        f"error: {tmp_path / '2024-12-31'} holds a batch of another data set (every_defect False there, True now)"
    )
    subprocess.run(run + ["--scale", "0.02", "--every-defect", "--out", str(tmp_path / "e")], check=True, capture_output=True)
    assert manifest(tmp_path / "e" / "2024-12-31")["every_defect"]
