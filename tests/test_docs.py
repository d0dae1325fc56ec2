"""Generated docs are up to date and SQL file headers tell the truth about lineage."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from unittest import mock

import psycopg2
import pytest
from conftest import ROOT, run_ok

import pipeline_orchestrator as orchestrator
from docs import build_docs

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def settings() -> orchestrator.Settings:
    # load_settings() loads .env into os.environ; a DATABASE_URL from the user's .env must not
    # leak into the rest of the session (the fixtures would then use the user's server).
    with mock.patch.dict(os.environ):
        return orchestrator.load_settings()


@pytest.fixture(scope="module")
def sql_files(settings) -> list[tuple[str, str]]:
    """Every SQL file as the orchestrator's `docs` command hands it to build_docs()."""
    return [(orchestrator.rel(path), orchestrator.render_sql(path, settings)) for path in orchestrator.all_sql_files()]


@pytest.fixture(scope="module")
def docs_queries(settings) -> dict[str, str]:
    return orchestrator.rendered_queries("docs", settings)


@pytest.mark.slow
def test_data_dictionary_is_not_stale(db, small_data, sql_files, docs_queries, tmp_path: Path) -> None:
    run_ok(db, small_data, "run", env={"PIPELINE_DASHBOARD": "off"})  # the dictionary needs no dashboard
    conn = psycopg2.connect(db.url)
    try:
        lines = build_docs.build_docs(conn, sql_files, docs_queries, tmp_path)
    finally:
        conn.close()
    assert f"{tmp_path.name}/data_dictionary.md: written" in lines
    fresh = (tmp_path / "data_dictionary.md").read_text(encoding="utf-8")
    for table in (
        "warehouse.dim_date",
        "warehouse.fact_sales",
        "production.customers",
        "analytics.customer_rfm",
        "pipeline.rejected_rows",
        "pipeline.reconciliation",
        "pipeline.quality_results",
    ):
        assert f"### {table}\n" in fresh
    assert "pipeline.check_scope_start()" in fresh
    assert "### staging." not in fresh
    committed = (DOCS / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == fresh, "docs/data_dictionary.md is stale: run the pipeline, then python pipeline_orchestrator.py docs"


def test_data_dictionary_documents_every_warehouse_table() -> None:
    text = (DOCS / "data_dictionary.md").read_text(encoding="utf-8")
    for table in ("dim_date", "dim_customers", "dim_products", "dim_payment_methods", "fact_sales", "agg_daily_sales"):
        assert f"### warehouse.{table}" in text
    assert "(no comment)" not in text, "an object has no COMMENT ON: add one in its CREATE file"


def test_sql_headers_declare_exactly_the_tables_the_sql_references(sql_files) -> None:
    files = build_docs.analyse(sql_files)
    no_header = [f.rel for f in files if "target" not in f.header or "reads" not in f.header]
    assert no_header == [], "these SQL files have no target:/reads: header"
    problems = build_docs.header_disagreements(files)
    assert problems == {}, (
        "SQL headers disagree with the SQL (undeclared: referenced but not in target:/reads:; "
        "not_referenced: declared but never referenced):\n"
        + "\n".join(f"  {rel}: {problem}" for rel, problem in problems.items())
    )


def test_lineage_parser_reads_code_not_comments_or_strings() -> None:
    sql = (
        "-- reads production.customers\n"
        "/* warehouse.dim_date */\n"
        "SELECT current_setting('pipeline.batch_id'), 'staging.x'\n"
        "FROM staging.customers AS c INNER JOIN production.cities AS ci ON c.city = ci.city_name;\n"
        "DO $$ BEGIN PERFORM 1 FROM pipeline.runs; END $$;\n"
    )
    body = build_docs.strip_comments_and_strings(sql)
    assert build_docs.qualified_names(body) == {"staging.customers", "production.cities", "pipeline.runs"}


def test_header_parser_joins_continuation_lines() -> None:
    header = build_docs.parse_header(
        "-- =====\n-- target:      warehouse.fact_sales\n-- reads:       production.a, production.b,\n"
        "--              warehouse.dim_date\n-- rerunnable:  yes\n-- =====\nSELECT 1;\n"
    )
    assert build_docs.declared_names(header["reads"]) == {"production.a", "production.b", "warehouse.dim_date"}


def test_lineage_shows_query_folders_as_readers() -> None:
    header = "-- =====\n-- target:      (none: read-only)\n-- reads:       warehouse.fact_sales\n-- =====\n"
    files = build_docs.analyse(
        [
            (
                "sql/30_warehouse/360_merge_fact_sales.sql",
                "-- =====\n-- target:      warehouse.fact_sales\n-- reads:       staging.fact_sales_rows\n-- =====\n"
                "INSERT INTO warehouse.fact_sales SELECT * FROM staging.fact_sales_rows;\n",
            ),
            ("sql/50_dashboard/500_select_kpis.sql", header + "SELECT sum(net_amount) FROM warehouse.fact_sales;\n"),
        ]
    )
    assert build_docs.header_disagreements(files) == {}
    lineage = build_docs.build_lineage(files)
    assert "    staging_fact_sales_rows --> warehouse_fact_sales\n" in lineage
    assert '        reader_dashboard["dashboard"]\n' in lineage
    assert "    warehouse_fact_sales -.-> reader_dashboard\n" in lineage
    assert "reader_data_dictionary" not in lineage  # no query of sql/60_docs in this tree


def test_build_docs_without_a_database_writes_only_the_lineage(sql_files, docs_queries, tmp_path: Path) -> None:
    docs_dir = tmp_path / "docs"
    docs_dir.mkdir()
    assert build_docs.build_docs(None, sql_files, docs_queries, docs_dir)[0] == "docs/lineage.md: written"
    assert build_docs.build_docs(None, sql_files, docs_queries, docs_dir)[0] == "docs/lineage.md: up to date"
    assert sorted(p.name for p in docs_dir.iterdir()) == ["lineage.md"]


def test_lineage_is_up_to_date(sql_files) -> None:
    committed = (DOCS / "lineage.md").read_text(encoding="utf-8")
    assert committed == build_docs.build_lineage(build_docs.analyse(sql_files)), (
        "docs/lineage.md is stale: run python pipeline_orchestrator.py docs --lineage"
    )
    assert "```mermaid" in committed


def test_docs_package_is_a_library_of_the_orchestrator() -> None:
    """docs/ is called by the orchestrator: it never imports it, renders Jinja or edits sys.path."""
    for path in sorted(DOCS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"pipeline_orchestrator", "jinja2"}, path
        assert "sys.path" not in path.read_text(encoding="utf-8"), path


def test_runbook_explains_every_exit_code() -> None:
    runbook = (ROOT / "docs" / "runbook.md").read_text(encoding="utf-8")
    for code in ("| 1 ", "| 2 ", "| 3 ", "| 130 ", "| 143 "):
        assert code in runbook, f"docs/runbook.md does not explain exit code {code.strip('| ')}"
    assert "run --reload" in runbook and "GRANT bi_reader TO" in runbook


def test_no_step_reads_a_table_that_an_earlier_step_of_its_stage_emptied(sql_files) -> None:
    """The production and warehouse stages empty their scratch tables as soon as their last
    reader has run (TRUNCATE frees a table made in the same transaction at once): a step
    added later that read one would silently see no rows."""
    files = build_docs.analyse(sql_files)
    emptied_by: dict[str, str] = {}
    late_reads = []
    for f, (_rel, sql) in zip(files, sql_files):
        stage = f.rel.split("/")[1]
        if stage not in ("20_production", "30_warehouse"):
            continue
        late_reads += [
            (f.rel, table, emptied_by[table])
            for table in sorted(f.declared_reads)
            if table in emptied_by and emptied_by[table].split("/")[1] == stage
        ]
        for names in re.findall(r"\bTRUNCATE\s+([^;]+);", build_docs.strip_comments_and_strings(sql), re.IGNORECASE):
            emptied_by.update(dict.fromkeys(build_docs.qualified_names(names), f.rel))
    assert late_reads == [], "(step, a table it reads, the earlier step of its stage that emptied it)"
    assert {
        "staging.transaction_items_checked": "sql/20_production/287_reset_checked_tables.sql",
        "staging.fact_sales_changes": "sql/30_warehouse/363_reset_fact_sales_changes.sql",
        "staging.transaction_items": "sql/20_production/295_reset_staging_batch.sql",
    }.items() <= emptied_by.items()
