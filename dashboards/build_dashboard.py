#!/usr/bin/env python3
"""Build the sales dashboard: one self-contained HTML file (inline CSS and SVG, no network).

    python dashboards/build_dashboard.py                 # -> dashboards/output/dashboard.html
    python dashboards/build_dashboard.py --out x.html
    python dashboards/build_dashboard.py --connection-files   # rewrite warehouse.pbids / .tds

It queries the warehouse tables directly (not the analytics views, which are still
growing) and the pipeline's run metadata for the health panel. Every chart is an
<svg class="chart" data-chart="NAME" data-points="N">, every table a
<table data-table="NAME" data-rows="N">, so tests can check that each rendered with data.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

DASHBOARD_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = DASHBOARD_DIR / "output" / "dashboard.html"
PALETTE = ("#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#dc2626", "#ca8a04", "#4b5563")
MONEY_UNIT = "currency units"

# --------------------------------------------------------------------------- queries

# KPIs, months and weekdays come from agg_daily_sales (one row per day), not from the facts.
KPIS = """
SELECT
    coalesce(sum(a.net_revenue), 0) AS revenue,
    coalesce(sum(a.transactions), 0)::bigint AS orders,
    (SELECT count(DISTINCT c.customer_id)
     FROM warehouse.dim_customers AS c
     WHERE EXISTS (SELECT FROM warehouse.fact_sales AS f WHERE f.customer_key = c.customer_key)) AS customers,
    coalesce(sum(a.profit_amount), 0) AS profit,
    coalesce(sum(a.units), 0)::bigint AS units,
    min(a.sales_date) AS first_day,
    max(a.sales_date) AS last_day
FROM warehouse.agg_daily_sales AS a
"""

DAILY = """
SELECT sales_date, net_revenue
FROM warehouse.agg_daily_sales
ORDER BY sales_date
"""

MONTHLY = """
SELECT d.year_month, sum(a.net_revenue) AS revenue
FROM warehouse.agg_daily_sales AS a
INNER JOIN warehouse.dim_date AS d ON a.date_key = d.date_key
GROUP BY d.year_month
ORDER BY d.year_month
"""

BY_CATEGORY = """
SELECT p.category, sum(f.net_amount) AS revenue
FROM warehouse.fact_sales AS f
INNER JOIN warehouse.dim_products AS p ON f.product_key = p.product_key
GROUP BY p.category
ORDER BY revenue DESC, p.category
"""

BY_WEEKDAY = """
SELECT d.day_of_week, d.day_name, d.is_weekend, sum(a.net_revenue) AS revenue,
       sum(a.transactions)::bigint AS orders
FROM warehouse.agg_daily_sales AS a
INNER JOIN warehouse.dim_date AS d ON a.date_key = d.date_key
GROUP BY d.day_of_week, d.day_name, d.is_weekend
ORDER BY d.day_of_week
"""

# An order is "new" when it is the customer's first order (by natural key, across versions).
REPEAT_VS_NEW = """
WITH orders AS (
    SELECT c.customer_id, f.transaction_id, min(d.full_date) AS order_date, sum(f.net_amount) AS revenue
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_customers AS c ON f.customer_key = c.customer_key
    INNER JOIN warehouse.dim_date AS d ON f.date_key = d.date_key
    GROUP BY c.customer_id, f.transaction_id
),
ranked AS (
    SELECT o.*, row_number() OVER (PARTITION BY o.customer_id ORDER BY o.order_date, o.transaction_id) AS nth
    FROM orders AS o
)
SELECT CASE WHEN nth = 1 THEN 'First orders (new)' ELSE 'Repeat orders' END AS kind,
       count(*) AS orders, count(DISTINCT customer_id) AS customers, sum(revenue) AS revenue
