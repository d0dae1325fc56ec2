"""Build the sales dashboard: one self-contained HTML file (inline CSS, SVG and JavaScript, no network).

The orchestrator renders the queries of sql/50_dashboard/ (one file per panel) and calls

    build_dashboard(conn, out_path, queries={file stem: SQL}, currency="USD")

This module runs those queries read-only, shapes their rows for the template
(dashboard.html.j2, autoescaped) and lays out the charts (charts.py). It holds no SQL
and no figure of its own: every number on the page is a value a query returned, except
the KPI cards, which the page's JavaScript sums from the daily rows of
500_select_daily_sales for the chosen date range and category.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import psycopg2.extensions
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dashboards import charts

DASHBOARD_DIR = Path(__file__).resolve().parent
TEMPLATE = "dashboard.html.j2"
QUERIES = (
    "500_select_daily_sales",
    "505_select_monthly_sales",
    "510_select_category_sales",
    "515_select_weekday_weekend",
    "520_select_repeat_orders",
    "525_select_rfm_segments",
    "530_select_top_products",
    "535_select_country_sales",
    "540_select_payment_methods",
    "545_select_discount_bands",
    "550_select_pipeline_runs",
    "555_select_batches",
    "560_select_quarantine_rules",
    "565_select_quality_checks",
    "570_select_reconciliation",
)
# The KPI cards open on the longest of these periods, ending on the last day with sales, that
# has an equally long period before it in the data to compare with.
KPI_PERIODS_DAYS = (365, 90, 30)
# Symbols for the codes they are unambiguous for in English (as Intl.NumberFormat en-US writes
# them); any other ISO 4217 code is written before the amount ("CHF 1,234.50").
CURRENCY_PREFIXES = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "NGN": "₦",
    "VND": "₫",
    "PHP": "₱",
    "AUD": "A$",
    "CAD": "CA$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "MXN": "MX$",
    "BRL": "R$",
    "CNY": "CN¥",
    "TWD": "NT$",
}
# ISO 4217 currencies without minor units: amounts are shown without decimals.
ZERO_DECIMAL_CURRENCIES = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "ISK",
    "JPY",
    "KMF",
    "KRW",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
}


class DashboardError(Exception):
    """A dashboard query is missing or failed; the message names its file."""


# --------------------------------------------------------------------------- money


@dataclass(frozen=True)
class Currency:
    code: str
    prefix: str
    decimals: int

    def money(self, value: Decimal | int | float | None, decimals: int | None = None) -> str:
        """'$1,234.50': the amount rounded half away from zero, like the page's JavaScript."""
        places = self.decimals if decimals is None else min(decimals, self.decimals)
        amount = Decimal(str(value or 0)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        sign = "-" if amount < 0 else ""
        return f"{sign}{self.prefix}{abs(amount):,.{places}f}"

    def whole(self, value: Decimal | int | float | None) -> str:
        return self.money(value, 0)

    def short(self, value: float) -> str:
        """Axis labels: '$250k', '$1.25M'."""
        return self.prefix + short_number(value)


def currency_for(code: str) -> Currency:
    code = code.strip().upper()
    prefix = CURRENCY_PREFIXES.get(code, code + "\u00a0")
    return Currency(code, prefix, 0 if code in ZERO_DECIMAL_CURRENCIES else 2)


def short_number(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:,.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def grouped(value: int | Decimal | None) -> str:
    return f"{value or 0:,}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


# --------------------------------------------------------------------------- page model


@dataclass
class Cell:
    text: str
    value: str | None = None  # data-value: the exact figure behind the text
    css: str = ""
    numeric: bool = False


@dataclass
class Table:
    name: str
    headers: list[tuple[str, str, bool]]  # (column key, header text, numeric)
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, int, money, pct, decimal, date, timestamp, status


@dataclass
class Series:
    key: str  # "" for all categories, else the category
    label: str
    chart: charts.TimeChart | None


@dataclass
class Page:
    currency: Currency
    generated: str
    first_day: date | None
    last_day: date | None
    partial_day: date | None
    partial_month: date | None
    latest_as_of: date | None
    categories: list[str]
    daily: list[Series]
    monthly: list[Series]
    bars: dict[str, charts.BarChart]
    tables: dict[str, Table]
    notes: dict[str, str]
    data: dict = field(default_factory=dict)


def exact(value: object) -> str | None:
    """The data-value of a figure: the database value as text, no formatting."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell(value: Any, kind: str, currency: Currency) -> Cell:
    """A table cell: the formatted text, and the exact value behind a figure."""
    if value is None:
        return Cell("—", None, "muted", kind not in ("text", "status"))
    if kind == "int":
        return Cell(grouped(value), exact(value), numeric=True)
    if kind == "money":
        return Cell(currency.money(value), exact(value), numeric=True)
    if kind == "pct":
        return Cell(percent(value), exact(value), numeric=True)
    if kind == "decimal":
        return Cell(f"{value:,}", exact(value), numeric=True)
    if kind == "date":
        return Cell(value.isoformat(), exact(value))
    if kind == "timestamp":
        return Cell(value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), exact(value))
    lines = str(value).splitlines()  # text: its first line (an error message may have more)
    return Cell(lines[0] if lines else "")


def table(
    name: str,
    columns: Sequence[Column],
    rows: Iterable[dict],
    currency: Currency,
    status: Callable[[dict], tuple[str, str]] | None = None,
) -> Table:
    """A table of query rows; a "status" column gets its text and colour from status(row)."""
    body = []
    for row in rows:
        cells = []
        for column in columns:
            if column.kind == "status" and status is not None:
                text, css = status(row)
                cells.append(Cell(text, text, css))
            else:
                cells.append(cell(row[column.key], column.kind, currency))
        body.append(cells)
    headers = [(c.key, c.header, c.kind not in ("text", "status", "date", "timestamp")) for c in columns]
    return Table(name, headers, body)


# --------------------------------------------------------------------------- queries


def run_queries(conn, queries: dict[str, str]) -> dict[str, list[dict]]:
    """Rows of every query as dicts, all from one snapshot.

    On an idle connection the queries run in a read-only, repeatable-read transaction of
    their own (a select file cannot write; every panel sees the same data), rolled back at
    the end. Inside the caller's open transaction they run there, and it is left open.
    """
    missing = [name for name in QUERIES if name not in queries]
    if missing:
        raise DashboardError(
            f"the dashboard needs sql/50_dashboard/{', '.join(missing)}.sql: the file is missing "
            "(dashboards/build_dashboard.py QUERIES lists one query per panel)"
        )
    own = conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE
    previous = (conn.isolation_level, conn.readonly)
    if own:
        conn.isolation_level = psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ
        conn.readonly = True
    try:
        results = {}
        with conn.cursor() as cur:
            for name in QUERIES:
                try:
                    cur.execute(queries[name])
                except psycopg2.Error as exc:
                    reason = exc.diag.message_primary or str(exc).strip()
                    raise DashboardError(f"sql/50_dashboard/{name}.sql: {reason}") from exc
                columns = [d.name for d in cur.description]
                results[name] = [dict(zip(columns, row)) for row in cur.fetchall()]
        return results
    finally:
        if own:
            conn.rollback()
            conn.isolation_level, conn.readonly = previous


# --------------------------------------------------------------------------- panels


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def partial_periods(last_day: date | None, as_of: date | None) -> tuple[date | None, date | None]:
    """(partial day, first day of the partial month) of data whose last sales day is last_day.

    The data covers days up to the as-of date of the latest complete batch. That day was still
    running when the batch was cut (its late rows come with the next batch), so it is partial
    when it is the last day with sales; the month of the last day with sales is partial when
    the data does not cover it to its end (the as-of date is on or before its last day).
    Without a complete batch the month is partial when the last day with sales is not its end.
    """
    if last_day is None:
        return None, None
    if as_of is None:
        return None, (last_day.replace(day=1) if last_day != month_end(last_day) else None)
    partial_day = last_day if last_day == as_of else None
    partial_month = last_day.replace(day=1) if as_of <= month_end(last_day) else None
    return partial_day, partial_month


def kpi_period(first_day: date | None, last_day: date | None) -> tuple[date | None, date | None]:
    """(from, to) of the period the KPI cards open on; all the data when no period fits twice."""
    if first_day is None or last_day is None:
        return None, None
    span = (last_day - first_day).days + 1
    days = next((d for d in KPI_PERIODS_DAYS if 2 * d <= span), span)
    return last_day - timedelta(days=days - 1), last_day


def cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def time_series(
    rows: list[dict],
    categories: list[str],
    date_key: str,
    value_key: str,
    partial: date | None,
    build: Callable[..., charts.TimeChart],
    tick: Callable[[float], str],
) -> list[Series]:
    """One chart per series: all categories first, then each category."""
    series = []
    for key, label in [("", "All categories"), *((c, c) for c in categories)]:
        points = [(r[date_key], r[value_key]) for r in rows if (r["category"] or "") == key]
        chart = None
        if points:
            chart = build(points, partial is not None and points[-1][0] == partial, tick)
        series.append(Series(key, label, chart))
    return series


def page_model(results: dict[str, list[dict]], currency: Currency, generated: datetime) -> Page:
    daily = results["500_select_daily_sales"]
    monthly = results["505_select_monthly_sales"]
    categories = [r["category"] for r in results["510_select_category_sales"]]
    days = sorted({r["sales_date"] for r in daily})
    first_day, last_day = (days[0], days[-1]) if days else (None, None)
    complete = [b["as_of_date"] for b in results["555_select_batches"] if b["status"] == "complete"]
    latest_as_of = max(complete, default=None)
    partial_day, partial_month = partial_periods(last_day, latest_as_of)

    daily_series = time_series(daily, categories, "sales_date", "net_revenue", partial_day, charts.line_chart, currency.short)
    monthly_series = time_series(
        monthly, categories, "month_start_date", "net_revenue", partial_month, charts.column_chart, currency.short
    )
    bars, tables, notes = panels(results, currency)

    default_from, default_to = kpi_period(first_day, last_day)
    index = {c: i for i, c in enumerate(categories)}
    data = {
        "currency": {"code": currency.code, "prefix": currency.prefix, "decimals": currency.decimals},
        "categories": categories,
        "firstDay": exact(first_day),
        "lastDay": exact(last_day),
        "partialDay": exact(partial_day),
        "defaultFrom": exact(default_from),
        "defaultTo": exact(default_to),
        # [day, category index (-1: all), orders, units, net revenue in cents, profit in cents]
        "days": [
            [
                r["sales_date"].isoformat(),
                -1 if r["category"] is None else index[r["category"]],
                r["orders"],
                r["units"],
                cents(r["net_revenue"]),
                cents(r["profit_amount"]),
            ]
            for r in daily
        ],
    }
    return Page(
        currency,
        generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        first_day,
        last_day,
        partial_day,
        partial_month,
        latest_as_of,
        categories,
        daily_series,
        monthly_series,
        bars,
        tables,
        notes,
        data,
    )


def panels(
    results: dict[str, list[dict]], currency: Currency
) -> tuple[dict[str, charts.BarChart], dict[str, Table], dict[str, str]]:
    money, whole = currency.money, currency.whole
    bars: dict[str, charts.BarChart] = {}
    tables: dict[str, Table] = {}
    notes: dict[str, str] = {}

    rows = results["510_select_category_sales"]
    bars["revenue_by_category"] = charts.bar_chart(
        [(r["category"], r["net_revenue"], f"{whole(r['net_revenue'])} ({r['revenue_share_pct']}%)") for r in rows],
        currency.short,
    )

    rows = results["515_select_weekday_weekend"]
    bars["weekday_weekend"] = charts.bar_chart(
        [(r["day_type"], r["revenue_per_day"], f"{money(r['revenue_per_day'])} per day") for r in rows], currency.short
    )
    tables["weekday_weekend"] = table(
        "weekday_weekend",
        [
            Column("day_type", "day type"),
            Column("days_with_sales", "days with sales", "int"),
            Column("orders_per_day", "orders per day", "decimal"),
            Column("net_revenue", "net revenue", "money"),
            Column("average_order_value", "average order", "money"),
            Column("revenue_share_pct", "share", "pct"),
        ],
        rows,
        currency,
    )

    rows = results["520_select_repeat_orders"]
    bars["repeat_orders"] = charts.bar_chart(
        [
            (
                r["order_kind"],
                r["net_revenue"],
                f"{whole(r['net_revenue'])} ({r['revenue_share_pct']}%), {grouped(r['orders'])} orders",
            )
            for r in rows
        ],
        currency.short,
    )

    rows = results["525_select_rfm_segments"]
    bars["rfm_segment_customers"] = charts.bar_chart(
        [
            (r["rfm_segment"], r["customers"], f"{grouped(r['customers'])} customers")
            for r in sorted(rows, key=lambda r: (-r["customers"], r["rfm_segment"]))
        ],
        short_number,
        counts=True,
    )
    bars["rfm_segment_revenue"] = charts.bar_chart(
        [(r["rfm_segment"], r["net_revenue"], f"{whole(r['net_revenue'])} ({r['revenue_share_pct']}%)") for r in rows],
        currency.short,
    )
    tables["rfm_segments"] = table(
        "rfm_segments",
        [
            Column("rfm_segment", "segment"),
            Column("customers", "customers", "int"),
            Column("net_revenue", "net revenue", "money"),
            Column("revenue_share_pct", "share", "pct"),
            Column("average_recency_days", "days since last order (avg)", "decimal"),
            Column("average_orders", "orders (avg)", "decimal"),
        ],
        rows,
        currency,
    )
    notes["customers_with_orders"] = grouped(rows[0]["customers_with_orders"]) if rows else "0"

    rows = results["530_select_top_products"]
    bars["top_products"] = charts.bar_chart(
        [
            (
                f"{r['product_name']} ({r['product_id']})",
                r["net_revenue"],
                f"{whole(r['net_revenue'])}, {grouped(r['units'])} units",
            )
            for r in rows
        ],
        currency.short,
        keys=[r["product_id"] for r in rows],
    )
    tables["top_products"] = table(
        "top_products",
        [
            Column("revenue_rank", "rank", "int"),
            Column("product_name", "product"),
            Column("product_id", "id"),
            Column("category", "category"),
            Column("units", "units", "int"),
            Column("net_revenue", "net revenue", "money"),
            Column("profit_amount", "profit", "money"),
            Column("margin_pct", "margin", "pct"),
        ],
        rows,
        currency,
    )

    rows = results["535_select_country_sales"]
    bars["revenue_by_country"] = charts.bar_chart(
        [
            (
                r["country"] or "(unknown)",
                r["net_revenue"],
                f"{whole(r['net_revenue'])} ({r['revenue_share_pct']}%), {grouped(r['orders'])} orders",
            )
            for r in rows
        ],
        currency.short,
        keys=[r["country"] or "" for r in rows],
    )

    tables["payment_methods"] = table(
        "payment_methods",
        [
            Column("payment_method_name", "payment method"),
            Column("orders", "orders", "int"),
            Column("customers", "customers", "int"),
            Column("net_revenue", "net revenue", "money"),
            Column("average_order_value", "average order", "money"),
            Column("revenue_share_pct", "share", "pct"),
        ],
        results["540_select_payment_methods"],
        currency,
    )

    tables["discount_bands"] = table(
        "discount_bands",
        [
            Column("discount_band", "discount band"),
            Column("items", "order lines", "int"),
            Column("discount_amount", "discount", "money"),
            Column("net_revenue", "net revenue", "money"),
            Column("effective_discount_pct", "discount rate", "pct"),
            Column("margin_pct", "margin", "pct"),
        ],
        results["545_select_discount_bands"],
        currency,
    )

    run_css = {"succeeded": "ok", "failed": "bad", "running": "warn", "cancelled": "warn", "abandoned": "bad"}
    tables["runs"] = table(
        "runs",
        [
            Column("run_id", "run", "int"),
            Column("status", "status", "status"),
            Column("started_at", "started (UTC)", "timestamp"),
            Column("seconds", "seconds", "decimal"),
            Column("command", "command"),
            Column("error_message", "error"),
        ],
        results["550_select_pipeline_runs"],
        currency,
        status=lambda r: (r["status"], run_css.get(r["status"], "muted")),
    )
    tables["batches"] = table(
        "batches",
        [
            Column("batch_id", "batch"),
            Column("as_of_date", "as of", "date"),
            Column("status", "status", "status"),
            Column("run_id", "run", "int"),
        ],
        results["555_select_batches"],
        currency,
        status=lambda r: (r["status"], "ok" if r["status"] == "complete" else "warn"),
    )

    rows = results["560_select_quarantine_rules"]
    bars["quarantine_by_rule"] = charts.bar_chart(
        [(f"{r['rule_name']} ({r['source_file']})", r["rejected_rows"], f"{grouped(r['rejected_rows'])} rows") for r in rows],
        short_number,
        keys=[f"{r['source_file']}/{r['rule_name']}" for r in rows],
        counts=True,
    )

    def check_status(r: dict) -> tuple[str, str]:
        if r["failing_rows"] == 0:
            return "pass", "ok"
        return ("fail", "bad") if r["severity"] == "error" else ("warn", "warn")

    tables["quality_checks"] = table(
        "quality_checks",
        [
            Column("check_name", "check"),
            Column("severity", "severity"),
            Column("failing_rows", "offending rows", "int"),
            Column("result", "result", "status"),
            Column("run_id", "run", "int"),
        ],
        results["565_select_quality_checks"],
        currency,
        status=check_status,
    )
    tables["reconciliation"] = table(
        "reconciliation",
        [
            Column("batch_id", "batch"),
            Column("source_file", "file"),
            Column("raw_rows", "raw", "int"),
            Column("waiting_in", "waiting in", "int"),
            Column("inserted", "inserted", "int"),
            Column("updated", "updated", "int"),
            Column("duplicates", "duplicates", "int"),
            Column("superseded", "superseded", "int"),
            Column("quarantined", "quarantined", "int"),
            Column("waiting_out", "waiting out", "int"),
            Column("is_balanced", "balance", "status"),
        ],
        results["570_select_reconciliation"],
        currency,
        status=lambda r: ("balanced", "ok") if r["is_balanced"] else ("NOT balanced", "bad"),
    )
    return bars, tables, notes


# --------------------------------------------------------------------------- output


def environment(currency: Currency) -> Environment:
    env = Environment(
        loader=FileSystemLoader(DASHBOARD_DIR), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["money"] = currency.money
    env.filters["whole"] = currency.whole
    env.filters["grouped"] = grouped
    env.filters["exact"] = exact
    return env


def render_page(page: Page) -> str:
    return environment(page.currency).get_template(TEMPLATE).render(page=page)


def build_dashboard(conn, out_path: Path, queries: dict[str, str], currency: str = "USD") -> Path:
    """Run the dashboard's queries on conn and write the page to out_path; returns out_path."""
    results = run_queries(conn, queries)
    page = page_model(results, currency_for(currency), datetime.now(UTC))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_page(page), encoding="utf-8")
    return out_path
