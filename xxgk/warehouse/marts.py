"""Building the aggregate marts from ``sql/marts/*.sql`` (each file replaces its table)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from xxgk.regions import REGIONS_CSV
from xxgk.warehouse.db import SQL_DIR, transaction


def load_regions(con: duckdb.DuckDBPyConnection, path: Path = REGIONS_CSV) -> int:
    """Replace the ``region`` dimension with the bundled GB/T 2260 table."""
    with path.open(encoding="utf-8") as f:
        rows = [[r["code"], r["name"], r["level"], r["parent_code"] or None] for r in csv.DictReader(f)]
    with transaction(con):
        con.execute("DELETE FROM region")
        con.executemany("INSERT INTO region VALUES (?, ?, ?, ?)", rows)
    return len(rows)


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Run every mart file in name order; returns rows per mart table."""
    counts = {}
    for f in sorted((SQL_DIR / "marts").glob("*.sql")):
        con.execute(f.read_text(encoding="utf-8"))
        counts[f.stem] = con.execute(f"SELECT count(*) FROM {f.stem}").fetchone()[0]
    return counts
