"""Views and marts: ``sql/views/*.sql`` (report versions, measures, friendly views) and
``sql/marts/*.sql`` (each file replaces its tables), run after the rule checks."""

from __future__ import annotations

import re

import duckdb

from xxgk.warehouse.db import SQL_DIR, transaction

MARTS = tuple(sorted(p.stem for p in (SQL_DIR / "marts").glob("*.sql")))
_CREATED = re.compile(r"CREATE OR REPLACE TABLE (\w+)")


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view in name order (they read the dimensions, so after those)."""
    with transaction(con):
        for f in sorted((SQL_DIR / "views").glob("*.sql")):
            con.execute(f.read_text(encoding="utf-8"))


def build_mart(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, int]:
    """Run ``sql/marts/<name>.sql`` in one transaction; rows of every table it creates."""
    text = (SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8")
    with transaction(con):
        con.execute(text)
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in _CREATED.findall(text)}


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every mart, in dependency order (mart_region_year before mart_hierarchy_check)."""
    counts: dict[str, int] = {}
    for name in sorted(MARTS, key=lambda n: (n == "mart_hierarchy_check", n)):
        counts.update(build_mart(con, name))
    return counts
