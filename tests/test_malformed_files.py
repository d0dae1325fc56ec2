"""Malformed raw files: a clear error naming file, line and problem, and the batch left untouched.

Also the awkward but valid files: CRLF line endings, a UTF-8 byte-order mark, quoted fields with
commas, newlines and quotes, header-only files, and text that looks like SQL or a spreadsheet
formula (stored as delivered, never interpreted).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HEADERS, Database, run_cli, run_ok, write_batch

pytestmark = pytest.mark.slow  # end to end: not part of the fast subset (pytest -m "not slow")

BATCH = "2024-03-01"
ALICE = "C001,Alice,Smith,alice@example.com,5551234567,2024-01-15,Boston,Massachusetts,United States,25-34"
BOB = "C002,Bob,Jones,bob@example.com,5550000001,2024-01-20,Boston,Massachusetts,United States,35-44"
GOOD_CUSTOMERS = (HEADERS["customers.csv"] + "\n" + ALICE + "\n" + BOB + "\n").encode()


def count_rows(db: Database, table: str) -> int:
    """Rows in a table; 0 when the failed stage never got to create it."""
    if db.scalar("SELECT to_regclass(%s) IS NULL", (table,)):
        return 0
    return db.scalar(f"SELECT count(*) FROM {table}")


def assert_batch_untouched(db: Database) -> None:
    for table in (
        "staging.customers",
        "staging.products",
        "staging.transactions",
        "staging.transaction_items",
        "production.customers",
        "pipeline.loaded_files",
        "pipeline.batches",
        "pipeline.rejected_rows",
    ):
        assert count_rows(db, table) == 0, table
    runs = db.query("SELECT status FROM pipeline.runs ORDER BY run_id")
    assert runs[-1] == ("failed",)


MALFORMED = {
    "wrong_header": (
        "customers.csv",
        HEADERS["customers.csv"].replace("last_name", "surname").encode() + b"\n" + ALICE.encode() + b"\n",
        ["line 1", "surname", "last_name", "header"],
    ),
    "missing_column": (
        "customers.csv",
        HEADERS["customers.csv"].replace("phone,", "").encode() + b"\n",
        ["line 1", "header"],
    ),
    "latin1": (
        "customers.csv",
        GOOD_CUSTOMERS + "C003,José,Ruiz,jose@example.com,555,2024-01-01,,,,\n".encode("latin-1"),
        ["line 4", "invalid byte sequence", "UTF-8"],
    ),
    "nul_byte": (
        "customers.csv",
        GOOD_CUSTOMERS + b"C003,Jo\x00e,Ruiz,jose@example.com,555,2024-01-01,,,,\n",
        ["line 4", "0x00", "NUL"],
    ),
    "empty_file": ("products.csv", b"", ["is empty", "not even a header"]),
    "ragged_short": (
        "transaction_items.csv",
        (HEADERS["transaction_items.csv"] + "\nI001,T001,P001,1,10.00,0,10.00\nI002,T001,P001,1,10.00\n").encode(),
        ["line 3", 'missing data for column "discount_percentage"', "as many fields as the header"],
    ),
    "ragged_long": (
        "transaction_items.csv",
        (HEADERS["transaction_items.csv"] + "\nI001,T001,P001,1,10.00,0,10.00,extra\n").encode(),
        ["line 2", "extra data after last expected column", "as many fields as the header"],
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_fails_clearly_and_leaves_batch_untouched(db: Database, tmp_path: Path, case: str) -> None:
    file, content, phrases = MALFORMED[case]
    root = tmp_path / "raw"
    folder = write_batch(root, BATCH, raw={"customers.csv": GOOD_CUSTOMERS, file: content})

    result = run_cli(db, root, "run", "--to", "production")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert f"{BATCH}/{file}" in message
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    assert_batch_untouched(db)
    assert file in db.scalar("SELECT error_message FROM pipeline.runs ORDER BY run_id DESC LIMIT 1")

    # the delivery is fixed: the same batch now loads
    (folder / file).write_bytes(GOOD_CUSTOMERS if file == "customers.csv" else (HEADERS[file] + "\n").encode())
    run_ok(db, root, "run", "--to", "production")
    assert db.query("SELECT file_name, row_count FROM pipeline.loaded_files ORDER BY 1") == [
        ("customers.csv", 2),
        ("products.csv", 0),
        ("transaction_items.csv", 0),
        ("transactions.csv", 0),
    ]
    assert db.query("SELECT customer_id FROM production.customers ORDER BY 1") == [("C001",), ("C002",)]
    assert db.query("SELECT status FROM pipeline.runs ORDER BY run_id") == [("failed",), ("succeeded",)]


def test_missing_column_is_named(db: Database, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    write_batch(root, BATCH, raw={"customers.csv": HEADERS["customers.csv"].replace("phone,", "").encode() + b"\n"})
    result = run_cli(db, root, "run", "--to", "production")
    assert result.returncode == 1
    assert "phone" in result.stderr, result.stderr


def test_header_only_files_are_a_valid_empty_batch(db: Database, tmp_path: Path) -> None:
    write_batch(tmp_path / "raw", BATCH)
    run_ok(db, tmp_path / "raw", "run", "--to", "production")
    assert db.query("SELECT file_name, row_count FROM pipeline.loaded_files ORDER BY 1") == [
        ("customers.csv", 0),
        ("products.csv", 0),
        ("transaction_items.csv", 0),
        ("transactions.csv", 0),
    ]
    assert db.query(
        "SELECT source_file, raw_rows, inserted + updated + duplicates + superseded + quarantined + waiting_out, "
        "is_balanced FROM pipeline.reconciliation ORDER BY 1"
    ) == [
        ("customers.csv", 0, 0, True),
        ("products.csv", 0, 0, True),
        ("transaction_items.csv", 0, 0, True),
        ("transactions.csv", 0, 0, True),
    ]
    assert db.query("SELECT status FROM pipeline.batches") == [("produced",)]


def test_crlf_line_endings_and_bom_load(db: Database, tmp_path: Path) -> None:
    crlf = (HEADERS["customers.csv"] + "\r\n" + ALICE + "\r\n" + BOB + "\r\n").encode()
    bom = (
        b"\xef\xbb\xbf"
        + (HEADERS["products.csv"] + "\nP001,Laptop Pro,Electronics,Laptops,999.99,700.00,Dell,10,S001\n").encode()
    )
    write_batch(tmp_path / "raw", BATCH, raw={"customers.csv": crlf, "products.csv": bom})
    run_ok(db, tmp_path / "raw", "staging")
    assert db.query("SELECT customer_id, age_group, line_number FROM staging.customers ORDER BY 1") == [
        ("C001", "25-34", 2),
        ("C002", "35-44", 3),
    ]
    run_ok(db, tmp_path / "raw", "production")
    assert db.query("SELECT customer_id, email, age_group FROM production.customers ORDER BY 1") == [
        ("C001", "alice@example.com", "25-34"),
        ("C002", "bob@example.com", "35-44"),
    ]
    assert db.query("SELECT product_id, supplier_id FROM production.products") == [("P001", "S001")]
    assert db.scalar("SELECT count(*) FROM pipeline.rejected_rows") == 0


def test_quoted_fields_and_hostile_text_are_stored_as_delivered(db: Database, tmp_path: Path) -> None:
    injection = "Robert'); DROP TABLE customers;--"
    formula = '=HYPERLINK("http://x","y")'
    customers = (
        HEADERS["customers.csv"]
        + "\n"
        + ALICE
        + "\n"
        + 'C002,"Robert\'); DROP TABLE customers;--","Jones, Jr","bob@example.com",555,2024-01-20,,,,\n'
    ).encode()
    products = (
        HEADERS["products.csv"] + "\n" + 'P001,"=HYPERLINK(""http://x"",""y"")",Electronics,Laptops,999.99,700.00,Dell,10,S001\n'
    ).encode()
    transactions = (
        HEADERS["transactions.csv"]
        + "\n"
        + 'T001,C001,2024-02-20,13:45:00,Credit Card,"12 Main St, Apt 4\nBoston ""MA""",999.99\n'
        + 'T002,C002,2024-02-21,09:00:00,Credit Card,"Robert\'); DROP TABLE customers;--",0.00\n'
    ).encode()
    write_batch(
        tmp_path / "raw", BATCH, raw={"customers.csv": customers, "products.csv": products, "transactions.csv": transactions}
    )
    run_ok(db, tmp_path / "raw", "staging")

    assert db.query("SELECT first_name, last_name FROM staging.customers ORDER BY line_number") == [
        ("Alice", "Smith"),
        (injection, "Jones, Jr"),
    ]
    assert db.query("SELECT product_name FROM staging.products") == [(formula,)]
    # line numbers are an editor's: T001's address spans two lines, so T002 is on line 4
    assert db.query("SELECT transaction_id, shipping_address, line_number FROM staging.transactions ORDER BY 1") == [
        ("T001", '12 Main St, Apt 4\nBoston "MA"', 2),
        ("T002", injection, 4),
    ]
    run_ok(db, tmp_path / "raw", "production")
    # production keeps the text (white space folded by the cleaning rules, names re-cased)
    assert db.query("SELECT product_name FROM production.products") == [(formula,)]
    assert db.query("SELECT transaction_id, shipping_address FROM production.transactions ORDER BY 1") == [
        ("T001", '12 Main St, Apt 4 Boston "MA"'),
        ("T002", injection),
    ]
    assert db.query("SELECT last_name FROM production.customers WHERE customer_id = 'C002'") == [("Jones, Jr",)]
    assert db.scalar("SELECT to_regclass('production.customers') IS NOT NULL") is True
    assert db.scalar("SELECT count(*) FROM pipeline.rejected_rows") == 0
