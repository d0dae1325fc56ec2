"""The HTML dashboard shows exactly what the analytics views say; it escapes text, marks partial
periods, filters offline and lays out without clipping in headless Chromium. BI connection files
describe the star schema.

One pipeline run (small_data) is shared by the module; tests that change data do it inside a
transaction they roll back. Nothing is written under dashboards/output/.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import psycopg2.extensions
import pytest
from conftest import ROOT, WAREHOUSE_TABLES, fresh_database, run_ok

import pipeline_orchestrator as orchestrator
from dashboards import charts
from dashboards.build_dashboard import (
    QUERIES,
    DashboardError,
    build_dashboard,
    kpi_period,
    month_end,
    partial_periods,
)
from dashboards.connection_files import ConnectionTarget, write_connection_files

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DASHBOARD_SQL = ROOT / "sql" / "50_dashboard"
HOSTILE_NAME = '<script>alert(1)</script>"onmouseover=alert(2) x="'
HOSTILE_CATEGORY = '<b>Tools & "Co"</b>'
KPIS = ("net_revenue", "orders", "units", "average_order_value", "profit_amount")
PIPELINE_TABLES = {"runs", "rejected_rows", "reconciliation", "quality_results", "batches"}
FACT_COLUMNS_NOT_TO_USE = ("batch_id", "created_at", "updated_at", "transaction_time")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed (apt-get install -y chromium): the browser checks are skipped",
)


# --------------------------------------------------------------------------- a small DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.text_parts) + "".join(c.text() for c in self.children)

    def all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


VOID = {"meta", "input", "br", "img", "link", "hr", "col", "area", "base", "embed", "source", "track", "wbr"}


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].text_parts.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


# --------------------------------------------------------------------------- fixtures and helpers


def as_text(value: object) -> str:
    """A database value as the page writes it into data-value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def dashboard_queries() -> dict[str, str]:
    """The dashboard's SQL as the orchestrator renders it."""
    return orchestrator.rendered_queries("dashboard", orchestrator.load_settings())


@pytest.fixture(scope="module")
def wdb(server, small_data):
    """One database loaded by `run` (which also builds the dashboard, as users get it)."""
    with fresh_database(server) as database:
        run_ok(database, small_data, "run")
        yield database


@pytest.fixture(scope="module")
def page_path(wdb, small_data, tmp_path_factory) -> Path:
    """The page written by the orchestrator's `dashboard` command (default currency)."""
    out = tmp_path_factory.mktemp("dashboard") / "dashboard.html"
    run_ok(wdb, small_data, "dashboard", "--out", str(out))
    return out


@pytest.fixture(scope="module")
def html(page_path: Path) -> str:
    return page_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dom(html: str) -> Node:
    return parse(html)


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )


def browser_dom(path: Path, fragment: str = "", width: int = 1440) -> Node:
    """The page's DOM after its JavaScript ran, in headless Chromium."""
    url = path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    result = chromium("--dump-dom", "--virtual-time-budget=5000", f"--window-size={width},2000", url)
    assert result.returncode == 0, result.stderr[-2000:]
    tree = parse(result.stdout)
    assert tree.all("body", data_filters="applied"), "the page's script did not run to the end"
    return tree


def bars(tree: Node, name: str) -> list[tuple[str, str]]:
    (chart,) = tree.all("div", data_chart=name)
    return [(row.attrs["data-label"], row.attrs["data-value"]) for row in chart.all("div") if row.has_class("bar-row")]


def table_rows(tree: Node, name: str) -> list[list[str]]:
    """Cells of a table: the exact data-value where the page gives one, else the text."""
    (table,) = tree.all("table", data_table=name)
    rows = []
    for tr in table.all("tbody")[0].all("tr"):
        cells = tr.all("td")
        rows.append([td.attrs.get("data-value", td.text().strip()) for td in cells])
    return rows


def expected_rows(db, sql: str, params: tuple = ()) -> list[list[str]]:
    return [[as_text(v) for v in row] for row in db.query(sql, params)]


# --------------------------------------------------------------------------- SQL files and module shape


def test_every_panel_query_is_a_file_and_every_file_a_panel() -> None:
    assert sorted(p.stem for p in DASHBOARD_SQL.glob("*.sql")) == sorted(QUERIES)
    numbers = [int(name[:3]) for name in sorted(QUERIES)]
    assert numbers == list(range(500, 500 + 5 * len(numbers), 5)), numbers


