"""BI connection files for the warehouse: Power BI (.pbids) and Tableau (.tds); no password is stored.

    write_connection_files()                         # rewrite the committed files (docker-compose server)
    write_connection_files(ConnectionTarget("127.0.0.1", 55432, "ecommerce", "analyst"), out_dir)

warehouse.tds is the star: fact_sales joined to its four dimensions on the surrogate keys
(many-to-one joins, so no row of the fact is repeated). warehouse_daily.tds is
agg_daily_sales joined to dim_date: a second fact on the date dimension, at day grain,
kept out of the line-level join where every day's totals would repeat once per order line.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

DASHBOARD_DIR = Path(__file__).resolve().parent
FACT = "fact_sales"
# (dimension, key column): fact_sales.<key> = <dimension>.<key>, many to one.
STAR = (
    ("dim_date", "date_key"),
    ("dim_customers", "customer_key"),
    ("dim_products", "product_key"),
    ("dim_payment_methods", "payment_method_key"),
)
DAILY = ("agg_daily_sales", (("dim_date", "date_key"),))
WAREHOUSE_TABLES = (FACT, *(dim for dim, _ in STAR), DAILY[0])
CONNECTION_NAME = "postgres.warehouse"


@dataclass(frozen=True)
class ConnectionTarget:
    """Where a BI tool connects. The defaults are docker-compose's server and its BI login."""

    host: str = "localhost"
    port: int = 5432
    database: str = "ecommerce"
    user: str = "bi_reader"
    schema: str = "warehouse"


def write_connection_files(target: ConnectionTarget = ConnectionTarget(), out_dir: Path = DASHBOARD_DIR) -> list[Path]:
    """Write warehouse.pbids, warehouse.tds and warehouse_daily.tds for target into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "warehouse.pbids": pbids_text(target),
        "warehouse.tds": tds_text(
            target, FACT, STAR, "sales star", "fact_sales inner-joined to its four dimensions on their surrogate keys"
        ),
        "warehouse_daily.tds": tds_text(target, *DAILY, "daily sales", "agg_daily_sales (one row per day) joined to dim_date"),
    }
    written = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def pbids_text(target: ConnectionTarget) -> str:
    """A Power BI data source file. Power BI's format has one connection and no table list: the
    Navigator asks which tables to load; "tables" tells the reader which ones (docs/dashboard_guide.md)."""
    pbids = {
        "version": "0.1",
        "connections": [
            {
                "details": {
                    "protocol": "postgresql",
                    "address": {"server": f"{target.host}:{target.port}", "database": target.database},
                },
                "options": {},
                "mode": "DirectQuery",
            }
        ],
        "tables": [f"{target.schema}.{table}" for table in WAREHOUSE_TABLES],
    }
    return json.dumps(pbids, indent=2) + "\n"


def table_relation(target: ConnectionTarget, table: str) -> ET.Element:
    return ET.Element(
        "relation", {"connection": CONNECTION_NAME, "name": table, "table": f"[{target.schema}].[{table}]", "type": "table"}
    )


def tds_text(target: ConnectionTarget, fact: str, dimensions: tuple[tuple[str, str], ...], title: str, description: str) -> str:
    """A Tableau data source: the fact inner-joined to each dimension, one join per dimension."""
    root = ET.Element("datasource", {"formatted-name": f"{target.database} {title}", "inline": "true", "version": "18.1"})
    root.append(
        ET.Comment(
            f" Tableau data source ({target.schema} schema): {description}. Open it in Tableau "
            f"Desktop and enter the password of {target.user}; no password is stored here. "
        )
    )
    connection = ET.SubElement(root, "connection", {"class": "federated"})
    named = ET.SubElement(
        ET.SubElement(connection, "named-connections"), "named-connection", {"caption": target.host, "name": CONNECTION_NAME}
    )
    ET.SubElement(
        named,
        "connection",
        {
            "authentication": "username-password",
            "class": "postgres",
            "dbname": target.database,
            "port": str(target.port),
            "schema": target.schema,
            "server": target.host,
            "sslmode": "prefer",
            "username": target.user,
        },
    )
    tree = table_relation(target, fact)
    for dimension, key in dimensions:
        join = ET.Element("relation", {"join": "inner", "type": "join"})
        equal = ET.SubElement(ET.SubElement(join, "clause", {"type": "join"}), "expression", {"op": "="})
        ET.SubElement(equal, "expression", {"op": f"[{fact}].[{key}]"})
        ET.SubElement(equal, "expression", {"op": f"[{dimension}].[{key}]"})
        join.append(tree)
        join.append(table_relation(target, dimension))
        tree = join
    connection.append(tree)
    ET.indent(root, space="  ")
    return "<?xml version='1.0' encoding='utf-8' ?>\n" + ET.tostring(root, encoding="unicode") + "\n"
