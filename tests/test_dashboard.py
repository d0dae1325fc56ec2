"""The HTML dashboard renders every chart with data in a real browser; BI connection files are valid."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import psycopg2
import pytest
from conftest import ROOT, WAREHOUSE_TABLES, run_ok

from dashboards.build_dashboard import (
    ConnectionTarget,
    build_dashboard,
    write_connection_files,
)

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = ROOT / "dashboards" / "output"
CHARTS = (
    "daily_revenue", "monthly_revenue", "revenue_by_category", "weekday_weekend", "repeat_vs_new",
    "rfm_segment_size", "rfm_segment_value", "top_products", "revenue_by_country", "rows_per_layer",
    "quarantine_by_rule",
)
TABLES = ("runs", "rows_per_table", "quality_checks", "reconciliation")
KPIS = ("revenue", "orders", "customers", "aov", "profit")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
SVG = re.compile(r'<svg class="chart" data-chart="([^"]+)" data-points="(\d+)"[^>]*>(.*?)</svg>', re.DOTALL)


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            check=False, capture_output=True, text=True, timeout=120,
        )


def charts_in(html: str) -> dict[str, tuple[int, str]]:
    return {name: (int(points), body) for name, points, body in SVG.findall(html)}


def assert_every_chart_has_data(html: str) -> None:
    charts = charts_in(html)
    assert set(CHARTS) <= set(charts), f"missing charts: {sorted(set(CHARTS) - set(charts))}"
    for name, (points, body) in charts.items():
        assert points > 0, f"chart {name} has no data points"
        assert re.search(r"<(rect|path)\b", body), f"chart {name} drew nothing"
    for name in TABLES:
        match = re.search(rf'<table data-table="{name}" data-rows="(\d+)"', html)
        assert match and int(match.group(1)) > 0, f"table {name} is missing or empty"
    for key in KPIS:
        assert f'data-kpi="{key}"' in html, f"KPI {key} is missing"


@pytest.fixture
def dashboard(db, small_data, tmp_path) -> Path:
    run_ok(db, small_data, "run")
    conn = psycopg2.connect(db.url)
    try:
        # A private file: other runs may be writing dashboards/output/dashboard.html meanwhile.
        return build_dashboard(conn, tmp_path / "dashboard.html")
    finally:
        conn.close()


@pytest.mark.slow
def test_dashboard_is_self_contained_and_every_chart_has_data(dashboard: Path) -> None:
    html = dashboard.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert_every_chart_has_data(html)
    # Self-contained: nothing is fetched from anywhere.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert "<script src" not in html and "@import" not in html and "url(" not in html


@pytest.mark.slow
def test_dashboard_renders_in_headless_chromium(dashboard: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium); "
                    "the HTML itself is checked by the test above")
    url = dashboard.resolve().as_uri()
    dom = chromium("--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert_every_chart_has_data(dom.stdout)
    OUTPUT.mkdir(parents=True, exist_ok=True)  # a clean clone has no dashboards/output yet
    screenshot = OUTPUT / "dashboard.png"
    screenshot.unlink(missing_ok=True)
    shot = chromium(f"--screenshot={screenshot}", "--window-size=1440,2400", "--hide-scrollbars", url)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.stat().st_size > 20_000, "the screenshot is suspiciously small (blank page?)"


def test_dashboard_escapes_database_text(db, small_data) -> None:
    run_ok(db, small_data, "run")
    db.execute("UPDATE warehouse.dim_products SET category = '<b>Tools & \"Co\"</b>'")
    conn = psycopg2.connect(db.url)
    try:
        html = build_dashboard(conn, Path(tempfile.mkdtemp()) / "d.html").read_text(encoding="utf-8")
    finally:
        conn.close()
    assert "<b>Tools" not in html
    assert "&lt;b&gt;Tools &amp; &quot;Co&quot;&lt;/b&gt;" in html


def test_committed_connection_files_match_the_docker_compose_defaults(tmp_path: Path) -> None:
    written = write_connection_files(ConnectionTarget(), tmp_path)
    for path in written:
        committed = ROOT / "dashboards" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python dashboards/build_dashboard.py --connection-files")


def test_pbids_is_a_power_bi_postgresql_source() -> None:
    pbids = json.loads((ROOT / "dashboards" / "warehouse.pbids").read_text(encoding="utf-8"))
    assert pbids["version"] == "0.1"
    (connection,) = pbids["connections"]
    assert connection["details"]["protocol"] == "postgresql"
    assert connection["details"]["address"] == {"server": "localhost:5432", "database": "ecommerce"}
    assert connection["mode"] == "DirectQuery"


def test_tds_is_a_tableau_postgres_source() -> None:
    root = ET.parse(ROOT / "dashboards" / "warehouse.tds").getroot()
    assert root.tag == "datasource"
    postgres = [c for c in root.iter("connection") if c.get("class") == "postgres"]
    assert len(postgres) == 1
    attrs = postgres[0].attrib
    assert (attrs["server"], attrs["port"], attrs["dbname"], attrs["schema"], attrs["username"]) == (
        "localhost", "5432", "ecommerce", "warehouse", "bi_reader")
    assert "password" not in attrs


def test_dashboard_guide_names_every_warehouse_table() -> None:
    guide = (ROOT / "docs" / "dashboard_guide.md").read_text(encoding="utf-8")
    missing = [t for t in WAREHOUSE_TABLES if f"warehouse.{t}" not in guide and f"`{t}`" not in guide]
    assert not missing, f"docs/dashboard_guide.md does not mention: {missing}"
    for page in ("Executive overview", "Products", "Customers", "Geography and trends"):
        assert page.lower() in guide.lower(), f"docs/dashboard_guide.md has no '{page}' page"