FROM ranked
GROUP BY 1
ORDER BY 1
"""

# RFM: quintiles of recency (days since last order, relative to the last day with sales),
# frequency (orders) and monetary value (net revenue); 5 is best on every score.
RFM = """
WITH per_customer AS (
    SELECT c.customer_id,
           max(d.full_date) AS last_order,
           count(DISTINCT f.transaction_id) AS frequency,
           sum(f.net_amount) AS monetary
    FROM warehouse.fact_sales AS f
    INNER JOIN warehouse.dim_customers AS c ON f.customer_key = c.customer_key
    INNER JOIN warehouse.dim_date AS d ON f.date_key = d.date_key
    GROUP BY c.customer_id
),
scored AS (
    SELECT p.*,
           ntile(5) OVER (ORDER BY p.last_order, p.customer_id) AS r,
           ntile(5) OVER (ORDER BY p.frequency, p.monetary, p.customer_id) AS f,
           ntile(5) OVER (ORDER BY p.monetary, p.customer_id) AS m
    FROM per_customer AS p
),
segmented AS (
    SELECT s.*,
           CASE
               WHEN s.r >= 4 AND s.f >= 4 THEN 'Champions'
               WHEN s.r >= 3 AND s.f >= 4 THEN 'Loyal'
               WHEN s.r >= 4 AND s.f <= 2 THEN 'New / promising'
               WHEN s.r >= 3 AND s.f >= 2 THEN 'Potential loyalists'
               WHEN s.r <= 2 AND s.f >= 4 THEN 'At risk'
               WHEN s.r <= 2 AND s.f <= 2 THEN 'Hibernating'
               ELSE 'Need attention'
           END AS segment
    FROM scored AS s
)
SELECT segment, count(*) AS customers, sum(monetary) AS revenue, avg(r + f + m) AS avg_score
FROM segmented
GROUP BY segment
ORDER BY revenue DESC
"""

TOP_PRODUCTS = """
SELECT p.product_id, max(p.product_name) AS product_name, max(p.category) AS category,
       sum(f.net_amount) AS revenue, sum(f.quantity) AS units
FROM warehouse.fact_sales AS f
INNER JOIN warehouse.dim_products AS p ON f.product_key = p.product_key
GROUP BY p.product_id
ORDER BY revenue DESC, p.product_id
LIMIT 10
"""

BY_COUNTRY = """
SELECT coalesce(c.country, '(unknown)') AS country, sum(f.net_amount) AS revenue,
       count(DISTINCT c.customer_id) AS customers
FROM warehouse.fact_sales AS f
INNER JOIN warehouse.dim_customers AS c ON f.customer_key = c.customer_key
GROUP BY 1
ORDER BY revenue DESC, 1
"""

RUNS = """
SELECT r.run_id, r.command, r.status, r.started_at,
       extract(EPOCH FROM coalesce(r.finished_at, clock_timestamp()) - r.started_at) AS seconds,
       count(s.step_id) AS steps, coalesce(sum(s.rows_affected), 0) AS rows_affected
FROM pipeline.runs AS r
LEFT JOIN pipeline.steps AS s ON r.run_id = s.run_id
GROUP BY r.run_id
ORDER BY r.run_id DESC
LIMIT 10
"""

LAYER_TABLES = """
SELECT table_schema, table_name
FROM information_schema.tables
WHERE table_schema IN ('staging', 'production', 'warehouse') AND table_type = 'BASE TABLE'
ORDER BY table_schema, table_name
"""

QUARANTINE = """
SELECT rule_name || ' (' || source_file || ')' AS rule, count(*) AS rows_rejected
FROM pipeline.rejected_rows
GROUP BY source_file, rule_name
ORDER BY rows_rejected DESC, rule
"""

QUALITY = """
SELECT DISTINCT ON (q.check_name) q.check_name, q.severity, q.failing_rows, q.run_id, q.checked_at
FROM pipeline.quality_results AS q
ORDER BY q.check_name, q.run_id DESC
"""

RECONCILIATION = """
SELECT batch_id, source_file, raw_rows, inserted, updated, duplicates, superseded, quarantined,
       waiting_out, is_balanced
