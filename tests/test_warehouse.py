"""Warehouse layer, on small hand-written batches with known answers.

Each test writes a few CSV rows per batch folder, runs the whole pipeline, and asserts the
exact rows of the SCD Type 2 dimensions, the as-of fact join, the date dimension and the
daily aggregate (given these rows in, exactly these rows out).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import run_ok, write_batch

pytestmark = pytest.mark.every_server

CITIES = {
    "Austin": ("Austin", "Texas", "United States"),
    "Dallas": ("Dallas", "Texas", "United States"),
    "Houston": ("Houston", "Texas", "United States"),
    "Denver": ("Denver", "Colorado", "United States"),
}
OPEN = date(9999, 12, 31)
FIRST = date(1900, 1, 1)


def customer(customer_id: str, city: str, age_group: str = "25-34") -> list[str]:
    n = customer_id.lower()
    return [customer_id, "Ann", f"Lee{n}", f"{n}@example.com", "+1 555 0100", "2020-05-01", *CITIES[city], age_group]


def product(product_id: str, price: str, cost: str, category: str = "Electronics", sub_category: str = "Audio") -> list[str]:
    return [product_id, f"Widget {product_id}", category, sub_category, price, cost, "Acme", "10", "S001"]


def order(transaction_id: str, customer_id: str, day: str, total: str, payment: str = "Credit Card") -> list[str]:
    return [transaction_id, customer_id, day, "12:00:00", payment, "1 Main St, Austin", total]


def line(item_id: str, transaction_id: str, product_id: str, quantity: int, unit_price: str, discount: str = "0") -> list[str]:
    total = (quantity * Decimal(unit_price) * (1 - Decimal(discount) / 100)).quantize(Decimal("0.01"))
    return [item_id, transaction_id, product_id, str(quantity), unit_price, discount, str(total)]


def customer_versions(db, customer_id: str) -> list[tuple]:
    return db.query(
        "SELECT city, valid_from, valid_to, is_current FROM warehouse.dim_customers WHERE customer_id = %s ORDER BY valid_from",
        (customer_id,),
    )


def fact_customer_versions(db) -> dict[str, tuple]:
    """item_id -> (customer_id, city and valid_from of the version its customer_key points at)."""
    rows = db.query(
        "SELECT f.item_id, dc.customer_id, dc.city, dc.valid_from FROM warehouse.fact_sales AS f "
        "INNER JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key ORDER BY f.item_id"
    )
    return {r[0]: r[1:] for r in rows}


def test_customer_moving_twice_keeps_each_order_on_the_version_valid_at_its_date(db, tmp_path):
    raw = tmp_path / "raw"
    p1 = product("P1", "10.00", "6.00")
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin")],
        products=[p1],
        transactions=[order("T1", "C1", "2024-01-05", "10.00")],
        items=[line("I1", "T1", "P1", 1, "10.00")],
    )
    # The move to Dallas is delivered on 2024-01-20; T2 (01-15) was placed before it.
    write_batch(
        raw,
        "2024-01-20",
        customers=[customer("C1", "Dallas")],
        transactions=[order("T2", "C1", "2024-01-15", "20.00"), order("T3", "C1", "2024-01-20", "30.00")],
        items=[line("I2", "T2", "P1", 2, "10.00"), line("I3", "T3", "P1", 3, "10.00")],
    )
    write_batch(
        raw,
        "2024-02-01",
        customers=[customer("C1", "Houston")],
        transactions=[order("T4", "C1", "2024-01-25", "10.00"), order("T5", "C1", "2024-02-01", "10.00")],
        items=[line("I4", "T4", "P1", 1, "10.00"), line("I5", "T5", "P1", 1, "10.00")],
    )
    run_ok(db, raw)

    assert customer_versions(db, "C1") == [
        ("Austin", FIRST, date(2024, 1, 20), False),
        ("Dallas", date(2024, 1, 20), date(2024, 2, 1), False),
        ("Houston", date(2024, 2, 1), OPEN, True),
    ]
    assert db.query("SELECT customer_key, city FROM warehouse.dim_customers ORDER BY customer_key") == [
        (1, "Austin"),
        (2, "Dallas"),
        (3, "Houston"),
    ]
    assert db.query("SELECT item_id, customer_key FROM warehouse.fact_sales ORDER BY item_id") == [
        ("I1", 1),
        ("I2", 1),
        ("I3", 2),
        ("I4", 2),
        ("I5", 3),
    ]
    assert fact_customer_versions(db) == {
        "I1": ("C1", "Austin", FIRST),
        "I2": ("C1", "Austin", FIRST),
        "I3": ("C1", "Dallas", date(2024, 1, 20)),
        "I4": ("C1", "Dallas", date(2024, 1, 20)),
        "I5": ("C1", "Houston", date(2024, 2, 1)),
    }


def test_redelivery_duplicates_in_one_file_and_change_back(db, tmp_path):
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C2", "Austin"), customer("C3", "Austin"), customer("C4", "Austin")],
        products=[product("P1", "10.00", "6.00")],
    )
    # C2: delivered again unchanged. C3: two rows in one file, the last line wins.
    # C4: moves away.
    write_batch(
        raw,
        "2024-01-20",
        customers=[customer("C2", "Austin"), customer("C3", "Dallas"), customer("C3", "Houston"), customer("C4", "Denver")],
    )
    # C2: unchanged again. C4: moves back.
    write_batch(raw, "2024-02-01", customers=[customer("C2", "Austin"), customer("C4", "Austin")])
    run_ok(db, raw)

    assert customer_versions(db, "C2") == [("Austin", FIRST, OPEN, True)]
    assert customer_versions(db, "C3") == [
        ("Austin", FIRST, date(2024, 1, 20), False),
        ("Houston", date(2024, 1, 20), OPEN, True),
    ]
    assert customer_versions(db, "C4") == [
        ("Austin", FIRST, date(2024, 1, 20), False),
        ("Denver", date(2024, 1, 20), date(2024, 2, 1), False),
        ("Austin", date(2024, 2, 1), OPEN, True),
    ]
    assert db.scalar("SELECT count(*) FROM warehouse.dim_customers") == 6


def test_product_price_change_fact_cost_uses_the_version_cost(db, tmp_path):
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin")],
        products=[product("P1", "10.00", "6.00")],
        transactions=[order("T1", "C1", "2024-01-09", "20.00")],
        items=[line("I1", "T1", "P1", 2, "10.00")],
    )
    write_batch(
        raw,
        "2024-01-20",
        products=[product("P1", "12.00", "7.50")],
        transactions=[order("T2", "C1", "2024-01-19", "20.00"), order("T3", "C1", "2024-01-20", "21.60")],
        items=[line("I2", "T2", "P1", 2, "10.00"), line("I3", "T3", "P1", 2, "12.00", "10")],
    )
    run_ok(db, raw)

    assert db.query(
        "SELECT product_key, price, cost, valid_from, valid_to, is_current FROM warehouse.dim_products ORDER BY product_key"
    ) == [
        (1, Decimal("10.00"), Decimal("6.00"), FIRST, date(2024, 1, 20), False),
        (2, Decimal("12.00"), Decimal("7.50"), date(2024, 1, 20), OPEN, True),
    ]
    assert db.query(
        "SELECT item_id, product_key, quantity, gross_amount, discount_amount, net_amount, cost_amount, "
        "profit_amount FROM warehouse.fact_sales ORDER BY item_id"
    ) == [
        ("I1", 1, 2, Decimal("20.00"), Decimal("0.00"), Decimal("20.00"), Decimal("12.00"), Decimal("8.00")),
        ("I2", 1, 2, Decimal("20.00"), Decimal("0.00"), Decimal("20.00"), Decimal("12.00"), Decimal("8.00")),
        ("I3", 2, 2, Decimal("24.00"), Decimal("2.40"), Decimal("21.60"), Decimal("15.00"), Decimal("6.60")),
    ]


def test_date_dimension_extends_itself_and_covers_every_order_date(db, tmp_path):
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin")],
        products=[product("P1", "10.00", "6.00")],
        transactions=[order("T1", "C1", "2024-01-05", "10.00")],
        items=[line("I1", "T1", "P1", 1, "10.00")],
    )
    run_ok(db, raw)
    assert db.query("SELECT min(full_date), max(full_date), count(*) FROM warehouse.dim_date") == [
        (date(2023, 1, 1), date(2025, 12, 31), 1096),
    ]

    write_batch(
        raw, "2026-03-01", transactions=[order("T2", "C1", "2026-02-27", "10.00")], items=[line("I2", "T2", "P1", 1, "10.00")]
    )
    run_ok(db, raw)
    assert db.query("SELECT min(full_date), max(full_date), count(*) FROM warehouse.dim_date") == [
        (date(2023, 1, 1), date(2027, 12, 31), 1826),
    ]
    # No gap in the calendar, and every order date has its day.
    assert db.scalar("SELECT max(full_date) - min(full_date) + 1 FROM warehouse.dim_date") == 1826
    assert (
        db.query(
            "SELECT t.transaction_id FROM production.transactions AS t "
            "LEFT JOIN warehouse.dim_date AS d ON t.transaction_date = d.full_date WHERE d.date_key IS NULL"
        )
        == []
    )
    assert db.query(
        "SELECT f.item_id, d.full_date FROM warehouse.fact_sales AS f "
        "INNER JOIN warehouse.dim_date AS d ON f.date_key = d.date_key ORDER BY f.item_id"
    ) == [
        ("I1", date(2024, 1, 5)),
        ("I2", date(2026, 2, 27)),
    ]
    assert db.query(
        "SELECT date_key, day_of_week, day_name, is_weekend, is_holiday, holiday_name, year_month, quarter_name "
        "FROM warehouse.dim_date WHERE full_date IN ('2026-02-27', '2026-07-04') ORDER BY 1"
    ) == [
        (20260227, 5, "Friday", False, False, None, "2026-02", "Q1"),
        (20260704, 6, "Saturday", True, True, "Independence Day", "2026-07", "Q3"),
    ]


def test_fiscal_year_starting_in_july(db, tmp_path):
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin")],
        products=[product("P1", "10.00", "6.00")],
        transactions=[order("T1", "C1", "2024-01-05", "10.00")],
        items=[line("I1", "T1", "P1", 1, "10.00")],
    )
    run_ok(db, raw, env={"FISCAL_YEAR_START_MONTH": "7"})
    assert db.query(
        "SELECT full_date, year_number, month_number, fiscal_year, fiscal_quarter, fiscal_month "
        "FROM warehouse.dim_date WHERE full_date IN ('2024-01-05', '2024-06-30', '2024-07-01', '2024-12-31') "
        "ORDER BY full_date"
    ) == [
        (date(2024, 1, 5), 2024, 1, 2024, 3, 7),
        (date(2024, 6, 30), 2024, 6, 2024, 4, 12),
        (date(2024, 7, 1), 2024, 7, 2025, 1, 1),
        (date(2024, 12, 31), 2024, 12, 2025, 2, 6),
    ]


def test_fiscal_year_defaults_to_the_calendar_year(db, tmp_path):
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin")],
        products=[product("P1", "10.00", "6.00")],
        transactions=[order("T1", "C1", "2024-01-05", "10.00")],
        items=[line("I1", "T1", "P1", 1, "10.00")],
    )
    run_ok(db, raw, env={"FISCAL_YEAR_START_MONTH": "1"})
    assert db.query(
        "SELECT full_date, fiscal_year, fiscal_quarter, fiscal_month FROM warehouse.dim_date "
        "WHERE full_date IN ('2024-07-01', '2024-12-31') ORDER BY full_date"
    ) == [
        (date(2024, 7, 1), 2024, 3, 7),
        (date(2024, 12, 31), 2024, 4, 12),
    ]


def test_agg_daily_sales_hand_computed_day_with_new_and_repeat_customers(db, tmp_path):
    raw = tmp_path / "raw"
    products = [product("P1", "10.00", "6.00"), product("P2", "25.00", "15.00", "Books", "Fiction")]
    # C1 ordered on 01-05, so on 01-08 C1 is a repeat customer; C2 and C3 order first on 01-08.
    write_batch(
        raw,
        "2024-01-08",
        customers=[customer("C1", "Austin"), customer("C2", "Dallas"), customer("C3", "Denver")],
        products=products,
        transactions=[
            order("T1", "C1", "2024-01-05", "10.00"),
            order("T2", "C1", "2024-01-08", "65.00"),
            order("T3", "C2", "2024-01-08", "45.00"),
            order("T4", "C3", "2024-01-08", "22.50"),
            order("T5", "C2", "2024-01-08", "10.00"),
        ],
        items=[
            line("I1", "T1", "P1", 1, "10.00"),
            line("I2", "T2", "P1", 4, "10.00"),  # 40.00, cost 24.00
            line("I3", "T2", "P2", 1, "25.00"),  # 25.00, cost 15.00
            line("I4", "T3", "P2", 2, "25.00", "10"),  # gross 50.00, net 45.00, cost 30.00
            line("I5", "T4", "P2", 1, "25.00", "10"),  # gross 25.00, net 22.50, cost 15.00
            line("I6", "T5", "P1", 1, "10.00"),  # 10.00, cost 6.00
        ],
    )
    run_ok(db, raw)
    columns = (
        "sales_date, transactions, items, units, gross_amount, discount_amount, net_revenue, cost_amount, "
        "profit_amount, distinct_customers, new_customers, repeat_customers, average_order_value"
    )
    assert db.query(f"SELECT {columns} FROM warehouse.agg_daily_sales ORDER BY date_key") == [
        (
            date(2024, 1, 5),
            1,
            1,
            1,
            Decimal("10.00"),
            Decimal("0.00"),
            Decimal("10.00"),
            Decimal("6.00"),
            Decimal("4.00"),
            1,
            1,
            0,
            Decimal("10.00"),
        ),
        # 4 orders, 5 lines, 9 units; gross 40+25+50+25+10 = 150.00, discounts 5.00 + 2.50 = 7.50,
        # net 142.50, cost 24+15+30+15+6 = 90.00, profit 52.50; AOV 142.50 / 4 = 35.625 -> 35.63
        (
            date(2024, 1, 8),
            4,
            5,
            9,
            Decimal("150.00"),
            Decimal("7.50"),
            Decimal("142.50"),
            Decimal("90.00"),
            Decimal("52.50"),
            3,
            2,
            1,
            Decimal("35.63"),
        ),
    ]


def test_agg_daily_sales_first_order_moves_when_an_earlier_order_arrives_later(db, tmp_path):
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin")],
        products=[product("P1", "10.00", "6.00")],
        transactions=[order("T2", "C1", "2024-01-10", "10.00")],
        items=[line("I2", "T2", "P1", 1, "10.00")],
    )
    # A late-arriving order from 01-03 makes C1 a repeat customer on 01-10.
    write_batch(
        raw, "2024-01-11", transactions=[order("T1", "C1", "2024-01-03", "20.00")], items=[line("I1", "T1", "P1", 2, "10.00")]
    )
    run_ok(db, raw)
    assert db.query(
        "SELECT sales_date, transactions, net_revenue, distinct_customers, new_customers, repeat_customers "
        "FROM warehouse.agg_daily_sales ORDER BY date_key"
    ) == [
        (date(2024, 1, 3), 1, Decimal("20.00"), 1, 1, 0),
        (date(2024, 1, 10), 1, Decimal("10.00"), 1, 0, 1),
    ]


def test_first_orders_over_every_version_of_a_customer(db, tmp_path):
    """warehouse.first_orders_of (one index probe per customer version) and the view give the
    same first day: over all versions, a late-arriving earlier order included, a version
    without orders skipped, and a customer without orders absent."""
    raw = tmp_path / "raw"
    write_batch(
        raw,
        "2024-01-10",
        customers=[customer("C1", "Austin"), customer("C2", "Austin"), customer("C3", "Austin"), customer("C4", "Austin")],
        products=[product("P1", "10.00", "6.00")],
        transactions=[order("T1", "C3", "2024-01-05", "10.00")],
        items=[line("I1", "T1", "P1", 1, "10.00")],
    )
    # C1 and C4 move on 2024-01-20; C1's T2 (01-15) was placed before the move, T3 after it;
    # C4 orders only after it, so C4's first version has no fact.
    write_batch(
        raw,
        "2024-01-20",
        customers=[customer("C1", "Dallas"), customer("C4", "Denver")],
        transactions=[
            order("T2", "C1", "2024-01-15", "10.00"),
            order("T3", "C1", "2024-01-20", "10.00"),
            order("T5", "C4", "2024-01-20", "10.00"),
        ],
        items=[line("I2", "T2", "P1", 1, "10.00"), line("I3", "T3", "P1", 1, "10.00"), line("I5", "T5", "P1", 1, "10.00")],
    )
    # An earlier order of C1 (01-12) arrives last.
    write_batch(
        raw, "2024-02-01", transactions=[order("T4", "C1", "2024-01-12", "10.00")], items=[line("I4", "T4", "P1", 1, "10.00")]
    )
    run_ok(db, raw)

    expected = [("C1", 20240112), ("C3", 20240105), ("C4", 20240120)]
    view = "SELECT customer_id, first_date_key FROM warehouse.customer_first_orders ORDER BY customer_id"
    assert db.query(view) == expected
    if db.server != "citus":  # Citus has the view only (306)
        function = (
            "SELECT customer_id, first_date_key FROM warehouse.first_orders_of(ARRAY['C1', 'C2', 'C3', 'C4']) "
            "ORDER BY customer_id"
        )
        assert db.query(function) == expected
        assert db.query("SELECT * FROM warehouse.first_orders_of(ARRAY['C4'])") == [("C4", 20240120)]
    assert db.query("SELECT sales_date, new_customers, repeat_customers FROM warehouse.agg_daily_sales ORDER BY date_key") == [
        (date(2024, 1, 5), 1, 0),
        (date(2024, 1, 12), 1, 0),
        (date(2024, 1, 15), 0, 1),
        (date(2024, 1, 20), 1, 1),
    ]
