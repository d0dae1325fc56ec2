"""Analytics views on generated data: sensible results, totals equal fact_sales to the cent, one
vocabulary for the measures, money as numeric(14,2), and the files upgrade a database that has the
old views.

One pipeline run (scale 0.2, seed 42, one batch) is shared by the whole module.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import fresh_database, run_ok

import generators

pytestmark = pytest.mark.every_server

VIEWS = (
    "revenue_by_category_month",
    "weekday_vs_weekend",
    "repeat_customer_revenue",
    "customer_rfm",
    "customer_lifetime_value",
    "product_performance",
    "payment_method_summary",
    "revenue_by_geography",
    "discount_impact",
    "daily_category_sales",
)
# The warehouse's names for sums (as warehouse.agg_daily_sales names them), and names never to use.
MONEY_SUMS = {"gross_amount", "discount_amount", "net_revenue", "cost_amount", "profit_amount"}
RETIRED_NAMES = {"profit", "monetary", "net_amount", "revenue", "gross_revenue", "cost", "discount"}
# Money columns that are not sums: averages, prices and the country total.
OTHER_MONEY = {
    "average_order_value",
    "revenue_per_day",
    "current_price",
    "current_cost",
    "repeat_revenue",
    "first_order_revenue",
    "country_net_revenue",
}
MONTHLY_VIEWS = ("revenue_by_category_month", "repeat_customer_revenue")
SEGMENTS = {
    "Champions",
    "Loyal",
    "Potential Loyalists",
    "New Customers",
    "Cannot Lose Them",
    "At Risk",
    "Hibernating",
    "Lost",
    "Need Attention",
}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("analytics") / "raw"
    generators.generate(raw, scale=0.2, seed=42, batches=1)
    return raw


@pytest.fixture(scope="module")
def adb(server, raw):
    with fresh_database(server) as database:
        run_ok(database, raw, env={"PIPELINE_DASHBOARD": "off"})
        yield database


@pytest.fixture(scope="module")
def fact_totals(adb) -> dict[str, object]:
    row = adb.query(
        "SELECT count(*), count(DISTINCT transaction_id), sum(quantity), sum(gross_amount), sum(discount_amount), "
        "sum(net_amount), sum(cost_amount), sum(profit_amount) FROM warehouse.fact_sales"
    )[0]
    return dict(zip(("items", "orders", "units", "gross", "discount", "net", "cost", "profit"), row))


def test_every_view_exists_and_every_column_is_commented(adb):
    assert sorted(
        r[0] for r in adb.query("SELECT table_name FROM information_schema.views WHERE table_schema = 'analytics'")
    ) == sorted(VIEWS)
    assert (
        adb.query(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON c.relnamespace = n.oid "
            "WHERE n.nspname = 'analytics' AND obj_description(c.oid, 'pg_class') IS NULL"
        )
        == []
    )
    assert (
        adb.query(
            "SELECT c.relname, a.attname FROM pg_attribute AS a JOIN pg_class AS c ON a.attrelid = c.oid "
            "JOIN pg_namespace AS n ON c.relnamespace = n.oid WHERE n.nspname = 'analytics' AND a.attnum > 0 "
            "AND col_description(c.oid, a.attnum) IS NULL"
        )
        == []
    )


def test_bi_reader_can_read_every_view(adb):
    assert (
        adb.query(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON c.relnamespace = n.oid "
            "WHERE n.nspname = 'analytics' AND NOT has_table_privilege('bi_reader', c.oid, 'SELECT')"
        )
        == []
    )


def test_revenue_by_category_electronics_leads_and_totals_match(adb, fact_totals):
    categories = adb.query(
        "SELECT category, sum(net_revenue) FROM analytics.revenue_by_category_month GROUP BY 1 ORDER BY 2 DESC"
    )
    assert categories[0][0] == "Electronics"
    assert sum(r[1] for r in categories) == fact_totals["net"]
    assert adb.query("SELECT sum(units), sum(profit_amount) FROM analytics.revenue_by_category_month") == [
        (fact_totals["units"], fact_totals["profit"])
    ]
    # Per month, the category shares add up to 100 % (each rounded to 0.01).
    assert (
        adb.query(
            "SELECT year_month FROM analytics.revenue_by_category_month GROUP BY 1 "
            "HAVING abs(sum(revenue_share_pct) - 100) > 0.05"
        )
        == []
    )


def test_weekend_share_of_orders_and_totals(adb, fact_totals):
    rows = {
        r[0]: r[1:] for r in adb.query("SELECT day_type, orders, net_revenue, order_share_pct FROM analytics.weekday_vs_weekend")
    }
    assert set(rows) == {"Weekday", "Weekend"}
    weekend_share = rows["Weekend"][0] / fact_totals["orders"]
    assert 0.33 <= weekend_share <= 0.45, weekend_share
    assert rows["Weekend"][2] == round(Decimal(100 * rows["Weekend"][0]) / fact_totals["orders"], 2)
    assert rows["Weekday"][0] + rows["Weekend"][0] == fact_totals["orders"]
    assert rows["Weekday"][1] + rows["Weekend"][1] == fact_totals["net"]


def test_repeat_customer_revenue_totals(adb, fact_totals):
    assert adb.query(
        "SELECT sum(orders), sum(net_revenue), sum(repeat_revenue + first_order_revenue) FROM analytics.repeat_customer_revenue"
    ) == [(fact_totals["orders"], fact_totals["net"], fact_totals["net"])]
    # First-day revenue is exactly the revenue of the days agg_daily_sales counts a customer as new.
    assert adb.scalar("SELECT sum(first_order_revenue) FROM analytics.repeat_customer_revenue") == adb.scalar(
        "WITH firsts AS (SELECT d2.customer_id, min(f2.date_key) AS first_day FROM warehouse.fact_sales AS f2 "
        "JOIN warehouse.dim_customers AS d2 ON f2.customer_key = d2.customer_key GROUP BY d2.customer_id) "
        "SELECT sum(f.net_amount) FROM warehouse.fact_sales AS f "
        "JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key "
        "JOIN firsts AS fi ON dc.customer_id = fi.customer_id AND f.date_key = fi.first_day"
    )


def test_rfm_covers_every_customer_with_orders_exactly_once(adb, fact_totals):
    assert adb.query("SELECT customer_id FROM analytics.customer_rfm GROUP BY 1 HAVING count(*) != 1") == []
    assert (
        adb.query(
            "SELECT DISTINCT dc.customer_id FROM warehouse.fact_sales AS f "
            "JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key "
            "EXCEPT SELECT customer_id FROM analytics.customer_rfm"
        )
        == []
    )
    customers = adb.scalar(
        "SELECT count(DISTINCT dc.customer_id) FROM warehouse.fact_sales AS f "
        "JOIN warehouse.dim_customers AS dc ON f.customer_key = dc.customer_key"
    )
    assert adb.scalar("SELECT count(*) FROM analytics.customer_rfm") == customers
    assert {r[0] for r in adb.query("SELECT DISTINCT rfm_segment FROM analytics.customer_rfm")} <= SEGMENTS
    assert adb.query("SELECT sum(net_revenue), sum(frequency) FROM analytics.customer_rfm") == [
        (fact_totals["net"], fact_totals["orders"])
    ]
    # NTILE(5): quintiles as equal as possible, the first n % 5 one larger.
    sizes = [customers // 5 + (1 if i < customers % 5 else 0) for i in range(5)]
    for score in ("r_score", "f_score", "m_score"):
        assert [r[1] for r in adb.query(f"SELECT {score}, count(*) FROM analytics.customer_rfm GROUP BY 1 ORDER BY 1")] == sizes


def test_rfm_recency_is_counted_from_the_latest_order_date(adb):
    latest = adb.scalar(
        "SELECT max(d.full_date) FROM warehouse.fact_sales AS f JOIN warehouse.dim_date AS d ON f.date_key = d.date_key"
    )
    assert (
        adb.query("SELECT customer_id FROM analytics.customer_rfm WHERE recency_days != %s::date - last_order_date", (latest,))
        == []
    )
    assert adb.scalar("SELECT min(recency_days) FROM analytics.customer_rfm") == 0
    # The most recent customers score 5, the best on all three scores are Champions.
    assert adb.query("SELECT DISTINCT r_score FROM analytics.customer_rfm WHERE recency_days = 0") == [(5,)]
    assert adb.query(
        "SELECT DISTINCT rfm_segment FROM analytics.customer_rfm WHERE r_score = 5 AND f_score = 5 AND m_score = 5"
    ) == [("Champions",)]
    assert adb.query("SELECT DISTINCT rfm_segment FROM analytics.customer_rfm WHERE r_score = 1 AND f_score = 1") == [("Lost",)]


def test_customer_lifetime_value_totals(adb, fact_totals):
    assert adb.query(
        "SELECT count(*), count(DISTINCT customer_id), sum(orders), sum(units), sum(net_revenue), sum(profit_amount) "
        "FROM analytics.customer_lifetime_value"
    ) == [
        (adb.scalar("SELECT count(*) FROM analytics.customer_rfm"),) * 2
        + (fact_totals["orders"], fact_totals["units"], fact_totals["net"], fact_totals["profit"])
    ]
    assert (
        adb.query(
            "SELECT customer_id FROM analytics.customer_lifetime_value "
            "WHERE (orders = 1) != (average_days_between_orders IS NULL)"
        )
        == []
    )
    assert adb.scalar("SELECT customer_id FROM analytics.customer_lifetime_value WHERE revenue_rank = 1") == adb.scalar(
        "SELECT customer_id FROM analytics.customer_rfm ORDER BY net_revenue DESC LIMIT 1"
    )


def test_product_performance_totals_and_ranks(adb, fact_totals):
    assert adb.query(
        "SELECT sum(units), sum(gross_amount), sum(discount_amount), sum(net_revenue), sum(cost_amount), "
        "sum(profit_amount) FROM analytics.product_performance"
    ) == [
        (
            fact_totals["units"],
            fact_totals["gross"],
            fact_totals["discount"],
            fact_totals["net"],
            fact_totals["cost"],
            fact_totals["profit"],
        )
    ]
    top = adb.query("SELECT product_id, net_revenue FROM analytics.product_performance WHERE revenue_rank = 1")
    assert top == [
        adb.query("SELECT product_id, net_revenue FROM analytics.product_performance ORDER BY net_revenue DESC LIMIT 1")[0]
    ]
    assert (
        adb.query(
            "SELECT product_id FROM analytics.product_performance WHERE margin_pct != round(100 * profit_amount / net_revenue, 2)"
        )
        == []
    )


def test_payment_methods_totals(adb, fact_totals):
    assert adb.query(
        "SELECT sum(orders), sum(net_revenue), round(sum(order_share_pct)), round(sum(revenue_share_pct)) "
        "FROM analytics.payment_method_summary"
    ) == [(fact_totals["orders"], fact_totals["net"], Decimal(100), Decimal(100))]
    assert adb.query("SELECT payment_method_name FROM analytics.payment_method_summary WHERE payment_type = 'Other'") == []


def test_geography_totals(adb, fact_totals):
    # An order has one customer version, so one country and state: orders add up exactly.
    assert adb.query("SELECT sum(orders), sum(net_revenue), sum(profit_amount) FROM analytics.revenue_by_geography") == [
        (fact_totals["orders"], fact_totals["net"], fact_totals["profit"])
    ]
    assert (
        adb.query(
            "SELECT country FROM analytics.revenue_by_geography GROUP BY country "
            "HAVING sum(net_revenue) != min(country_net_revenue) OR abs(sum(share_of_country_pct) - 100) > 0.05"
        )
        == []
    )


def test_discount_impact_totals_and_margins(adb, fact_totals):
    assert adb.query(
        "SELECT sum(items), sum(units), sum(gross_amount), sum(discount_amount), sum(net_revenue), "
        "sum(cost_amount), sum(profit_amount) FROM analytics.discount_impact"
    ) == [
        (
            fact_totals["items"],
            fact_totals["units"],
            fact_totals["gross"],
            fact_totals["discount"],
            fact_totals["net"],
            fact_totals["cost"],
            fact_totals["profit"],
        )
    ]
    bands = adb.query("SELECT discount_band, margin_pct FROM analytics.discount_impact ORDER BY band_order")
    assert bands[0][0] == "No discount"
    assert adb.scalar("SELECT discount_amount FROM analytics.discount_impact WHERE band_order = 1") == 0
    # Deeper discounts, thinner margins.
    margins = [m for _, m in bands]
    assert margins == sorted(margins, reverse=True)


def test_daily_category_sales_equals_agg_daily_sales_per_day(adb):
    assert (
        adb.query(
            "SELECT v.date_key, v.net_revenue, v.units, a.net_revenue, a.units FROM "
            "(SELECT date_key, sum(net_revenue) AS net_revenue, sum(units) AS units "
            " FROM analytics.daily_category_sales GROUP BY 1) AS v "
            "FULL JOIN warehouse.agg_daily_sales AS a ON v.date_key = a.date_key "
            "WHERE (v.net_revenue, v.units) IS DISTINCT FROM (a.net_revenue, a.units)"
        )
        == []
    )


def test_one_name_per_measure_and_money_is_numeric_14_2(adb):
    columns = adb.query(
        "SELECT table_name, column_name, data_type, numeric_precision, numeric_scale "
        "FROM information_schema.columns WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position"
    )
    names = {c[1] for c in columns}
    assert names & RETIRED_NAMES == set()
    money = MONEY_SUMS | OTHER_MONEY
    assert [c[:2] for c in columns if c[1] in money and c[2:] != ("numeric", 14, 2)] == []
    # Every other numeric column is a percentage or a ratio, never money.
    others = {c[1] for c in columns if c[2] == "numeric" and c[1] not in money}
    assert others == {
        "revenue_share_pct",
        "order_share_pct",
        "share_of_country_pct",
        "repeat_revenue_share_pct",
        "margin_pct",
        "effective_discount_pct",
        "orders_per_day",
        "average_days_between_orders",
    }


def test_monthly_views_carry_the_first_day_of_the_month_as_a_date(adb):
    for view in MONTHLY_VIEWS:
        assert adb.query(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'analytics' "
            "AND table_name = %s AND column_name = 'month_start_date'",
            (view,),
        ) == [("date",)]
        assert (
            adb.query(
                f"SELECT year_month FROM analytics.{view} "
                "WHERE month_start_date != to_date(year_month, 'YYYY-MM') OR extract(DAY FROM month_start_date) != 1"
            )
            == []
        )
    assert adb.scalar("SELECT count(DISTINCT month_start_date) FROM analytics.revenue_by_category_month") == adb.scalar(
        "SELECT count(*) FROM analytics.repeat_customer_revenue"
    )


def test_the_views_replace_older_versions_with_other_columns(adb, raw):
    # A database from before the rename: views with the old column names (CREATE OR REPLACE VIEW
    # could not rename them), made by view files whose text differed from today's (a file that
    # already ran with the same text is not run again). The analytics stage must give the new views.
    adb.execute(
        "DELETE FROM pipeline.steps WHERE stage = 'analytics'; "
        "DROP VIEW analytics.customer_rfm; "
        "CREATE VIEW analytics.customer_rfm AS SELECT 'C1'::text AS customer_id, 1.5::numeric AS monetary; "
        "DROP VIEW analytics.weekday_vs_weekend; "
        "CREATE VIEW analytics.weekday_vs_weekend AS SELECT 'Weekend'::text AS day_type, 2::numeric AS profit"
    )
    run_ok(adb, raw, "analytics")
    assert [
        r[0]
        for r in adb.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' "
            "AND table_name IN ('customer_rfm', 'weekday_vs_weekend') AND column_name IN ('monetary', 'profit', "
            "'net_revenue', 'profit_amount') ORDER BY 1"
        )
    ] == ["net_revenue", "net_revenue", "profit_amount"]
    assert adb.scalar("SELECT count(*) FROM analytics.weekday_vs_weekend") == 2
    # Recreated views keep the grants (ALTER DEFAULT PRIVILEGES in 040_grant_bi_reader.sql).
    assert (
        adb.query(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON c.relnamespace = n.oid "
            "WHERE n.nspname = 'analytics' AND NOT has_table_privilege('bi_reader', c.oid, 'SELECT')"
        )
        == []
    )
