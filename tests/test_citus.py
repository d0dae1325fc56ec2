"""Citus (issue 15): the same batches give the same database on a cluster as on one PostgreSQL.

The rest of the Citus suite is every test marked `every_server` (see conftest.py), run on
a local coordinator and two workers. This file holds what only makes sense there: the
table layout, and one comparison of every production and warehouse table and
pipeline.rejected_rows, row by row, between one PostgreSQL and Citus.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import Database, fresh_database, run_ok

import generators

pytestmark = pytest.mark.slow

# Columns that say when or by which run a row was written differ between any two loads:
# run ids and timestamps (loaded_at, rejected_at, created_at, ...).
RUN_TIME_COLUMNS = {"run_id"}
RUN_TIME_TYPES = {"timestamp with time zone"}
COMPARED_SCHEMAS = ("production", "warehouse")


def compared_tables(db: Database) -> list[str]:
    tables = [
        f"{schema}.{table}"
        for schema, table in db.query(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1, 2",
            (list(COMPARED_SCHEMAS),),
        )
    ]
    return [*tables, "pipeline.rejected_rows", "pipeline.reconciliation"]


def content(db: Database, table: str) -> dict:
    """Row count, the sum of every numeric column, and every row (sorted), without run-time columns."""
    schema, name = table.split(".")
    columns = db.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, name),
    )
    kept = [(c, t) for c, t in columns if c not in RUN_TIME_COLUMNS and t not in RUN_TIME_TYPES]
    listed = ", ".join(f'"{c}"' for c, _ in kept)
    numeric = [c for c, t in kept if t in ("numeric", "integer", "bigint", "smallint")]
    sums = db.query(f"SELECT {', '.join(f'sum({c})' for c in numeric) or 'NULL'} FROM {table}")[0]
    return {
        "count": db.scalar(f"SELECT count(*) FROM {table}"),
        "sums": dict(zip(numeric, sums)),
        "rows": db.query(f"SELECT {listed} FROM {table} ORDER BY {listed}"),
    }


def difference(expected: dict, actual: dict) -> str:
    only_expected = [r for r in expected["rows"] if r not in actual["rows"]]
    only_actual = [r for r in actual["rows"] if r not in expected["rows"]]
    return f"\n  only on PostgreSQL: {only_expected[:5]}\n  only on Citus: {only_actual[:5]}"


def database_content(db: Database) -> dict[str, dict]:
    return {table: content(db, table) for table in compared_tables(db)}


@pytest.fixture(scope="module")
def citus(citus_server):
    return citus_server


def test_big_tables_are_distributed_and_small_ones_replicated(citus, tmp_path):
    with fresh_database(citus) as db:
        data = tmp_path / "raw"
        generators.generate(data, scale=0.02, seed=3, batches=1, defect_rate=0.0)
        run_ok(db, data)
        result = run_ok(db, data, "status")
        assert "Citus" in result.stdout and "2 workers" in result.stdout, result.stdout
        layout = dict(
            db.query(
                "SELECT logicalrelid::regclass::text, CASE WHEN partmethod = 'h' THEN 'distributed on ' || "
                "column_to_column_name(logicalrelid, partkey) WHEN repmodel = 't' THEN 'reference' ELSE 'local' END "
                "FROM pg_dist_partition"
            )
        )
        assert layout == {
            "production.transactions": "distributed on transaction_id",
            "production.transaction_items": "distributed on transaction_id",
            "warehouse.fact_sales": "distributed on transaction_id",
            **{
                t: "reference"
                for t in (
                    "production.countries",
                    "production.states",
                    "production.cities",
                    "production.categories",
                    "production.sub_categories",
                    "production.brands",
                    "production.suppliers",
                    "production.payment_methods",
                    "production.customers",
                    "production.customers_history",
                    "production.products",
                    "production.products_history",
                    "warehouse.dim_date",
                    "warehouse.dim_customers",
                    "warehouse.dim_products",
                    "warehouse.dim_payment_methods",
                )
            },
            # one row per day stays on the coordinator; Citus lists it because of its foreign
            # key to the reference table dim_date
            "warehouse.agg_daily_sales": "local",
        }
        # Co-located: an order's lines and facts live in the shards of the order.
        assert db.scalar("SELECT count(DISTINCT colocationid) FROM pg_dist_partition WHERE partmethod = 'h'") == 1
        # The planned layout is one SQL view a DBA can read, and the cluster follows it.
        planned = dict(
            db.query("SELECT table_name, method || coalesce(' on ' || distribution_column, '') FROM pipeline.distribution_plan")
        )
        assert planned == {t: how for t, how in layout.items() if how != "local"}


def test_citus_gives_exactly_what_one_postgresql_gives(default_server, citus, tmp_path):
    """Twelve daily batches with every kind of defect, late lines and changes, loaded one by one."""
    batches = tmp_path / "batches"
    generators.generate(batches, scale=0.05, seed=23, batches=12, defect_rate=0.03, every_defect=True)
    feed = tmp_path / "feed"
    feed.mkdir()
    with fresh_database(default_server) as single, fresh_database(citus) as cluster:
        for folder in sorted(batches.iterdir()):
            shutil.copytree(folder, feed / folder.name)
            run_ok(single, feed)
            run_ok(cluster, feed)
        expected = database_content(single)
        assert expected["pipeline.rejected_rows"]["count"] > 0 and expected["warehouse.fact_sales"]["count"] > 0
        assert expected["warehouse.fact_sales"]["sums"]["net_amount"] > Decimal(0)
        actual = database_content(cluster)
        assert list(actual) == list(expected)
        for table in expected:
            assert actual[table] == expected[table], f"{table} differs between PostgreSQL and Citus: " + difference(
                expected[table], actual[table]
            )

        # A full refresh and a reload on the cluster change nothing.
        run_ok(cluster, feed, "run", "--full-refresh")
        run_ok(cluster, feed, "run", "--reload", sorted(p.name for p in feed.iterdir())[3])
        again = database_content(cluster)
        for table in expected:
            assert again[table] == expected[table], f"{table} changed after a full refresh and a reload: " + difference(
                expected[table], again[table]
            )


def test_an_empty_transaction_id_is_quarantined_on_citus_too(citus, tmp_path: Path):
    """The raw layer accepts whatever COPY parses, on Citus too: staging is not distributed."""
    data = tmp_path / "raw"
    generators.generate(data, scale=0.02, seed=5, batches=1, defect_rate=0.0)
    folder = next(data.iterdir())
    items = folder / "transaction_items.csv"
    lines = items.read_text(encoding="utf-8").splitlines(keepends=True)
    item_id = lines[1].split(",")[0]
    fields = lines[1].split(",")
    fields[1] = ""
    lines[1] = ",".join(fields)
    items.write_text("".join(lines), encoding="utf-8")
    with fresh_database(citus) as db:
        run_ok(db, data)
        assert db.query(
            "SELECT source_file, line_number, rule_name FROM pipeline.rejected_rows WHERE raw_row ->> 'item_id' = %s", (item_id,)
        ) == [("transaction_items.csv", 2, "missing_required")]
        assert db.scalar("SELECT count(*) FROM warehouse.fact_sales WHERE item_id = %s", (item_id,)) == 0
