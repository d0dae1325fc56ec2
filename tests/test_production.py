"""Production layer: cleaning, quarantine, de-duplication, updates, late items, reconciliation.

Small hand-written CSV batches with known answers (given these rows in, exactly these rows
out), then an end-to-end run on generated dirty data checked against the generator's manifest.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from conftest import HEADERS, Database, run_ok, write_batch

import generators

pytestmark = pytest.mark.every_server

B1, B2 = "2024-03-01", "2024-03-02"

ALICE = "C001,Alice,Smith,alice@example.com,5551234567,2024-01-15,Boston,Massachusetts,United States,25-34"
LAPTOP = "P001,Laptop Pro,Electronics,Laptops,999.99,700.00,Dell,10,S001"
ORDER = "T001,C001,2024-02-20,13:45:00,Credit Card,1 Main St,999.99"
LINE = "I001,T001,P001,1,999.99,0,999.99"


def reconciliation(db: Database) -> list[tuple]:
    return db.query(
        "SELECT batch_id, source_file, ledger_rows, raw_rows, waiting_in, inserted, updated, duplicates, "
        "superseded, quarantined, waiting_out, is_balanced FROM pipeline.reconciliation ORDER BY 1, 2"
    )


def recon_row(db: Database, batch: str, file: str) -> tuple:
    """(raw_rows, waiting_in, inserted, updated, duplicates, superseded, quarantined, waiting_out)."""
    rows = [r for r in reconciliation(db) if r[0] == batch and r[1] == file]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row[2] == row[3] and row[11] is True, row
    return row[3:11]


def assert_all_balanced(db: Database) -> None:
    rows = reconciliation(db)
    assert rows, "no reconciliation rows"
    assert [r for r in rows if r[11] is not True] == []


def rejected(db: Database) -> list[tuple]:
    return db.query(
        "SELECT batch_id, source_file, line_number, record_id, rule_name, reason, raw_row, rejected_in_batch_id "
        "FROM pipeline.rejected_rows ORDER BY source_file, batch_id, line_number"
    )


def raw(file: str, line: str) -> dict[str, str]:
    """The raw_row expected for a simple line (no quoting): column name to text as delivered."""
    return dict(zip(HEADERS[file].split(","), line.split(",")))


# --------------------------------------------------------------------------- cleaning


def test_cleaning_rules(db: Database, tmp_path: Path) -> None:
    write_batch(
        tmp_path / "raw",
        B1,
        customers=[
            (
                "  C001 ,  alice  ,SMITH, Alice.Smith@Example.COM ,+1 (555) 123-4567,2024-01-15,"
                " new   york ,new york,united states,25-34"
            ),
            "C002,bob,o'brien,BOB@EXAMPLE.COM,(555) 987-6543,2024-02-01,BOSTON,MASSACHUSETTS,UNITED STATES, 35-44 ",
            "C003,Cleo,Ray,cleo@example.com,,2024-02-29,,,,",  # a leap day
            "C004,Dee,Fox,dee@example.com,,\t2024-02-03 ,,,,",  # a tab around a date is white space too
        ],
        products=[
            "P001,  Laptop   Pro 15 , electronics ,laptops,999.99,700.00, Dell ,10,s001",
            "P002,Phone\tX,ELECTRONICS, SMARTPHONES ,499.00,300.00,Apple,5,S002",
            "P003,Desk Lamp,Electronics,Laptops,\t20,10.5\t,,,",
        ],
        transactions=["T001 ,C001, 2024-02-20 ,13:45, Credit Card ,  12  Main St ,1448.09"],
        items=[
            "I001,T001,P001,1,999.99,0,999.99",
            "I002,T001,P002,1,499.00,10,449.10",
            "I003,T001,P003,2,20.00,,40.00",
        ],
    )
    run_ok(db, tmp_path / "raw", "run", "--to", "production")

    assert db.query(
        "SELECT c.customer_id, c.first_name, c.last_name, c.email, c.phone, c.registration_date::text, "
        "ci.city_name, st.state_name, co.country_name, c.age_group "
        "FROM production.customers AS c LEFT JOIN production.cities AS ci USING (city_id) "
        "LEFT JOIN production.states AS st USING (state_id) LEFT JOIN production.countries AS co USING (country_id) "
        "ORDER BY 1"
    ) == [
        (
            "C001",
            "Alice",
            "Smith",
            "alice.smith@example.com",
            "+15551234567",
            "2024-01-15",
            "New York",
            "New York",
            "United States",
            "25-34",
        ),
        (
            "C002",
            "Bob",
            "O'Brien",
            "bob@example.com",
            "5559876543",
            "2024-02-01",
            "Boston",
            "Massachusetts",
            "United States",
            "35-44",
        ),
        ("C003", "Cleo", "Ray", "cleo@example.com", None, "2024-02-29", None, None, None, None),
        ("C004", "Dee", "Fox", "dee@example.com", None, "2024-02-03", None, None, None, None),
    ]
    assert db.query("SELECT country_name FROM production.countries") == [("United States",)]
    assert db.query("SELECT state_name FROM production.states ORDER BY 1") == [("Massachusetts",), ("New York",)]

    assert db.query("SELECT category_name FROM production.categories") == [("Electronics",)]
    assert db.query(
        "SELECT p.product_id, p.product_name, ca.category_name, sc.sub_category_name, b.brand_name, "
        "p.supplier_id, p.price::text, p.cost::text, p.stock_quantity "
        "FROM production.products AS p JOIN production.sub_categories AS sc USING (sub_category_id) "
        "JOIN production.categories AS ca USING (category_id) LEFT JOIN production.brands AS b USING (brand_id) "
        "ORDER BY 1"
    ) == [
        ("P001", "Laptop Pro 15", "Electronics", "Laptops", "Dell", "S001", "999.99", "700.00", 10),
        ("P002", "Phone X", "Electronics", "Smartphones", "Apple", "S002", "499.00", "300.00", 5),
        ("P003", "Desk Lamp", "Electronics", "Laptops", None, None, "20.00", "10.50", None),
    ]
    assert db.query(
        "SELECT t.transaction_id, t.customer_id, t.transaction_date::text, t.transaction_time::text, "
        "pm.payment_method_name, t.shipping_address, t.total_amount::text "
        "FROM production.transactions AS t JOIN production.payment_methods AS pm USING (payment_method_id)"
    ) == [("T001", "C001", "2024-02-20", "13:45:00", "Credit Card", "12 Main St", "1448.09")]
    assert db.query(
        "SELECT item_id, transaction_id, product_id, quantity, unit_price::text, discount_percentage::text, "
        "line_total::text FROM production.transaction_items ORDER BY 1"
    ) == [
        ("I001", "T001", "P001", 1, "999.99", "0.00", "999.99"),
        ("I002", "T001", "P002", 1, "499.00", "10.00", "449.10"),
        ("I003", "T001", "P003", 2, "20.00", "0.00", "40.00"),
    ]
    assert rejected(db) == []
    assert recon_row(db, B1, "customers.csv") == (4, 0, 4, 0, 0, 0, 0, 0)
    assert_all_balanced(db)


# --------------------------------------------------------------------------- quarantine

CUSTOMER_DEFECTS = [
    (
        "C010,Eve,Adams,eve.example.com,555,2024-01-01,,,,",
        "C010",
        "invalid_email",
        "email 'eve.example.com' is not a valid address",
    ),
    ("C011,,Brown,b@example.com,555,2024-01-01,,,,", "C011", "missing_required", "required column(s) empty: first_name"),
    (
        "C012,Dan,Ray,dan@example.com,555,2024-13-45,,,,",
        "C012",
        "invalid_date",
        "registration_date '2024-13-45' is not a date (YYYY-MM-DD)",
    ),
    (
        "C013,Fay,Lee,fay@example.com,555,2024-04-01,,,,",
        "C013",
        "future_date",
        "registration_date 2024-04-01 is after the batch date 2024-03-01",
    ),
    (
        "C014,Gus,Kim,gus@example.com,555,2024-01-01,Boston,,United States,",
        "C014",
        "incomplete_address",
        "city 'Boston', state NULL and country 'United States' must be given together or not at all",
    ),
    (
        "C015,Hal,Ng, ALICE@example.com,555,2024-01-01,,,,",
        "C015",
        "duplicate_email",
        "email 'alice@example.com' already belongs to another customer",
    ),
    (
        "C016,Ivy,Ray,ivy@example.com,555,1999-12-31,,,,",
        "C016",
        "date_out_of_range",
        "registration_date 1999-12-31 is before 2000-01-01, the earliest date accepted",
    ),
]
PRODUCT_DEFECTS = [
    ("P010,,Electronics,Laptops,10.00,5.00,,1,S001", "P010", "missing_required", "required column(s) empty: product_name"),
    (
        "P011,Thing,Electronics,Laptops,abc,5.00,,1,S001",
        "P011",
        "invalid_number",
        "not a number (digits, optional sign, at most 2 decimals): price 'abc'",
    ),
    ("P012,Thing,Electronics,Laptops,10.00,-5.00,,1,S001", "P012", "negative_amount", "cost -5.00 must not be negative"),
]
TRANSACTION_DEFECTS = [
    ("T010,,2024-02-01,10:00:00,Credit Card,1 A St,10.00", "T010", "missing_required", "required column(s) empty: customer_id"),
    (
        "T011,C001,31/12/2024,10:00:00,Credit Card,1 A St,10.00",
        "T011",
        "invalid_date",
        "transaction_date '31/12/2024' is not a date (YYYY-MM-DD)",
    ),
    (
        "T012,C001,2024-02-01,25:61:00,Credit Card,1 A St,10.00",
        "T012",
        "invalid_date",
        "transaction_time '25:61:00' is not a time (HH:MM or HH:MM:SS)",
    ),
    (
        "T013,C001,2024-02-01,10:00:00,Credit Card,1 A St,N/A",
        "T013",
        "invalid_number",
        "total_amount 'N/A' is not a number (digits, optional sign, at most 2 decimals)",
    ),
    (
        "T014,C001,2024-02-01,10:00:00,Credit Card,1 A St,-10.00",
        "T014",
        "negative_amount",
        "total_amount -10.00 must not be negative",
    ),
    (
        "T015,C001,2024-03-05,10:00:00,Credit Card,1 A St,10.00",
        "T015",
        "future_date",
        "transaction_date 2024-03-05 is after the batch date 2024-03-01",
    ),
    (
        "T016,C011,2024-02-01,10:00:00,Credit Card,1 A St,10.00",
        "T016",
        "parent_rejected",
        "customer_id 'C011' was quarantined, so its orders cannot be loaded",
    ),
    (
        "T017,C001,2023-02-29,10:00:00,Credit Card,1 A St,10.00",
        "T017",
        "invalid_date",
        "transaction_date '2023-02-29' is not a date (YYYY-MM-DD)",
    ),
    (
        "T018,C001,1850-03-01,10:00:00,Credit Card,1 A St,10.00",
        "T018",
        "date_out_of_range",
        "transaction_date 1850-03-01 is before 2000-01-01, the earliest date accepted",
    ),
]
ITEM_DEFECTS = [
    ("I010,T001,,1,10.00,0,10.00", "I010", "missing_required", "required column(s) empty: product_id"),
    (
        "I011,T001,P001,two,10.00,0,10.00",
        "I011",
        "invalid_number",
        "not a number (digits, optional sign, at most 2 decimals): quantity 'two'",
    ),
    ("I012,T001,P001,0,10.00,0,0.00", "I012", "quantity_not_positive", "quantity 0 must be greater than 0"),
    ("I013,T001,P001,1,10.00,150,-5.00", "I013", "discount_out_of_range", "discount_percentage 150.00 must be between 0 and 100"),
    ("I014,T001,P001,1,-10.00,0,10.00", "I014", "negative_amount", "unit_price -10.00 must not be negative"),
    (
        "I015,T001,P001,2,10.00,0,25.00",
        "I015",
        "line_total_mismatch",
        "line_total 25.00 differs from quantity x unit_price x (1 - discount/100) = 20.00 by more than one cent",
    ),
    ("I016,T001,P999,1,10.00,0,10.00", "I016", "unknown_product", "product_id 'P999' is not a known product"),
    (
        "I017,T016,P001,1,10.00,0,10.00",
        "I017",
        "parent_rejected",
        "transaction_id 'T016' was quarantined, so its items cannot be loaded",
    ),
]


def test_every_quarantine_rule(db: Database, tmp_path: Path) -> None:
    defects = {
        "customers.csv": CUSTOMER_DEFECTS,
        "products.csv": PRODUCT_DEFECTS,
        "transactions.csv": TRANSACTION_DEFECTS,
        "transaction_items.csv": ITEM_DEFECTS,
    }
    valid = {"customers.csv": ALICE, "products.csv": LAPTOP, "transactions.csv": ORDER, "transaction_items.csv": LINE}
    lines = {f: [valid[f]] + [line for line, *_ in defects[f]] for f in HEADERS}
    write_batch(
        tmp_path / "raw",
        B1,
        customers=lines["customers.csv"],
        products=lines["products.csv"],
        transactions=lines["transactions.csv"],
        items=lines["transaction_items.csv"],
    )
    run_ok(db, tmp_path / "raw", "run", "--to", "production")

    expected = [
        (B1, file, number, record_id, rule, reason, raw(file, line), B1)
        for file in sorted(HEADERS)
        for number, (line, record_id, rule, reason) in enumerate(defects[file], start=3)
    ]
    assert rejected(db) == expected
    # the valid row of each file is loaded, nothing else
    assert db.query("SELECT customer_id FROM production.customers") == [("C001",)]
    assert db.query("SELECT product_id FROM production.products") == [("P001",)]
    assert db.query("SELECT transaction_id FROM production.transactions") == [("T001",)]
    assert db.query("SELECT item_id FROM production.transaction_items") == [("I001",)]
    for file in HEADERS:
        n = len(defects[file])
        assert recon_row(db, B1, file) == (n + 1, 0, 1, 0, 0, 0, n, 0)
    assert_all_balanced(db)


def test_quarantine_keeps_quoted_raw_text(db: Database, tmp_path: Path) -> None:
    """raw_row holds the text as delivered: spaces, quotes and commas kept, not the cleaned value."""
    write_batch(
        tmp_path / "raw",
        B1,
        customers=[
            'C020," Ann ","O""Neil, Jr",  ANN@EXAMPLE ,+44 20,2024-01-01,,,,',
        ],
    )
    run_ok(db, tmp_path / "raw", "run", "--to", "production")
    assert rejected(db) == [
        (
            B1,
            "customers.csv",
            2,
            "C020",
            "invalid_email",
            "email 'ann@example' is not a valid address",
            {
                "customer_id": "C020",
                "first_name": " Ann ",
                "last_name": 'O"Neil, Jr',
                "email": "  ANN@EXAMPLE ",
                "phone": "+44 20",
                "registration_date": "2024-01-01",
                "city": "",
                "state": "",
                "country": "",
                "age_group": "",
            },
            B1,
        )
    ]
    assert_all_balanced(db)


# --------------------------------------------------------------------------- de-duplication and updates


def test_duplicates_superseded_and_updates(db: Database, tmp_path: Path) -> None:
    bob_v1 = "C002,Bob,Jones,bob@example.com,5550000001,2024-01-20,Boston,Massachusetts,United States,35-44"
    bob_v2 = "C002,Bob,Jones,bob@example.com,5550000002,2024-01-20,Boston,Massachusetts,United States,35-44"
    bob_v3 = "C002,Bob,Jones,bob@example.com,5550000002,2024-01-20,Austin,Texas,United States,35-44"
    write_batch(tmp_path / "raw", B1, customers=[ALICE, ALICE, bob_v1, bob_v2], products=[LAPTOP, LAPTOP])
    run_ok(db, tmp_path / "raw", "run", "--to", "warehouse")

    assert recon_row(db, B1, "customers.csv") == (4, 0, 2, 0, 1, 1, 0, 0)
    assert recon_row(db, B1, "products.csv") == (2, 0, 1, 0, 1, 0, 0, 0)
    assert db.query("SELECT customer_id, phone, last_batch_id FROM production.customers ORDER BY 1") == [
        ("C001", "5551234567", B1),
        ("C002", "5550000002", B1),
    ]
    before = dict(db.query("SELECT customer_id, updated_at FROM production.customers"))

    # batch 2: Alice re-delivered unchanged (with spacing and case that clean away), Bob moved
    alice_again = "C001, alice ,SMITH, Alice@Example.com ,555-123-4567,2024-01-15,boston,massachusetts,united states,25-34"
    write_batch(tmp_path / "raw", B2, customers=[alice_again, bob_v3], products=[LAPTOP])
    run_ok(db, tmp_path / "raw", "run", "--to", "warehouse")

    assert recon_row(db, B2, "customers.csv") == (2, 0, 0, 1, 1, 0, 0, 0)
    assert recon_row(db, B2, "products.csv") == (1, 0, 0, 0, 1, 0, 0, 0)
    assert db.query(
        "SELECT c.customer_id, c.phone, ci.city_name, c.last_batch_id FROM production.customers AS c "
        "JOIN production.cities AS ci USING (city_id) ORDER BY 1"
    ) == [("C001", "5551234567", "Boston", B1), ("C002", "5550000002", "Austin", B2)]
    after = dict(db.query("SELECT customer_id, updated_at FROM production.customers"))
    assert after["C001"] == before["C001"]
    assert after["C002"] > before["C002"]
    assert db.query(
        "SELECT h.customer_id, h.batch_id, h.phone, ci.city_name FROM production.customers_history AS h "
        "JOIN production.cities AS ci USING (city_id) ORDER BY 1, 2"
    ) == [
        ("C001", B1, "5551234567", "Boston"),
        ("C002", B1, "5550000002", "Boston"),
        ("C002", B2, "5550000002", "Austin"),
    ]
    assert rejected(db) == []
    assert_all_balanced(db)


def test_first_load_proves_foreign_keys_after_the_insert(db: Database, tmp_path: Path) -> None:
    """A first load drops the merged tables' foreign keys and adds them back after the insert
    (one validating pass each, 060); the keys are the same, and a row that breaks one fails."""
    write_batch(tmp_path / "raw", B1, customers=[ALICE], products=[LAPTOP])
    run_ok(db, tmp_path / "raw", "run", "--to", "production")
    assert db.query(
        "SELECT conrelid::regclass::text, conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid IN ('production.customers'::regclass, 'production.customers_history'::regclass, "
        "'production.products'::regclass, 'production.products_history'::regclass) ORDER BY 1, 2"
    ) == [
        ("production.customers", "customers_city_id_fkey", True, "FOREIGN KEY (city_id) REFERENCES production.cities(city_id)"),
        (
            "production.customers_history",
            "customers_history_city_id_fkey",
            True,
            "FOREIGN KEY (city_id) REFERENCES production.cities(city_id)",
        ),
        (
            "production.customers_history",
            "customers_history_customer_id_fkey",
            True,
            "FOREIGN KEY (customer_id) REFERENCES production.customers(customer_id)",
        ),
        ("production.products", "products_brand_id_fkey", True, "FOREIGN KEY (brand_id) REFERENCES production.brands(brand_id)"),
        (
            "production.products",
            "products_sub_category_id_fkey",
            True,
            "FOREIGN KEY (sub_category_id) REFERENCES production.sub_categories(sub_category_id)",
        ),
        (
            "production.products",
            "products_supplier_id_fkey",
            True,
            "FOREIGN KEY (supplier_id) REFERENCES production.suppliers(supplier_id)",
        ),
        (
            "production.products_history",
            "products_history_brand_id_fkey",
            True,
            "FOREIGN KEY (brand_id) REFERENCES production.brands(brand_id)",
        ),
        (
            "production.products_history",
            "products_history_product_id_fkey",
            True,
            "FOREIGN KEY (product_id) REFERENCES production.products(product_id)",
        ),
        (
            "production.products_history",
            "products_history_sub_category_id_fkey",
            True,
            "FOREIGN KEY (sub_category_id) REFERENCES production.sub_categories(sub_category_id)",
        ),
    ]
    assert db.query("SELECT * FROM pipeline.deferred_foreign_keys") == []
    if db.server == "citus":  # the shards keep their row-by-row checks (060)
        return
    # statement by statement, as psql in autocommit runs a file: the dropped key is remembered
    # in a table, and a row that breaks it fails when it is added back
    db.execute("CREATE TABLE public.scratch (city_id integer REFERENCES production.cities (city_id))")
    assert db.scalar("SELECT pipeline.defer_foreign_keys('public.scratch')") == 1
    assert db.query("SELECT * FROM pipeline.deferred_foreign_keys") == [
        ("public.scratch", "scratch_city_id_fkey", "FOREIGN KEY (city_id) REFERENCES production.cities(city_id)")
    ]
    db.execute("INSERT INTO public.scratch VALUES (-1)")  # no check per row now
    with pytest.raises(psycopg2.errors.ForeignKeyViolation, match='"scratch_city_id_fkey"'):
        db.execute("SELECT pipeline.restore_foreign_keys('public.scratch')")
    db.execute("DELETE FROM public.scratch")
    assert db.scalar("SELECT pipeline.restore_foreign_keys('public.scratch')") == 1
    assert db.query("SELECT * FROM pipeline.deferred_foreign_keys") == []
    assert db.scalar("SELECT count(*) FROM pg_constraint WHERE conname = 'scratch_city_id_fkey'") == 1
    # a table that holds rows keeps its keys
    assert db.query(
        "SELECT pipeline.defer_foreign_keys('production.customers'), pipeline.restore_foreign_keys('production.customers')"
    ) == [(0, 0)]


def test_email_given_up_in_the_same_batch_can_be_taken(db: Database, tmp_path: Path) -> None:
    bob = "C002,Bob,Jones,bob@example.com,,2024-01-20,,,,"
    write_batch(tmp_path / "raw", B1, customers=[ALICE, bob])
    run_ok(db, tmp_path / "raw", "run", "--to", "warehouse")

    # Batch 2: Alice takes Bob's address while Bob moves to a new one; Carol first tries
    # alice@ on a line that a later line of hers supersedes, so she claims nothing there.
    alice_takes = "C001,Alice,Smith,bob@example.com,5551234567,2024-01-15,Boston,Massachusetts,United States,25-34"
    bob_moves = "C002,Bob,Jones,robert@example.com,,2024-01-20,,,,"
    carol_first = "C003,Carol,Diaz,carol@example.com,,2024-02-01,,,,"
    carol_then = "C003,Carol,Diaz,carol.diaz@example.com,,2024-02-01,,,,"
    dave_same = "C004,Dave,Kim,carol@example.com,,2024-02-02,,,,"
    write_batch(tmp_path / "raw", B2, customers=[alice_takes, bob_moves, carol_first, carol_then, dave_same])
    run_ok(db, tmp_path / "raw", "run", "--to", "warehouse")

    assert rejected(db) == []
    assert db.query("SELECT customer_id, email FROM production.customers ORDER BY 1") == [
        ("C001", "bob@example.com"),
        ("C002", "robert@example.com"),
        ("C003", "carol.diaz@example.com"),
        ("C004", "carol@example.com"),
    ]
    assert recon_row(db, B2, "customers.csv") == (5, 0, 2, 2, 0, 1, 0, 0)


# --------------------------------------------------------------------------- late-arriving items


def test_late_arriving_item_waits_then_loads(db: Database, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    write_batch(root, B1, customers=[ALICE], products=[LAPTOP], items=[LINE])
    run_ok(db, root, "run", "--to", "warehouse")

    assert recon_row(db, B1, "transaction_items.csv") == (1, 0, 0, 0, 0, 0, 0, 1)
    assert db.query("SELECT item_id, transaction_id, batch_id, line_number FROM staging.transaction_items_waiting") == [
        ("I001", "T001", B1, 2)
    ]
    assert db.query("SELECT item_id FROM production.transaction_items") == []

    write_batch(root, B2, transactions=[ORDER])
    run_ok(db, root, "run", "--to", "warehouse")

    assert recon_row(db, B2, "transaction_items.csv") == (0, 1, 1, 0, 0, 0, 0, 0)
    assert db.query("SELECT count(*) FROM staging.transaction_items_waiting") == [(0,)]
    assert db.query(
        "SELECT item_id, transaction_id, product_id, quantity, line_total::text, last_batch_id FROM production.transaction_items"
    ) == [("I001", "T001", "P001", 1, "999.99", B2)]
    assert db.query("SELECT item_id FROM warehouse.fact_sales") == [("I001",)]
    assert rejected(db) == []
    assert_all_balanced(db)


def test_waiting_item_whose_transaction_is_quarantined(db: Database, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    write_batch(root, B1, customers=[ALICE], products=[LAPTOP], items=[LINE])
    run_ok(db, root, "run", "--to", "warehouse")
    bad_order = "T001,C001,2024-02-30,13:45:00,Credit Card,1 Main St,999.99"
    write_batch(root, B2, transactions=[bad_order])
    run_ok(db, root, "run", "--to", "warehouse")

    assert rejected(db) == [
        (
            B1,
            "transaction_items.csv",
            2,
            "I001",
            "parent_rejected",
            "transaction_id 'T001' was quarantined, so its items cannot be loaded",
            raw("transaction_items.csv", LINE),
            B2,
        ),
        (
            B2,
            "transactions.csv",
            2,
            "T001",
            "invalid_date",
            "transaction_date '2024-02-30' is not a date (YYYY-MM-DD)",
            raw("transactions.csv", bad_order),
            B2,
        ),
    ]
    assert recon_row(db, B2, "transaction_items.csv") == (0, 1, 0, 0, 0, 0, 1, 0)
    assert recon_row(db, B2, "transactions.csv") == (1, 0, 0, 0, 0, 0, 1, 0)
    assert db.query("SELECT count(*) FROM staging.transaction_items_waiting") == [(0,)]
    assert db.query("SELECT item_id FROM production.transaction_items") == []
    assert_all_balanced(db)


def test_transaction_waits_for_its_customer_like_a_line_for_its_transaction(db: Database, tmp_path: Path) -> None:
    """An order that arrives before its customer is not lost: it waits, with its lines, batch
    after batch, and loads (into production and the warehouse) once the customer arrives."""
    root = tmp_path / "raw"
    write_batch(root, B1, products=[LAPTOP], transactions=[ORDER], items=[LINE])
    run_ok(db, root, "run")

    assert recon_row(db, B1, "transactions.csv") == (1, 0, 0, 0, 0, 0, 0, 1)
    assert recon_row(db, B1, "transaction_items.csv") == (1, 0, 0, 0, 0, 0, 0, 1)
    assert db.query("SELECT transaction_id, customer_id, batch_id, line_number FROM staging.transactions_waiting") == [
        ("T001", "C001", B1, 2)
    ]
    assert db.query("SELECT count(*) FROM production.transactions") == [(0,)]

    write_batch(root, B2, customers=[ALICE])
    run_ok(db, root, "run")

    assert recon_row(db, B2, "transactions.csv") == (0, 1, 1, 0, 0, 0, 0, 0)
    assert recon_row(db, B2, "transaction_items.csv") == (0, 1, 1, 0, 0, 0, 0, 0)
    assert db.query("SELECT count(*) FROM staging.transactions_waiting") == [(0,)]
    assert db.query("SELECT count(*) FROM staging.transaction_items_waiting") == [(0,)]
    assert db.query("SELECT transaction_id, customer_id, last_batch_id FROM production.transactions") == [("T001", "C001", B2)]
    assert db.query("SELECT item_id, transaction_id, net_amount::text FROM warehouse.fact_sales") == [("I001", "T001", "999.99")]
    assert rejected(db) == []
    assert_all_balanced(db)


# --------------------------------------------------------------------------- end to end


def manifest_quarantine(root: Path) -> tuple[Counter, dict[str, int]]:
    """Quarantined rows the generator injected, per (batch, file, rule), and duplicate rows per batch."""
    expected: Counter = Counter()
    duplicates: dict[str, int] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        manifest = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
        for file, info in manifest["files"].items():
            for kind, count in info["defects"].items():
                if kind == "duplicate_row":
                    duplicates[(folder.name, file)] = count
                elif kind not in ("email_not_normalised", "unknown_customer") and count:
                    # a transaction of a customer never delivered waits for it (not quarantined)
                    expected[(folder.name, file, kind)] += count
        cascade = manifest["cascades"]["transaction_items.csv"]["parent_rejected"]
        if cascade:
            expected[(folder.name, "transaction_items.csv", "parent_rejected")] += cascade
    return expected, duplicates


def test_end_to_end_generated_dirty_data(db: Database, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    generators.generate(root, scale=0.1, seed=3, batches=4, defect_rate=0.02, every_defect=True)
    run_ok(db, root, "run", "--to", "warehouse")

    expected, duplicates = manifest_quarantine(root)
    got = Counter(
        {
            (batch, file, rule): count
            for batch, file, rule, count in db.query(
                "SELECT batch_id, source_file, rule_name, count(*) FROM pipeline.rejected_rows GROUP BY 1, 2, 3"
            )
        }
    )
    assert got == expected
    assert len(expected) > 10  # every kind of defect was exercised

    rows = reconciliation(db)
    assert len(rows) == 4 * len(HEADERS)
    assert [r for r in rows if r[11] is not True] == []
    recon_duplicates = {(r[0], r[1]): r[7] for r in rows}
    assert [k for k, n in duplicates.items() if n > recon_duplicates[k]] == []
    quarantined = {(r[0], r[1]): r[9] for r in rows}
    per_file: Counter = Counter()
    for (batch, file, _rule), count in expected.items():
        per_file[(batch, file)] += count
    assert {k: v for k, v in quarantined.items() if v} == dict(per_file)