@pytest.mark.parametrize("path", sorted(DASHBOARD_SQL.glob("*.sql")), ids=lambda p: p.name)
def test_dashboard_queries_read_only_views_warehouse_tables_and_run_metadata(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = text.split("-- =====", 2)[1]
    assert re.search(r"^-- target:\s+dashboard panels? \"", header, re.M), "target: names the panel it feeds"
    code = re.sub(r"--[^\n]*", "", text)
    code = re.sub(r"'(?:[^']|'')*'", "''", code)
    assert re.fullmatch(r"\s*(WITH|SELECT)\b.*", code, re.S), "a select file is one read-only query"
    assert not re.search(r"\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT)\b", code)
    for schema, name in re.findall(r"\b(\w+)\.(\w+)\b", code):
        if schema in ("warehouse",):
            assert name in WAREHOUSE_TABLES, f"{schema}.{name}"
        elif schema == "pipeline":
            assert name in PIPELINE_TABLES, f"{schema}.{name}: the health panel reads {sorted(PIPELINE_TABLES)}"
        elif schema in ("staging", "production"):
            pytest.fail(f"{path.name} reads {schema}.{name}: the dashboard reads analytics views and the warehouse")


def test_views_and_dashboard_queries_do_not_use_the_fact_tables_load_columns() -> None:
    for folder in ("40_analytics", "50_dashboard"):
        for path in sorted((ROOT / "sql" / folder).glob("*.sql")):
            code = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
            used = [c for c in FACT_COLUMNS_NOT_TO_USE if re.search(rf"\bf\.{c}\b", code)]
            assert not used and not re.search(r"\bf\.\*", code), f"{path.name}: {used or 'f.*'}"


def test_the_dashboard_package_holds_no_sql_and_does_not_reach_into_the_orchestrator() -> None:
    for path in sorted((ROOT / "dashboards").glob("*")):
        if path.suffix not in (".py", ".js", ".j2", ".css"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "pipeline_orchestrator" not in text and "sys.path" not in text, path.name
        assert not re.search(r"\bSELECT\b[\s\S]{0,400}?\bFROM\b", text), f"{path.name} contains SQL"


def test_a_missing_or_failing_query_is_reported_with_its_file(wdb, tmp_path: Path) -> None:
    queries = dashboard_queries()
    conn = psycopg2.connect(wdb.url)
    try:
        with pytest.raises(DashboardError, match=r"sql/50_dashboard/530_select_top_products\.sql"):
            build_dashboard(
                conn, tmp_path / "x.html", queries={k: v for k, v in queries.items() if k != "530_select_top_products"}
            )
        broken = {**queries, "510_select_category_sales": "SELECT no_such_column FROM analytics.discount_impact"}
        with pytest.raises(DashboardError, match=r"510_select_category_sales\.sql: column \"no_such_column\""):
            build_dashboard(conn, tmp_path / "x.html", queries=broken)
        writing = {**queries, "510_select_category_sales": "DELETE FROM warehouse.dim_date RETURNING 1"}
        with pytest.raises(DashboardError, match="read-only transaction"):
            build_dashboard(conn, tmp_path / "x.html", queries=writing)
        assert not (tmp_path / "x.html").exists()
        assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE
        assert wdb.scalar("SELECT count(*) FROM warehouse.dim_date") > 0
    finally:
        conn.close()


def test_a_warehouse_without_sales_still_gets_a_page(wdb, tmp_path: Path) -> None:
    conn = psycopg2.connect(wdb.url)
    try:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM warehouse.fact_sales")
            cur.execute("DELETE FROM warehouse.agg_daily_sales")
            tree = parse(build_dashboard(conn, tmp_path / "empty.html", queries=dashboard_queries()).read_text(encoding="utf-8"))
    finally:
        conn.rollback()
        conn.close()
    assert not tree.all("svg")
    for name in ("revenue_by_category", "weekday_weekend", "repeat_orders", "rfm_segment_customers", "top_products"):
        assert bars(tree, name) == [], name
    assert json.loads(tree.all("script", id="dashboard-data")[0].text())["days"] == []
    if CHROMIUM.exists():
        url = (tmp_path / "empty.html").resolve().as_uri()
        dumped = parse(chromium("--dump-dom", "--virtual-time-budget=5000", url).stdout)
        assert dumped.all("body", data_filters="empty")
        assert "No sales in the warehouse yet." in dumped.all("p", id="period-note")[0].text()


# --------------------------------------------------------------------------- every figure equals the views


def test_the_run_writes_the_dashboard_too(wdb, small_data) -> None:
    written = small_data.parent / "dashboard.html"  # PIPELINE_DASHBOARD of tests/conftest.py run_cli
    assert written.exists() and written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_page_is_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert "<script src" not in html and "@import" not in html and "url(" not in html
    assert "currency units" not in html


def test_bar_charts_equal_the_views(wdb, dom: Node) -> None:
    expected = {
        "revenue_by_category": "SELECT category, sum(net_revenue) FROM analytics.revenue_by_category_month "
        "GROUP BY 1 ORDER BY 2 DESC, 1",
        "weekday_weekend": "SELECT day_type, revenue_per_day FROM analytics.weekday_vs_weekend ORDER BY 1",
        "repeat_orders": "SELECT 'First-day orders', sum(first_order_revenue) FROM analytics.repeat_customer_revenue "
        "UNION ALL SELECT 'Repeat orders', sum(repeat_revenue) FROM analytics.repeat_customer_revenue",
        "rfm_segment_customers": "SELECT rfm_segment, count(*) FROM analytics.customer_rfm GROUP BY 1 ORDER BY 2 DESC, 1",
        "rfm_segment_revenue": "SELECT rfm_segment, sum(net_revenue) FROM analytics.customer_rfm GROUP BY 1 ORDER BY 2 DESC, 1",
        "top_products": "SELECT product_name || ' (' || product_id || ')', net_revenue "
        "FROM analytics.product_performance ORDER BY revenue_rank, product_id LIMIT 10",
        "revenue_by_country": "SELECT coalesce(country, '(unknown)'), sum(net_revenue) FROM analytics.revenue_by_geography "
        "GROUP BY country ORDER BY 2 DESC, country NULLS LAST",
        "quarantine_by_rule": "SELECT rule_name || ' (' || source_file || ')', count(*) FROM pipeline.rejected_rows "
        "GROUP BY source_file, rule_name ORDER BY 2 DESC, source_file, rule_name",
    }
    for name, sql in expected.items():
        want = [tuple(r) for r in expected_rows(wdb, sql)]
        assert want, f"{name}: the test data has no rows for it"
        assert bars(dom, name) == want, name


def test_tables_equal_the_views(wdb, dom: Node) -> None:
    expected = {
        "weekday_weekend": "SELECT day_type, days_with_sales, orders_per_day, net_revenue, average_order_value, "
        "revenue_share_pct FROM analytics.weekday_vs_weekend ORDER BY day_type",
        "rfm_segments": "SELECT rfm_segment, count(*), sum(net_revenue), "
        "round(100 * sum(net_revenue) / sum(sum(net_revenue)) OVER (), 2), "
        "round(avg(recency_days), 1), round(avg(frequency), 1) FROM analytics.customer_rfm "
        "GROUP BY rfm_segment ORDER BY 3 DESC, 1",
        "top_products": "SELECT revenue_rank, product_name, product_id, category, units, net_revenue, profit_amount, "
        "margin_pct FROM analytics.product_performance ORDER BY revenue_rank, product_id LIMIT 10",
        "payment_methods": "SELECT payment_method_name, orders, customers, net_revenue, average_order_value, "
        "revenue_share_pct FROM analytics.payment_method_summary "
        "ORDER BY net_revenue DESC, payment_method_name",
        "discount_bands": "SELECT discount_band, items, discount_amount, net_revenue, effective_discount_pct, margin_pct "
        "FROM analytics.discount_impact ORDER BY band_order",
        "runs": "SELECT run_id, status, started_at, round(extract(EPOCH FROM finished_at - started_at), 1), command, "
        "coalesce(error_message, '—') FROM pipeline.runs ORDER BY run_id DESC LIMIT 10",
        "batches": "SELECT batch_id, as_of_date, status, run_id FROM pipeline.batches ORDER BY as_of_date DESC LIMIT 10",
        "quality_checks": "SELECT DISTINCT ON (check_name) check_name, severity, failing_rows, "
        "CASE WHEN failing_rows = 0 THEN 'pass' WHEN severity = 'error' THEN 'fail' ELSE 'warn' END, "
        "run_id FROM pipeline.quality_results ORDER BY check_name, run_id DESC",
        "reconciliation": "SELECT batch_id, source_file, raw_rows, waiting_in, inserted, updated, duplicates, superseded, "
        "quarantined, waiting_out, CASE WHEN is_balanced THEN 'balanced' ELSE 'NOT balanced' END "
        "FROM pipeline.reconciliation WHERE batch_id IN (SELECT DISTINCT batch_id FROM "
        "pipeline.reconciliation ORDER BY 1 DESC LIMIT 10) ORDER BY batch_id DESC, source_file",
    }
    for name, sql in expected.items():
        want = expected_rows(wdb, sql)
        assert want, f"{name}: the test data has no rows for it"
        assert table_rows(dom, name) == want, name


def bar_texts(tree: Node, name: str) -> dict[str, str]:
    """The text shown beside each bar of a chart, by its label."""
    (chart,) = tree.all("div", data_chart=name)
    return {
        row.attrs["data-label"]: [s for s in row.all("span") if s.has_class("bar-value")][0].text()
        for row in chart.all("div")
        if row.has_class("bar-row")
    }


ORDERS_IN_BAR_TEXT = {
    "repeat_orders": "SELECT 'First-day orders', sum(orders - repeat_orders) FROM analytics.repeat_customer_revenue "
    "UNION ALL SELECT 'Repeat orders', sum(repeat_orders) FROM analytics.repeat_customer_revenue",
    "revenue_by_country": "SELECT coalesce(country, '(unknown)'), sum(orders) FROM analytics.revenue_by_geography "
    "GROUP BY country",
}
# The panels whose queries aggregate per customer version before they count customers or
# orders, each as the views give it (rows as the page shows them).
PER_CUSTOMER_PANELS = {
    "repeat_orders": "SELECT 'First-day orders', sum(first_order_revenue) FROM analytics.repeat_customer_revenue "
    "UNION ALL SELECT 'Repeat orders', sum(repeat_revenue) FROM analytics.repeat_customer_revenue",
    "revenue_by_country": "SELECT coalesce(country, '(unknown)'), sum(net_revenue) FROM analytics.revenue_by_geography "
    "GROUP BY country ORDER BY 2 DESC, country NULLS LAST",
    "rfm_segments": "SELECT rfm_segment, count(*), sum(net_revenue), "
    "round(100 * sum(net_revenue) / sum(sum(net_revenue)) OVER (), 2), "
    "round(avg(recency_days), 1), round(avg(frequency), 1) FROM analytics.customer_rfm "
    "GROUP BY rfm_segment ORDER BY 3 DESC, 1",
    "payment_methods": "SELECT payment_method_name, orders, customers, net_revenue, average_order_value, "
    "revenue_share_pct FROM analytics.payment_method_summary "
    "ORDER BY net_revenue DESC, payment_method_name",
}


def test_order_counts_beside_the_bars_equal_the_views(wdb, dom: Node) -> None:
    for name, sql in ORDERS_IN_BAR_TEXT.items():
        want = {label: f"{int(orders):,} orders" for label, orders in wdb.query(sql)}
        shown = bar_texts(dom, name)
        assert sorted(shown) == sorted(want), name
        for label, text in shown.items():
            assert text.endswith(want[label]), (name, label, text)


def test_customers_with_several_versions_count_once_with_their_first_day_over_all_versions(wdb, tmp_path: Path) -> None:
    """The busiest customer's first day moves to a new version of the customer (in another country):
    first-day orders, RFM, countries and payment methods still equal the views."""
    conn = psycopg2.connect(wdb.url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT f.customer_key, min(f.date_key) FROM warehouse.fact_sales AS f "
                "GROUP BY f.customer_key ORDER BY count(DISTINCT f.date_key) DESC, 1 LIMIT 1"
            )
            old_key, first_day = cur.fetchone()
            cur.execute(
                "INSERT INTO warehouse.dim_customers SELECT (SELECT max(customer_key) + 1 FROM "
                "warehouse.dim_customers), customer_id, first_name, last_name, full_name, email, phone, "
                "registration_date, city, state, 'Elsewhere', age_group, customer_segment, "
                "DATE '1800-01-01', DATE '1800-01-02', false, batch_id FROM warehouse.dim_customers "
                "WHERE customer_key = %s RETURNING customer_key",
                (old_key,),
            )
            (new_key,) = cur.fetchone()
            cur.execute(
                "UPDATE warehouse.fact_sales SET customer_key = %s WHERE customer_key = %s AND date_key = %s",
                (new_key, old_key, first_day),
            )
            assert cur.rowcount > 0
            tree = parse(
                build_dashboard(conn, tmp_path / "versions.html", queries=dashboard_queries()).read_text(encoding="utf-8")
            )
            expected = {}
            for name, sql in {**PER_CUSTOMER_PANELS, **{f"{k} orders": v for k, v in ORDERS_IN_BAR_TEXT.items()}}.items():
                cur.execute(sql)
                expected[name] = [[as_text(v) for v in row] for row in cur.fetchall()]
    finally:
        conn.rollback()
        conn.close()
    assert "Elsewhere" in [label for label, _ in bars(tree, "revenue_by_country")]
    for name in ("repeat_orders", "revenue_by_country"):
        assert bars(tree, name) == [tuple(r) for r in expected[name]], name
        shown = bar_texts(tree, name)
        for label, orders in expected[f"{name} orders"]:
            assert shown[label].endswith(f"{int(Decimal(orders)):,} orders"), (name, label, shown[label])
    for name in ("rfm_segments", "payment_methods"):
        assert table_rows(tree, name) == expected[name], name


def test_time_charts_equal_the_views_for_every_category(wdb, dom: Node) -> None:
    categories = [r[0] for r in wdb.query("SELECT DISTINCT category FROM analytics.daily_category_sales ORDER BY 1")]
    daily = {s.attrs["data-series"]: s for s in dom.all("svg", data_chart="daily_revenue")}
    monthly = {s.attrs["data-series"]: s for s in dom.all("svg", data_chart="monthly_revenue")}
    assert sorted(daily) == sorted(monthly) == sorted(["", *categories])
    for category in ["", *categories]:
        where = "" if category == "" else "WHERE category = %s"
        params = () if category == "" else (category,)
        days = (
            expected_rows(wdb, "SELECT sales_date, net_revenue FROM warehouse.agg_daily_sales ORDER BY 1")
            if category == ""
            else expected_rows(
                wdb, f"SELECT sales_date, net_revenue FROM analytics.daily_category_sales {where} ORDER BY 1", params
            )
        )
        points = [[c.attrs["data-date"], c.attrs["data-value"]] for c in daily[category].all("circle")]
        assert points == days, f"daily series {category!r}"
        months = expected_rows(
            wdb,
            f"SELECT month_start_date, sum(net_revenue) FROM analytics.revenue_by_category_month {where} GROUP BY 1 ORDER BY 1",
            params,
        )
        columns = [[r.attrs["data-month"], r.attrs["data-value"]] for r in monthly[category].all("rect") if r.has_class("column")]
        assert columns == months, f"monthly series {category!r}"


def test_rfm_panel_shows_the_views_segments_and_customer_count(wdb, dom: Node) -> None:
    (panel,) = dom.all("section", data_panel="rfm_segments")
    customers = wdb.scalar("SELECT count(*) FROM analytics.customer_rfm")
    assert f"({customers:,} customers with orders;" in panel.text()
    segments = {r[0] for r in wdb.query("SELECT DISTINCT rfm_segment FROM analytics.customer_rfm")}
    assert {label for label, _ in bars(dom, "rfm_segment_customers")} == segments


def test_money_is_shown_in_the_configured_currency(wdb, small_data, tmp_path: Path, dom: Node) -> None:
    top = wdb.query(
        "SELECT category, sum(net_revenue) FROM analytics.revenue_by_category_month GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )[0]
    (row,) = [r for r in dom.all("div") if r.has_class("bar-row") and r.attrs.get("data-label") == top[0]]
    whole = top[1].quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert row.all("span")[-1].text().startswith(f"${whole:,}")
    out = tmp_path / "eur.html"
    run_ok(wdb, small_data, "dashboard", "--out", str(out), env={"PIPELINE_CURRENCY": "eur"})
    euro = parse(out.read_text(encoding="utf-8"))
    assert euro.all("body", data_currency="EUR")
    ticks = [t.text() for t in euro.all("text") if t.has_class("tick") and t.attrs.get("text-anchor") == "end"]
    assert ticks and all(t.startswith("€") for t in ticks)
    assert json.loads(euro.all("script", id="dashboard-data")[0].text())["currency"]["prefix"] == "€"
    with psycopg2.connect(wdb.url) as conn:
        francs = build_dashboard(conn, tmp_path / "chf.html", queries=dashboard_queries(), currency="CHF")
    assert "CHF\u00a0" in francs.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- axes and partial periods


def test_axis_ticks_are_round_numbers() -> None:
    assert charts.nice_ticks(18_734) == [0, 5000, 10000, 15000, 20000]
    assert charts.nice_ticks(1_234_567) == [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert charts.nice_ticks(12, integer=True) == [0, 5, 10, 15]  # counts: never 2.5 customers
    assert charts.nice_ticks(3, integer=True) == [0, 1, 2, 3]
    assert charts.nice_ticks(0, integer=True) == [0, 1]
    for top in (3, 47, 999, 1000, 1001, 86_837.16, 2.5e6, 123_456_789):
        ticks = charts.nice_ticks(top)
        step = ticks[1]
        mantissa = step / 10 ** len(str(int(step))) * 10 if step >= 1 else step
        assert ticks[-1] >= top and ticks[-2] < top and 3 <= len(ticks) - 1 <= 10, (top, ticks)
        assert round(mantissa, 6) in (1, 2, 2.5, 5), (top, step)


def test_value_axis_labels_on_the_page_are_round(dom: Node) -> None:
    labels = [t.text() for t in dom.all("text") if t.has_class("tick") and t.attrs.get("text-anchor") == "end"]
    labels += [s.text() for axis in dom.all("div") if axis.has_class("axis") for s in axis.all("span")]
    assert labels
    for label in labels:
        assert re.fullmatch(r"\$?(0|[1-9]\d?(\.\d{1,2})?[kMB]?|[1-9]\d{2}[kMB]?|[1-9],\d{3})", label), label


def partial_marks(tree: Node) -> tuple[list[str], list[str]]:
    """(dates of partial days, months of partial months) marked in the all-categories charts."""
    (daily,) = tree.all("svg", data_chart="daily_revenue", data_series="")
    (monthly,) = tree.all("svg", data_chart="monthly_revenue", data_series="")
    days = [c.attrs["data-date"] for c in daily.all("circle") if c.has_class("partial")]
    months = [r.attrs["data-month"] for r in monthly.all("rect") if r.has_class("partial")]
    assert bool(days) == any(p.has_class("partial") for p in daily.all("path"))
    assert bool(months) == ("partial" in [t.text() for t in monthly.all("text") if t.has_class("partial-label")])
    return days, months


def test_nothing_is_partial_when_the_batches_cover_the_last_month(wdb, dom: Node) -> None:
    last_day = wdb.scalar("SELECT max(sales_date) FROM warehouse.agg_daily_sales")
    as_of = wdb.scalar("SELECT max(as_of_date) FROM pipeline.batches WHERE status = 'complete'")
    assert as_of > month_end(last_day), "the test data's batches run past the end of its last month of sales"
    assert partial_marks(dom) == ([], [])
    assert json.loads(dom.all("script", id="dashboard-data")[0].text())["partialDay"] is None


@pytest.mark.parametrize("as_of_is_last_sales_day", (True, False))
def test_the_as_of_day_and_an_uncovered_month_are_marked_partial(wdb, tmp_path: Path, as_of_is_last_sales_day: bool) -> None:
    last_day = wdb.scalar("SELECT max(sales_date) FROM warehouse.agg_daily_sales")
    as_of = last_day if as_of_is_last_sales_day else month_end(last_day)
    conn = psycopg2.connect(wdb.url)
    try:
        with conn.cursor() as cur:
            # As if the latest batch had been cut on as_of (the batches keep their order).
            cur.execute(
                "UPDATE pipeline.batches SET as_of_date = as_of_date - "
                "((SELECT max(as_of_date) FROM pipeline.batches) - %s::date)",
                (as_of,),
            )
            path = build_dashboard(conn, tmp_path / "partial.html", queries=dashboard_queries())
    finally:
        conn.rollback()
        conn.close()
    tree = parse(path.read_text(encoding="utf-8"))
    days, months = partial_marks(tree)
    assert days == ([last_day.isoformat()] if as_of_is_last_sales_day else [])
    assert months == [last_day.replace(day=1).isoformat()]
    if as_of_is_last_sales_day and CHROMIUM.exists():
        note = browser_dom(path).all("p", id="period-note")[0].text()
        assert "is a partial day" in note, note


def test_partial_periods_rule() -> None:
    assert partial_periods(date(2025, 1, 2), date(2025, 1, 2)) == (date(2025, 1, 2), date(2025, 1, 1))
    assert partial_periods(date(2024, 12, 29), date(2025, 1, 2)) == (None, None)
    assert partial_periods(date(2024, 12, 29), date(2024, 12, 31)) == (None, date(2024, 12, 1))
    assert partial_periods(date(2024, 12, 31), date(2024, 12, 31)) == (date(2024, 12, 31), date(2024, 12, 1))
    assert partial_periods(date(2024, 12, 31), None) == (None, None)
    assert partial_periods(date(2024, 12, 30), None) == (None, date(2024, 12, 1))
    assert partial_periods(None, date(2025, 1, 2)) == (None, None)


# --------------------------------------------------------------------------- escaping


def test_hostile_text_is_escaped_never_markup(wdb, tmp_path: Path) -> None:
    conn = psycopg2.connect(wdb.url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "UPDATE warehouse.dim_products SET product_name = %s WHERE product_id = "
                "(SELECT product_id FROM analytics.product_performance ORDER BY revenue_rank, product_id "
                "LIMIT 1)",
                (HOSTILE_NAME,),
            )
            cur.execute(
                "UPDATE warehouse.dim_products SET category = %s WHERE category = "
                "(SELECT category FROM warehouse.dim_products ORDER BY category LIMIT 1)",
                (HOSTILE_CATEGORY,),
            )
            path = build_dashboard(conn, tmp_path / "hostile.html", queries=dashboard_queries())
    finally:
        conn.rollback()
        conn.close()
    html = path.read_text(encoding="utf-8")
    assert HOSTILE_NAME not in html and "<b>Tools" not in html
    assert html.count("<script") == 2, "only the page's data block and its script"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=alert(2) x=&#34;" in html
    assert "&lt;b&gt;Tools &amp; &#34;Co&#34;&lt;/b&gt;" in html
    tree = parse(html)
    data = json.loads(tree.all("script", id="dashboard-data")[0].text())
    assert HOSTILE_CATEGORY in data["categories"]
    if CHROMIUM.exists():
        tree = browser_dom(path, urlencode({"category": HOSTILE_CATEGORY}))
        everything = tree.all()
        assert len(tree.all("script")) == 2 and not tree.all("b")
        assert not [n.tag for n in everything if n.tag != "form" and any(a.startswith("on") for a in n.attrs)]
        labels = [n.text() for n in everything if n.has_class("bar-label")]
        assert [label for label in labels if label.startswith(HOSTILE_NAME + " (")]
        (kpis,) = tree.all("section", data_panel="key_figures")
        assert HOSTILE_CATEGORY in kpis.text(), "the filter applied the hostile category, as text"


# --------------------------------------------------------------------------- the page in a browser


def kpi_expected(db, start: date, end: date, category: str | None) -> dict[str, Decimal | int]:
    """Net revenue, orders, units and profit straight from fact_sales (not from the views)."""
    revenue, orders, units, profit = db.query(
        "SELECT coalesce(sum(f.net_amount), 0), count(DISTINCT f.transaction_id), coalesce(sum(f.quantity), 0), "
        "coalesce(sum(f.profit_amount), 0) FROM warehouse.fact_sales AS f "
        "JOIN warehouse.dim_date AS d ON f.date_key = d.date_key "
        "JOIN warehouse.dim_products AS p ON f.product_key = p.product_key "
        "WHERE d.full_date BETWEEN %s AND %s AND (%s::text IS NULL OR p.category = %s)",
        (start, end, category, category),
    )[0]
    cents = Decimal("0.01")
    aov = (revenue / orders).quantize(cents, rounding=ROUND_HALF_UP) if orders else None
    return {
        "net_revenue": revenue.quantize(cents),
        "orders": orders,
        "units": units,
        "average_order_value": aov,
        "profit_amount": profit.quantize(cents),
    }


def change_pct(now, before) -> str:
    if now is None or not before:
        return ""
    return str(
        (Decimal(100) * (Decimal(now) - Decimal(before)) / Decimal(before)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    )


def assert_kpis(tree: Node, db, start: date, end: date, category: str | None, comparable: bool) -> None:
    days = (end - start).days + 1
    now = kpi_expected(db, start, end, category)
    before = kpi_expected(db, start - timedelta(days=days), start - timedelta(days=1), category) if comparable else None
    cards = {c.attrs["data-kpi"]: c for c in tree.all("div") if "data-kpi" in c.attrs}
    assert sorted(cards) == sorted(KPIS)
    for key in KPIS:
        card = cards[key]
        assert card.attrs["data-value"] == as_text(now[key] if now[key] is not None else ""), key
        assert card.attrs["data-previous"] == ("" if before is None or before[key] is None else as_text(before[key])), key
        assert card.attrs["data-change-pct"] == ("" if before is None else change_pct(now[key], before[key])), key
    margin = (Decimal(100) * now["profit_amount"] / now["net_revenue"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert cards["profit_amount"].attrs["data-margin-pct"] == str(margin)
    shown = cards["net_revenue"].all("div")[1].text()
    assert shown == f"${now['net_revenue'].quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


@needs_chromium
def test_kpis_open_on_the_longest_period_with_an_equal_period_before_it(wdb, page_path: Path) -> None:
    first_day, last_day = wdb.query("SELECT min(sales_date), max(sales_date) FROM warehouse.agg_daily_sales")[0]
    days = next(d for d in (365, 90, 30) if 2 * d <= (last_day - first_day).days + 1)
    tree = browser_dom(page_path)
    assert_kpis(tree, wdb, last_day - timedelta(days=days - 1), last_day, None, comparable=True)
    note = tree.all("p", id="period-note")[0].text()
    assert f"({days} days), all categories. Changes against the {days} days before" in note, note


def test_kpi_period_rule() -> None:
    assert kpi_period(date(2023, 1, 1), date(2025, 1, 2)) == (date(2024, 1, 4), date(2025, 1, 2))
    assert kpi_period(date(2023, 1, 1), date(2024, 12, 29)) == (date(2024, 10, 1), date(2024, 12, 29))
    assert kpi_period(date(2024, 12, 1), date(2024, 12, 29)) == (date(2024, 12, 1), date(2024, 12, 29))
    assert kpi_period(None, None) == (None, None)


@needs_chromium
def test_date_and_category_filters_change_the_kpis_to_the_exact_figures(wdb, page_path: Path) -> None:
    category = wdb.scalar(
        "SELECT category FROM analytics.revenue_by_category_month GROUP BY 1 ORDER BY sum(net_revenue) DESC LIMIT 1"
    )
    start, end = date(2024, 6, 1), date(2024, 8, 31)
    tree = browser_dom(page_path, urlencode({"from": start, "to": end, "category": category}))
    assert_kpis(tree, wdb, start, end, category, comparable=True)
    visible = [s.attrs["data-series"] for s in tree.all("div") if s.has_class("series") and "hidden" not in s.attrs]
    assert visible == [category, category], "the daily and monthly charts show the chosen category"
    selected = [r.attrs["data-label"] for r in tree.all("div") if r.has_class("bar-row") and r.has_class("selected")]
    assert selected == [category]
    outside = [
        r.attrs["data-month"]
        for r in tree.all("rect")
        if r.has_class("outside") and r.attrs.get("data-month", "")[:7] in ("2024-05", "2024-06", "2024-09")
    ]
    assert sorted(set(outside)) == ["2024-05-01", "2024-09-01"]


@needs_chromium
def test_a_period_at_the_start_of_the_data_has_nothing_to_compare_with(wdb, page_path: Path) -> None:
    first_day = wdb.scalar("SELECT min(sales_date) FROM warehouse.agg_daily_sales")
    end = first_day + timedelta(days=99)
    tree = browser_dom(page_path, urlencode({"from": first_day, "to": end}))
    assert_kpis(tree, wdb, first_day, end, None, comparable=False)
    assert "no earlier period to compare with" in tree.all("p", id="period-note")[0].text()


LAYOUT_PROBE = """
<script>
window.addEventListener("load", function () {
  var problems = [];
  document.querySelectorAll(".series").forEach(function (s) { s.hidden = false; });
  document.querySelectorAll("svg.chart").forEach(function (svg) {
    var box = svg.viewBox.baseVal;
    var xLabels = [];
    svg.querySelectorAll("text").forEach(function (t) {
      var b = t.getBBox();
      if (b.width === 0) { problems.push("empty text in " + svg.dataset.chart); }
      if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5 ||
          b.y + b.height > box.y + box.height + 0.5) {
        problems.push("cut off in " + svg.dataset.chart + " " + svg.dataset.series + ": " + t.textContent);
      }
      if (t.classList.contains("tick") && t.getAttribute("text-anchor") !== "end") { xLabels.push(b); }
    });
    xLabels.sort(function (a, b) { return a.x - b.x; });
    for (var i = 1; i < xLabels.length; i++) {
      if (xLabels[i].x < xLabels[i - 1].x + xLabels[i - 1].width) {
        problems.push("x labels overlap in " + svg.dataset.chart);
      }
    }
  });
  var clipped = ".bar-label, .bar-value, th, td, .kpi .value, .kpi .change, .filters label, .table-wrap";
  document.querySelectorAll(clipped).forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) { problems.push("overflows: " + el.textContent.slice(0, 80)); }
  });
  document.querySelectorAll(".bars .axis span, .bar-value").forEach(function (el) {
    var r = el.getBoundingClientRect(), p = el.closest("section").getBoundingClientRect();
    if (r.left < p.left || r.right > p.right) { problems.push("outside its panel: " + el.textContent); }
  });
  var out = document.createElement("pre");
  out.id = "layout-problems";
  out.textContent = JSON.stringify(problems);
  document.body.appendChild(out);
});
</script>
"""


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("width", (1440, 1024))
def test_no_label_is_cut_off_or_overlapping_in_chromium(html: str, tmp_path: Path, width: int) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", LAYOUT_PROBE + "</body>"), encoding="utf-8")
    tree = browser_dom(probe, width=width)
    (report,) = tree.all("pre", id="layout-problems")
    assert json.loads(report.text()) == []


@pytest.mark.slow
@needs_chromium
def test_screenshot_in_headless_chromium(page_path: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "dashboard.png"
    shot = chromium(
        f"--screenshot={screenshot}",
        "--window-size=1440,2400",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        page_path.resolve().as_uri(),
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 1440
    assert len(png) > 100_000, "the screenshot is suspiciously small (blank page?)"


# --------------------------------------------------------------------------- BI connection files


def test_committed_connection_files_match_the_docker_compose_defaults(tmp_path: Path) -> None:
    for path in write_connection_files(ConnectionTarget(), tmp_path):
        committed = ROOT / "dashboards" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python -c 'from dashboards.connection_files import "
            "write_connection_files; write_connection_files()'"
        )


def test_connection_files_for_another_target_store_no_password(tmp_path: Path) -> None:
    target = ConnectionTarget("127.0.0.1", 55432, "shop", "analyst")
    written = write_connection_files(target, tmp_path)
    assert sorted(p.name for p in written) == ["warehouse.pbids", "warehouse.tds", "warehouse_daily.tds"]
    pbids = json.loads((tmp_path / "warehouse.pbids").read_text(encoding="utf-8"))
    assert pbids["connections"][0]["details"]["address"] == {"server": "127.0.0.1:55432", "database": "shop"}
    for path in written:
        assert "password=" not in path.read_text(encoding="utf-8").lower()
        if path.suffix == ".tds":
            (conn,) = [c for c in ET.parse(path).getroot().iter("connection") if c.get("class") == "postgres"]
            assert (conn.get("server"), conn.get("port"), conn.get("dbname"), conn.get("username")) == (
                "127.0.0.1",
                "55432",
                "shop",
                "analyst",
            )


def test_pbids_is_a_power_bi_postgresql_source_naming_the_tables() -> None:
    pbids = json.loads((ROOT / "dashboards" / "warehouse.pbids").read_text(encoding="utf-8"))
    assert pbids["version"] == "0.1"
    (connection,) = pbids["connections"]
    assert connection["details"]["protocol"] == "postgresql"
    assert connection["details"]["address"] == {"server": "localhost:5432", "database": "ecommerce"}
    assert connection["mode"] == "DirectQuery"
    assert sorted(pbids["tables"]) == sorted(f"warehouse.{t}" for t in WAREHOUSE_TABLES)


def joins(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Tables and join clauses (left = right, as [table].[column]) of a Tableau data source."""
    root = ET.parse(path).getroot()
    tables = {r.get("table") for r in root.iter("relation") if r.get("type") == "table"}
    clauses = set()
    for clause in root.iter("clause"):
        (equal,) = clause.findall("expression")
        assert equal.get("op") == "="
        left, right = (e.get("op") for e in equal.findall("expression"))
        clauses.add((left, right))
    return tables, clauses


def test_tds_is_the_star_schema_with_a_join_per_dimension() -> None:
    path = ROOT / "dashboards" / "warehouse.tds"
    root = ET.parse(path).getroot()
    assert root.tag == "datasource"
    (postgres,) = [c for c in root.iter("connection") if c.get("class") == "postgres"]
    attrs = postgres.attrib
    assert (attrs["server"], attrs["port"], attrs["dbname"], attrs["schema"], attrs["username"]) == (
        "localhost",
        "5432",
        "ecommerce",
        "warehouse",
        "bi_reader",
    )
    assert "password" not in attrs
    tables, clauses = joins(path)
    dimensions = {
        "dim_date": "date_key",
        "dim_customers": "customer_key",
        "dim_products": "product_key",
        "dim_payment_methods": "payment_method_key",
    }
    assert tables == {f"[warehouse].[{t}]" for t in ("fact_sales", *dimensions)}
    assert clauses == {(f"[fact_sales].[{key}]", f"[{dim}].[{key}]") for dim, key in dimensions.items()}
    daily_tables, daily_clauses = joins(ROOT / "dashboards" / "warehouse_daily.tds")
    assert daily_tables == {"[warehouse].[agg_daily_sales]", "[warehouse].[dim_date]"}
    assert daily_clauses == {("[agg_daily_sales].[date_key]", "[dim_date].[date_key]")}
    assert {t.split(".")[1].strip("[]") for t in tables | daily_tables} == set(WAREHOUSE_TABLES)


def test_dashboard_guide_names_every_warehouse_table() -> None:
    guide = (ROOT / "docs" / "dashboard_guide.md").read_text(encoding="utf-8")
    missing = [t for t in WAREHOUSE_TABLES if f"warehouse.{t}" not in guide and f"`{t}`" not in guide]
    assert not missing, f"docs/dashboard_guide.md does not mention: {missing}"
    for page in ("Executive overview", "Products", "Customers", "Geography and trends"):
        assert page.lower() in guide.lower(), f"docs/dashboard_guide.md has no '{page}' page"
    for word in ("partial", "previous period", "PIPELINE_CURRENCY", "sql/50_dashboard"):
        assert word in guide, f"docs/dashboard_guide.md does not explain {word}"
