"""Generated docs are up to date and SQL file headers tell the truth about lineage."""

from __future__ import annotations

import sys

import psycopg2
import pytest
from conftest import ROOT, run_ok

sys.path.insert(0, str(ROOT / "docs"))
import build_docs

SQL_FILES = build_docs.analyse()


@pytest.mark.slow
def test_data_dictionary_is_not_stale(db, small_data) -> None:
    run_ok(db, small_data, "run")
    conn = psycopg2.connect(db.url)
    try:
        fresh = build_docs.build_dictionary(conn)
    finally:
        conn.close()
    committed = build_docs.DICTIONARY_PATH.read_text(encoding="utf-8")
    assert committed == fresh, (
        "docs/data_dictionary.md is stale: run the pipeline, then python docs/build_docs.py")


def test_data_dictionary_documents_every_warehouse_table() -> None:
    text = build_docs.DICTIONARY_PATH.read_text(encoding="utf-8")
    for table in ("dim_date", "dim_customers", "dim_products", "dim_payment_methods", "fact_sales",
                  "agg_daily_sales"):
        assert f"### warehouse.{table}" in text
    assert "(no comment)" not in text, "an object has no COMMENT ON: add one in its CREATE file"


@pytest.mark.parametrize("sql_file", SQL_FILES, ids=lambda f: f.rel)
def test_sql_header_declares_exactly_the_tables_the_sql_references(sql_file) -> None:
    assert "target" in sql_file.header and "reads" in sql_file.header, f"{sql_file.rel}: no target:/reads: header"
    problems = build_docs.header_disagreements([sql_file])
    assert not problems, (
        f"{sql_file.rel}: the header disagrees with the SQL. "
        f"Referenced but not declared in target:/reads: {problems[sql_file.rel]['undeclared']}; "
        f"declared but never referenced: {problems[sql_file.rel]['not_referenced']}")


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
        "--              warehouse.dim_date\n-- rerunnable:  yes\n-- =====\nSELECT 1;\n")
    assert build_docs.declared_names(header["reads"]) == {"production.a", "production.b", "warehouse.dim_date"}


def test_lineage_is_up_to_date() -> None:
    committed = build_docs.LINEAGE_PATH.read_text(encoding="utf-8")
    assert committed == build_docs.build_lineage(SQL_FILES), (
        "docs/lineage.md is stale: run python docs/build_docs.py --lineage")
    assert "```mermaid" in committed


def test_runbook_explains_every_exit_code() -> None:
    runbook = (ROOT / "docs" / "runbook.md").read_text(encoding="utf-8")
    for code in ("| 1 ", "| 2 ", "| 3 ", "| 130 ", "| 143 "):
        assert code in runbook, f"docs/runbook.md does not explain exit code {code.strip('| ')}"
    assert "run --reload" in runbook and "GRANT bi_reader TO" in runbook
