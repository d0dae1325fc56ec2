"""Hostile input: property-based CSV files (hypothesis) and structural damage.

Every generated file is written with Python's csv module, as a real exporter would. The
properties: the run never ends in a traceback, exits 0, the reconciliation balances, every
raw row is in production or in pipeline.rejected_rows (exactly one of them), and accepted
text is stored exactly, after the documented cleaning (trim, white-space runs folded to one
space; names and places proper-cased, emails lower-cased, supplier ids upper-cased).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import HEADERS, Database, fresh_database, run_cli, write_batch
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.slow, pytest.mark.every_server]

BATCH = "2025-01-10"
# No shrinking phase: each example runs the CLI (~1.5 s), and shrinking would take minutes.
HYPOTHESIS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --------------------------------------------------------------------------- helpers


def csv_bytes(name: str, rows: list[list], *, crlf: bool = False, bom: bool = False, quote_all: bool = False) -> bytes:
    if not crlf and any("\r" in (v or "") for row in rows for v in row):
        # Python's csv module quotes only the line terminator's characters: with "\n" lines a
        # lone "\r" would be written bare, which no CSV reader accepts. Quote every field then.
        quote_all = True
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS[name].split(","))
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def clean(value: str | None) -> str | None:
    """pipeline.clean_text in Python, for the white space this test generates."""
    if value is None:
        return None
    folded = re.sub(r"[ \t\r\n]+", " ", value).strip(" ")
    return folded or None


def assert_no_row_lost(
    db: Database, source_file: str, raw_lines: int, table: str, key: str, ids_by_line: dict[int, str | None]
) -> None:
    assert db.scalar("SELECT bool_and(is_balanced) FROM pipeline.reconciliation")
    assert db.scalar("SELECT raw_rows FROM pipeline.reconciliation WHERE source_file = %s", (source_file,)) == raw_lines
    rejected = {r[0] for r in db.query("SELECT line_number FROM pipeline.rejected_rows WHERE source_file = %s", (source_file,))}
    stored = {r[0] for r in db.query(f"SELECT {key} FROM production.{table}")}
    for line, record_id in ids_by_line.items():
        in_production = record_id is not None and record_id in stored
        assert in_production != (line in rejected), (
            f"{source_file} line {line} ({record_id!r}): in production {in_production}, rejected {line in rejected}"
        )
    assert stored <= {i for i in ids_by_line.values() if i is not None}


def run_pipeline(db: Database, data_dir: Path):
    result = run_cli(db, data_dir, "run", timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-3000:]}"
    return result


# --------------------------------------------------------------------------- strategies

# Text with quotes, commas, newlines, unicode letters and symbols; the white space is the
# kind pipeline.clean_text folds (no exotic Unicode spaces or control characters).
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(list(" \t\r\n\"',;\\.|=+-@%$_{}()#éß😀中") + ["\\.", "NULL", "\\N"]),
        st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Cf", "Co", "Cn")),
    ),
    max_size=20,
).map("".join)
maybe_text = st.one_of(st.none(), st.just(""), hostile_text, st.text(alphabet="abcXYZ ", min_size=200, max_size=2000))
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "01/02/2024",
            "2024-1-2",
            "20240102",
            "Jan 2, 2024",
            " 2024-05-06 ",
            "2024-05-06T10:00:00",
            "",
            "2099-01-01",
        ]
    ),
    hostile_text,
)
numbers = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**9, places=2, allow_nan=False).map(str),
    st.sampled_from(
        [
            "1,234.50",
            "1.234,50",
            "12,50",
            "1e3",
            "1E-2",
            "-5",
            "+7.1",
            " 9.99 ",
            "1 000",
            "$5.00",
            "5.",
            ".5",
            "NaN",
            "Infinity",
            "99999999999.99",
            "0.001",
            "12.345",
            "1.2.3",
            "",
            "١٢",
        ]
    ),
    st.integers(-(10**12), 10**12).map(str),
    hostile_text,
)


@st.composite
def customer_rows(draw):
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        place = draw(st.sampled_from(["all", "none", "partial"]))
        city, state, country = [draw(hostile_text) for _ in range(3)]
        if place == "none":
            city = state = country = None
        elif place == "partial":
            state = None
        local = draw(st.one_of(hostile_text, st.just(f"user{i}")))
        email = draw(st.one_of(st.just(f"{local}@example.com"), st.just(f"u{i}@x.io"), maybe_text))
        rows.append(
            [
                draw(st.one_of(st.just(f"C{i:07d}"), st.just(f"  C{i:07d}\t"), st.none())),
                draw(maybe_text),
                draw(maybe_text),
                email,
                draw(st.one_of(st.none(), st.just("+1 (555) 010-9999"), hostile_text)),
                draw(dates),
                city,
                state,
                country,
                draw(st.one_of(st.none(), st.sampled_from(["18-24", "65+"]), hostile_text)),
            ]
        )
    return rows


@st.composite
def product_rows(draw):
    n = draw(st.integers(1, 8))
    return [
        [
            draw(st.one_of(st.just(f"P{i:07d}"), st.just(f" P{i:07d} "), st.none())),
            draw(maybe_text),
            draw(st.one_of(st.just("Grocery"), hostile_text)),
            draw(st.one_of(st.just("Snacks"), hostile_text)),
            draw(numbers),
            draw(numbers),
            draw(st.one_of(st.none(), hostile_text)),
            draw(st.one_of(st.none(), numbers)),
            draw(st.one_of(st.none(), st.just("s001"), hostile_text)),
        ]
        for i in range(n)
    ]


file_format = st.fixed_dictionaries({"crlf": st.booleans(), "bom": st.booleans(), "quote_all": st.booleans()})


def record_ids(name: str, rows: list[list], fmt: dict) -> dict[int, str | None]:
    """Line number as an editor shows it (header = 1) -> cleaned id: a quoted value that spans
    lines pushes the rows after it down."""
    ids, line = {}, 2
    for row in rows:
        ids[line] = clean(row[0])
        line += csv_bytes(name, [row], **fmt).count(b"\n") - 1  # minus the header's line
    return ids


# --------------------------------------------------------------------------- properties


@HYPOTHESIS
@given(rows=customer_rows(), fmt=file_format)
def test_any_customers_file_loads_balances_and_keeps_text(server, rows, fmt):
    with tempfile.TemporaryDirectory() as tmp, fresh_database(server) as db:
        data = Path(tmp)
        write_batch(data, BATCH, raw={"customers.csv": csv_bytes("customers.csv", rows, **fmt)})
        run_pipeline(db, data)
        assert_no_row_lost(db, "customers.csv", len(rows), "customers", "customer_id", record_ids("customers.csv", rows, fmt))
        stored = {
            r[0]: r[1:]
            for r in db.query(
                "SELECT c.customer_id, c.first_name, c.last_name, c.email, ci.city_name, c.registration_date::text "
                "FROM production.customers AS c LEFT JOIN production.cities AS ci ON ci.city_id = c.city_id"
            )
        }
        for row in rows:
            customer_id = clean(row[0])
            if customer_id not in stored:
                continue
            expected = db.query(
                "SELECT initcap(%s), initcap(%s), lower(%s), initcap(%s)",
                (clean(row[1]), clean(row[2]), clean(row[3]), clean(row[6])),
            )[0]
            assert stored[customer_id][:4] == expected, row
            assert stored[customer_id][4] == row[5].strip(), row


@HYPOTHESIS
@given(rows=product_rows(), fmt=file_format)
def test_any_products_file_loads_balances_and_keeps_text(server, rows, fmt):
    with tempfile.TemporaryDirectory() as tmp, fresh_database(server) as db:
        data = Path(tmp)
        write_batch(data, BATCH, raw={"products.csv": csv_bytes("products.csv", rows, **fmt)})
        run_pipeline(db, data)
        assert_no_row_lost(db, "products.csv", len(rows), "products", "product_id", record_ids("products.csv", rows, fmt))
        stored = {
            r[0]: r[1:]
            for r in db.query(
                "SELECT p.product_id, p.product_name, b.brand_name, p.price, p.cost, p.supplier_id "
                "FROM production.products AS p LEFT JOIN production.brands AS b ON b.brand_id = p.brand_id"
            )
        }
        for row in rows:
            product_id = clean(row[0])
            if product_id not in stored:
                continue
            name, brand, price, cost, supplier = stored[product_id]
            assert name == clean(row[1]), row
            assert brand == clean(row[6]), row
            assert price == Decimal(row[4].strip(" \t")) and cost == Decimal(row[5].strip(" \t")), row
            assert supplier == db.scalar("SELECT upper(%s)", (clean(row[8]),)), row


def test_year_zero_date_is_quarantined_not_fatal(db, tmp_path):
    raw_date = "0000-01-01"
    rows = [["C0000001", "Ann", "Lee", "ann@example.com", "", raw_date, "", "", "", ""]]
    data = tmp_path / "raw"
    write_batch(data, BATCH, raw={"customers.csv": csv_bytes("customers.csv", rows, quote_all=True)})
    run_pipeline(db, data)
    outcome = db.query("SELECT 'production' FROM production.customers UNION ALL SELECT rule_name FROM pipeline.rejected_rows")
    assert outcome == [("invalid_date",)]


# --------------------------------------------------------------------------- structural damage

GOOD_CUSTOMER = b"C0000001,Ann,Lee,ann@example.com,555,2024-01-01,Paris,IDF,France,25-34\n"
HEADER = HEADERS["customers.csv"].encode() + b"\n"


@pytest.mark.parametrize(
    "damage, line",
    [
        (HEADER + GOOD_CUSTOMER + b"C0000002,Bo,Li,bo@example.com,555,2024-01-01,Paris,IDF,France,25-34,extra\n", 3),
        (HEADER + GOOD_CUSTOMER + b"C0000002,Bo,Li,bo@example.com\n", 3),
        (HEADER + GOOD_CUSTOMER + GOOD_CUSTOMER.replace(b"C0000001,Ann", b"C0000002,A\x00n"), 3),
        (HEADER + GOOD_CUSTOMER + GOOD_CUSTOMER.replace(b"C0000001,Ann", b"C0000002,A\xff\xfen"), 3),
        (HEADER + GOOD_CUSTOMER + GOOD_CUSTOMER.replace(b"C0000001,Ann", b"C0000002,\xc3("), 3),
        (HEADER + GOOD_CUSTOMER + b'C0000002,"unterminated,Li,bo@example.com,555,2024-01-01,,,,\n', 3),
    ],
    ids=["ragged-long", "ragged-short", "nul-byte", "invalid-utf8", "truncated-utf8", "open-quote"],
)
def test_structural_damage_fails_naming_file_and_line(db, tmp_path, damage, line):
    data = tmp_path / "raw"
    write_batch(data, BATCH, raw={"customers.csv": damage})
    result = run_cli(db, data, "run")
    assert result.returncode == 1, f"exit {result.returncode}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    assert "customers.csv" in result.stderr
    if "unterminated" not in damage.decode("utf-8", "replace"):
        assert f"line {line}" in result.stderr, result.stderr
    assert "not loaded" in result.stderr
    assert db.query("SELECT * FROM pipeline.batches") == []
    assert db.scalar("SELECT status FROM pipeline.runs ORDER BY run_id DESC LIMIT 1") == "failed"


# --------------------------------------------------------------------------- injection-looking values

SQL_LOOKING = [
    "Robert'); DROP TABLE production.products;--",
    "x'; DELETE FROM pipeline.runs; --",
    "$$; DROP SCHEMA warehouse CASCADE; $$",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "{{ 7 * 7 }}",
    "{% raw %}x",
    "%s %(name)s",
    "\\copy x from program 'id'",
    "\\. ",
]


def test_sql_and_formula_values_are_stored_as_text_and_harm_nothing(db, tmp_path):
    products = [
        [f"P{i:07d}", value, "Grocery", "Snacks", "1.00", "0.50", value, "3", "S001"] for i, value in enumerate(SQL_LOOKING)
    ]
    customers = [
        [f"C{i:07d}", value, value, f"c{i}@example.com", "", "2024-01-01", value, value, value, ""]
        for i, value in enumerate(SQL_LOOKING)
    ]
    data = tmp_path / "raw"
    write_batch(
        data,
        BATCH,
        raw={"products.csv": csv_bytes("products.csv", products), "customers.csv": csv_bytes("customers.csv", customers)},
    )
    run_pipeline(db, data)
    names = dict(db.query("SELECT product_id, product_name FROM production.products"))
    assert names == {f"P{i:07d}": clean(v) for i, v in enumerate(SQL_LOOKING)}
    brands = {r[0] for r in db.query("SELECT brand_name FROM production.brands")}
    assert brands == {clean(v) for v in SQL_LOOKING}
    cities = {r[0] for r in db.query("SELECT city_name FROM production.cities")}
    assert cities == {db.scalar("SELECT initcap(%s)", (clean(v),)) for v in SQL_LOOKING}
    assert db.scalar("SELECT count(*) FROM warehouse.dim_products") == len(SQL_LOOKING)
    assert db.scalar("SELECT count(*) FROM warehouse.dim_customers") == len(SQL_LOOKING)
    for table in ("production.products", "production.customers", "pipeline.runs", "warehouse.fact_sales"):
        assert db.scalar("SELECT to_regclass(%s)", (table,)) is not None, table
    assert db.scalar("SELECT count(*) FROM pipeline.runs") == 1
    assert db.scalar("SELECT bool_and(is_balanced) FROM pipeline.reconciliation")
    shutil.rmtree(tmp_path / "raw")