FROM pipeline.reconciliation
ORDER BY batch_id, source_file
"""


def fetch(conn, sql: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def fetch_if_exists(conn, table: str, sql: str) -> list[tuple]:
    """Rows of a pipeline metadata query, or none when the table does not exist yet."""
    if fetch(conn, f"SELECT to_regclass('{table}') IS NOT NULL")[0][0]:
        return fetch(conn, sql)
    return []


# --------------------------------------------------------------------------- formatting


def money(value, decimals: int = 0) -> str:
    return f"{float(value or 0):,.{decimals}f}"


def short_money(value) -> str:
    v = float(value or 0)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= limit:
            return f"{v / limit:,.1f}{suffix}"
    return f"{v:,.0f}"


def num(value) -> float:
    if isinstance(value, Decimal):
        return float(value)
    return float(value or 0)


def e(value) -> str:
    return escape(str(value), quote=True)


# --------------------------------------------------------------------------- charts


def svg_open(name: str, points: int, width: int, height: int, title: str) -> str:
    return (f'<svg class="chart" data-chart="{e(name)}" data-points="{points}" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-label="{e(title)}"><title>{e(title)}</title>')


def empty_chart(name: str, title: str, message: str, width: int = 640, height: int = 120) -> str:
    return (svg_open(name, 0, width, height, title)
            + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" class="muted">{e(message)}</text></svg>')


def bar_chart(name: str, title: str, rows: list[tuple[str, float, str]], unit: str,
              colors: list[str] | None = None, width: int = 640) -> str:
    """Horizontal bars: (label, value, value text). unit labels the value axis."""
    if not rows:
        return empty_chart(name, title, "no data")
    # Text widths are estimated (about 7 px a character at 12-13 px) so labels never clip.
    label_w = int(min(300, 20 + 8 * max(len(min(label, label[:35] + "…", key=len)) for label, _, _ in rows)))
    right = 16 + 7 * max(len(text) for _, _, text in rows)
    bar_h, gap, top = 24, 8, 10
    height = top + len(rows) * (bar_h + gap) + 34
    plot_w = width - label_w - right
    top_value = max((v for _, v, _ in rows), default=0) or 1
    parts = [svg_open(name, len(rows), width, height, title)]
    for i, (label, value, text) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(1.0, plot_w * max(value, 0) / top_value)
        color = (colors[i] if colors else PALETTE[0])
        short = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            f'<g><title>{e(label)}: {e(text)}</title>'
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{e(short)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" class="value">{e(text)}</text></g>'
        )
    axis_y = height - 12
    parts.append(f'<text x="{label_w + plot_w / 2}" y="{axis_y}" text-anchor="middle" class="axis">{e(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(name: str, title: str, rows: list[tuple[str, float]], unit: str, width: int = 640,
                 height: int = 280) -> str:
    """Vertical columns over a category axis (months)."""
    if not rows:
        return empty_chart(name, title, "no data")
    left, right, top, bottom = 70, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max(v for _, v in rows) or 1
    step = plot_w / len(rows)
    parts = [svg_open(name, len(rows), width, height, title), axes(left, top, plot_w, plot_h, top_value, unit)]
    every = max(1, len(rows) // 12)
    for i, (label, value) in enumerate(rows):
        h = plot_h * max(value, 0) / top_value
        x = left + i * step + step * 0.15
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{e(label)}: {e(money(value))} {e(MONEY_UNIT)}'
                     '</title></rect>')
        if i % every == 0:
            cx = left + i * step + step / 2
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="end" class="tick" '
                         f'transform="rotate(-40 {cx:.1f} {top + plot_h + 16})">{e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(name: str, title: str, rows: list[tuple[date, float]], unit: str, width: int = 1320,
               height: int = 280) -> str:
    """A time series: one point per day, x proportional to the date."""
    if not rows:
        return empty_chart(name, title, "no data", width)
    left, right, top, bottom = 70, 20, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = rows[0][0], rows[-1][0]
    span = max((last - first).days, 1)
    top_value = max(v for _, v in rows) or 1

    def xy(day: date, value: float) -> tuple[float, float]:
        return left + plot_w * (day - first).days / span, top + plot_h - plot_h * max(value, 0) / top_value

    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
                    for i, (x, y) in enumerate(xy(d, v) for d, v in rows))
    parts = [svg_open(name, len(rows), width, height, title), axes(left, top, plot_w, plot_h, top_value, unit),
             f'<path class="line" d="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>']
    # Month ticks: the first of each month, thinned to at most 12 labels.
    months = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        if cursor >= first:
            months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    every = max(1, len(months) // 12 + (len(months) % 12 > 0))
    for i, month in enumerate(months):
        if i % every:
            continue
        x, _ = xy(month, 0)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="tick">'
                     f'{e(month.strftime("%Y-%m"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def axes(left: float, top: float, plot_w: float, plot_h: float, top_value: float, unit: str) -> str:
    parts = []
    for k in range(5):
        value = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{e(short_money(value))}'
                     '</text>')
    parts.append(f'<text x="14" y="{top + plot_h / 2}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 14 {top + plot_h / 2})">{e(unit)}</text>')
    return "".join(parts)


def table(name: str, headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    num_attr = ' class="num"'
    head = "".join(f"<th{num_attr if i in numeric else ''}>{e(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f"<td{num_attr if i in numeric else ''}>{cell_html(c)}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>')
    return (f'<table data-table="{e(name)}" data-rows="{len(rows)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def cell_html(value) -> str:
    """Table cells are escaped text; a (text, css class) pair adds a status colour."""
    if isinstance(value, tuple):
        text, css = value
        return f'<span class="{e(css)}">{e(text)}</span>'
    return e(value)


# --------------------------------------------------------------------------- page


CSS = """
:root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --card: #ffffff; --bg: #f3f4f6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: var(--bg); }
header { padding: 20px 32px 8px; }
header h1 { margin: 0; font-size: 26px; }
header p { margin: 4px 0 0; color: var(--muted); }
main { padding: 8px 32px 32px; display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 17px; margin: 0 0 2px; }
h3 { font-size: 15px; margin: 14px 0 4px; }
p.note { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
.kpis { display: grid; grid-template-columns: repeat(5, 1fr); gap: 14px; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.kpi .label { color: var(--muted); font-size: 13px; }
.kpi .value { font-size: 28px; font-weight: 650; }
.kpi .unit { color: var(--muted); font-size: 12px; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 13px; }
svg text { fill: var(--ink); }
svg .tick, svg .muted { fill: var(--muted); font-size: 12px; }
svg .axis { fill: var(--muted); font-size: 12px; font-style: italic; }
svg .value { font-size: 12px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #15803d; font-weight: 600; } .bad { color: #b91c1c; font-weight: 600; }
.warn { color: #b45309; font-weight: 600; } .muted { color: var(--muted); }
.legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px;
            vertical-align: -1px; }
.health { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px 24px; }
"""


@dataclass
class Section:
    title: str
    note: str
    body: str
    wide: bool = False

    def html(self) -> str:
        wide = ' class="wide"' if self.wide else ""
        return (f'<section{wide}><h2>{e(self.title)}</h2>'
                f'<p class="note">{e(self.note)}</p>{self.body}</section>')


def kpi_tiles(k: tuple) -> str:
    revenue, orders, customers, profit, _units, _first, _last = k
    aov = num(revenue) / orders if orders else 0
    margin = 100 * num(profit) / num(revenue) if num(revenue) else 0
    tiles = [
        ("Net revenue", money(revenue), MONEY_UNIT, "revenue"),
        ("Orders", f"{orders:,}", "transactions", "orders"),
        ("Customers", f"{customers:,}", "distinct buyers", "customers"),
        ("Average order value", money(aov, 2), f"{MONEY_UNIT} per order", "aov"),
        ("Profit", money(profit), f"{MONEY_UNIT}, {margin:.1f}% margin", "profit"),
    ]
    return '<div class="kpis">' + "".join(
        f'<div class="kpi" data-kpi="{key}"><div class="label">{e(label)}</div>'
        f'<div class="value">{e(value)}</div><div class="unit">{e(unit)}</div></div>'
        for label, value, unit, key in tiles) + "</div>"


def health_panel(conn) -> str:
    runs = fetch_if_exists(conn, "pipeline.runs", RUNS)
    status_css = {"succeeded": "ok", "failed": "bad", "running": "warn", "cancelled": "warn", "abandoned": "bad"}
    run_rows = [[r[0], (r[2], status_css.get(r[2], "muted")), f"{r[3]:%Y-%m-%d %H:%M:%S}", f"{num(r[4]):,.1f}",
                 r[5], f"{r[6]:,}", r[1]] for r in runs]
    layer_rows: dict[str, int] = {}
    per_table = []
    for schema, name in fetch(conn, LAYER_TABLES):
        count = fetch(conn, f'SELECT count(*) FROM "{schema}"."{name}"')[0][0]
        layer_rows[schema] = layer_rows.get(schema, 0) + count
        per_table.append([f"{schema}.{name}", f"{count:,}"])
    layer_order = [s for s in ("staging", "production", "warehouse") if s in layer_rows]
    layers = bar_chart("rows_per_layer", "Rows per layer",
                       [(s, layer_rows[s], f"{layer_rows[s]:,} rows") for s in layer_order],
                       "rows stored (all tables of the schema)",
                       colors=[PALETTE[i] for i in range(len(layer_order))])
    quarantine = fetch_if_exists(conn, "pipeline.rejected_rows", QUARANTINE)
    quarantine_chart = bar_chart("quarantine_by_rule", "Quarantined rows per rule",
                                 [(r[0], r[1], f"{r[1]:,} rows") for r in quarantine],
                                 "rows quarantined (pipeline.rejected_rows)", colors=[PALETTE[2]] * len(quarantine))
    quality = fetch_if_exists(conn, "pipeline.quality_results", QUALITY)
    quality_rows = [[q[0], q[1], f"{q[2]:,}",
                     ("pass", "ok") if q[2] == 0 else ("fail" if q[1] == "error" else "warn",
                                                       "bad" if q[1] == "error" else "warn"), q[3]]
                    for q in quality]
    recon = fetch_if_exists(conn, "pipeline.reconciliation", RECONCILIATION)
    recon_rows = [[r[0], r[1], f"{r[2]:,}", f"{r[3]:,}", f"{r[4]:,}", f"{r[5]:,}", f"{r[6]:,}", f"{r[7]:,}",
                   f"{r[8]:,}", ("balanced", "ok") if r[9] else ("NOT balanced", "bad")] for r in recon]
    return (
        "<h3>Last runs</h3>"
        + table("runs", ["run", "status", "started (UTC)", "seconds", "steps", "rows", "command"], run_rows,
                {0, 3, 4, 5})
        + '<div class="health"><div><h3>Rows per layer</h3>' + layers
        + table("rows_per_table", ["table", "rows"], per_table, {1})
        + "</div><div><h3>Quarantined rows per rule</h3>" + quarantine_chart
        + "<h3>Quality checks (latest result of each)</h3>"
        + table("quality_checks", ["check", "severity", "offending rows", "result", "run"], quality_rows, {2, 4})
        + "</div></div><h3>Reconciliation per batch and file (rows in = rows accounted for)</h3>"
        + table("reconciliation", ["batch", "file", "raw", "inserted", "updated", "duplicates", "superseded",
                                   "quarantined", "waiting", "balance"], recon_rows, {2, 3, 4, 5, 6, 7, 8})
    )


def build_dashboard(conn, out_path: Path = DEFAULT_OUT, queries=None, currency="USD") -> Path:
    """Query the warehouse and write the dashboard to out_path; returns out_path."""
    kpis = fetch(conn, KPIS)[0]
    daily = [(d, num(v)) for d, v in fetch(conn, DAILY)]
    monthly = [(m, num(v)) for m, v in fetch(conn, MONTHLY)]
    categories = fetch(conn, BY_CATEGORY)
    weekdays = fetch(conn, BY_WEEKDAY)
    repeat = fetch(conn, REPEAT_VS_NEW)
    rfm = fetch(conn, RFM)
    products = fetch(conn, TOP_PRODUCTS)
    countries = fetch(conn, BY_COUNTRY)
    revenue_total = num(kpis[0]) or 1

    weekend_revenue = sum(num(r[3]) for r in weekdays if r[2])
    weekday_days = [r for r in weekdays if not r[2]]
    weekend_days = [r for r in weekdays if r[2]]
    avg_weekday = sum(num(r[3]) for r in weekday_days) / len(weekday_days) if weekday_days else 0
    avg_weekend = weekend_revenue / len(weekend_days) if weekend_days else 0

    sections = [
        Section("Key figures", f"All sales from {kpis[5]} to {kpis[6]}; revenue is net of discounts.",
                kpi_tiles(kpis), wide=True),
        Section("Daily revenue", "Net revenue per day (warehouse.agg_daily_sales).",
                line_chart("daily_revenue", "Daily net revenue", daily, f"net revenue, {MONEY_UNIT}/day"),
                wide=True),
        Section("Monthly revenue", "Net revenue per calendar month.",
                column_chart("monthly_revenue", "Monthly net revenue", monthly, f"{MONEY_UNIT}/month")),
        Section("Revenue by category", "Category as it was when sold (SCD2 product version).",
                bar_chart("revenue_by_category", "Revenue by category",
                          [(r[0], num(r[1]), f"{short_money(r[1])} ({100 * num(r[1]) / revenue_total:.1f}%)")
                           for r in categories], f"net revenue, {MONEY_UNIT}",
                          colors=[PALETTE[i % len(PALETTE)] for i in range(len(categories))])),
        Section("Weekday vs weekend",
                f"Revenue by day of week. Average per weekday: {short_money(avg_weekday)}; per weekend day: "
                f"{short_money(avg_weekend)}; weekend share {100 * weekend_revenue / revenue_total:.1f}%.",
                '<div class="legend"><span><i style="background:#2563eb"></i>weekday</span>'
                '<span><i style="background:#ea580c"></i>weekend</span></div>'
                + bar_chart("weekday_weekend", "Revenue by day of week",
                            [(r[1], num(r[3]), f"{short_money(r[3])}, {r[4]:,} orders") for r in weekdays],
                            f"net revenue, {MONEY_UNIT}",
                            colors=[PALETTE[2] if r[2] else PALETTE[0] for r in weekdays])),
        Section("Repeat vs new customers",
                "A customer's first order counts as new, every later order as repeat.",
                bar_chart("repeat_vs_new", "Revenue from first and repeat orders",
                          [(r[0], num(r[3]), f"{short_money(r[3])}, {r[1]:,} orders, {r[2]:,} customers")
                           for r in repeat], f"net revenue, {MONEY_UNIT}",
                          colors=[PALETTE[1], PALETTE[3]][: len(repeat)])),
        Section("RFM segments: size",
                "Customers per segment; recency, frequency and monetary quintiles (NTILE 5, 5 = best).",
                bar_chart("rfm_segment_size", "Customers per RFM segment",
                          [(r[0], r[1], f"{r[1]:,} customers") for r in sorted(rfm, key=lambda r: -r[1])],
                          "customers", colors=[PALETTE[4]] * len(rfm))),
        Section("RFM segments: value", "Net revenue of each segment's customers (all time).",
                bar_chart("rfm_segment_value", "Revenue per RFM segment",
                          [(r[0], num(r[2]), f"{short_money(r[2])} ({100 * num(r[2]) / revenue_total:.1f}%)")
                           for r in rfm], f"net revenue, {MONEY_UNIT}", colors=[PALETTE[3]] * len(rfm))),
        Section("Top 10 products", "By net revenue; units sold in the label.",
                bar_chart("top_products", "Top products by revenue",
                          [(f"{r[1]} ({r[0]})", num(r[3]), f"{short_money(r[3])}, {r[4]:,} units") for r in products],
                          f"net revenue, {MONEY_UNIT}", colors=[PALETTE[0]] * len(products))),
        Section("Revenue by country", "Country of the customer version valid on the order date.",
                bar_chart("revenue_by_country", "Revenue by country",
                          [(r[0], num(r[1]), f"{short_money(r[1])}, {r[2]:,} customers") for r in countries],
                          f"net revenue, {MONEY_UNIT}", colors=[PALETTE[1]] * len(countries))),
        Section("Pipeline health", "Runs, rows per layer, quarantine, quality checks and reconciliation "
                "(schema pipeline).", health_panel(conn), wide=True),
    ]
    conn.rollback()
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>E-commerce sales dashboard</title><style>{CSS}</style></head><body>"
        f"<header><h1>E-commerce sales dashboard</h1><p>Generated {e(generated)} from the warehouse "
        "schema. Money in currency units, net of discounts. Hover a bar for its exact value.</p></header>"
        "<main>" + "".join(s.html() for s in sections) + "</main></body></html>\n"
    )
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(page, encoding="utf-8")
    return out_path


# --------------------------------------------------------------------------- BI connection files


@dataclass(frozen=True)
class ConnectionTarget:
    """Where a BI tool connects. The defaults are docker-compose's: a local server."""

    host: str = "localhost"
    port: int = 5432
    database: str = "ecommerce"
    schema: str = "warehouse"
    user: str = "bi_reader"


def write_connection_files(target: ConnectionTarget = ConnectionTarget(),
                           out_dir: Path = DASHBOARD_DIR) -> list[Path]:
    """Write warehouse.pbids (Power BI) and warehouse.tds (Tableau); no password is stored."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pbids = {
        "version": "0.1",
        "connections": [{
            "details": {
                "protocol": "postgresql",
                "address": {"server": f"{target.host}:{target.port}", "database": target.database},
            },
            "options": {},
            "mode": "DirectQuery",
        }],
    }
    pbids_path = out_dir / "warehouse.pbids"
    pbids_path.write_text(json.dumps(pbids, indent=2) + "\n", encoding="utf-8")

    def a(value) -> str:
        return escape(str(value), quote=True)

    relations = "\n".join(
        f"    <relation connection='postgres.warehouse' name='{t}' table='[{a(target.schema)}].[{t}]' type='table' />"
        for t in ("fact_sales",)
    )
    tds = (
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        "<!-- Tableau data source for the e-commerce warehouse (star schema). Open it in Tableau Desktop,\n"
        "     enter the bi_reader password, then drag the dim_* tables next to fact_sales and join them on\n"
        "     their *_key columns (see docs/dashboard_guide.md). -->\n"
        f"<datasource formatted-name='{a(target.database)} {a(target.schema)}' inline='true' version='18.1'>\n"
        "  <connection class='federated'>\n"
        "    <named-connections>\n"
        f"      <named-connection caption='{a(target.host)}' name='postgres.warehouse'>\n"
        f"        <connection authentication='username-password' class='postgres' dbname='{a(target.database)}' "
        f"port='{a(target.port)}' schema='{a(target.schema)}' server='{a(target.host)}' sslmode='prefer' "
        f"username='{a(target.user)}' />\n"
        "      </named-connection>\n"
        "    </named-connections>\n"
        f"{relations}\n"
        "  </connection>\n"
        "</datasource>\n"
    )
    tds_path = out_dir / "warehouse.tds"
    tds_path.write_text(tds, encoding="utf-8")
    return [pbids_path, tds_path]


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the HTML sales dashboard from the warehouse.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (default %(default)s)")
    parser.add_argument("--connection-files", action="store_true",
                        help="only rewrite dashboards/warehouse.pbids and warehouse.tds (docker-compose defaults)")
    args = parser.parse_args(argv)
    if args.connection_files:
        for path in write_connection_files():
            print(path)
        return 0
    sys.path.insert(0, str(DASHBOARD_DIR.parent))
    import pipeline_orchestrator as orchestrator

    conn = orchestrator.connect(orchestrator.database_url(orchestrator.load_settings()))
    try:
        print(build_dashboard(conn, args.out))
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
