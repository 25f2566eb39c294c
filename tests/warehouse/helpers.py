"""Building small warehouses from the seed reports (real parse, real DuckDB file, no crawl)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import SEEDS
from xxgk.parse.api import parse_bytes
from xxgk.parse.batch import to_record
from xxgk.warehouse.dimensions import build_agencies, load_reference, load_regions
from xxgk.warehouse.load import load_records
from xxgk.warehouse.marts import apply_views, build_marts

SEED = {s: (SEEDS / f"{s}.txt").read_text(encoding="utf-8") for s in (
    "000_c1eaaf8cdc2dffbd", "001_39cbfd32513a2536", "002_258c9fe9a95a7785", "003_fff17be27cddb8b3",
    "004_3ea6a6549f11e7d9")}
HAINING_2020 = SEED["003_fff17be27cddb8b3"]                                         # area report, 2019 template
JIAXING_OFFICE_2022 = SEED["001_39cbfd32513a2536"]                                  # 2021 template


def retitled(text: str, old: str, new: str) -> str:
    """A seed under another body's name and year (first line, the title)."""
    assert text.startswith(old), text[:40]
    return new + text[len(old):]


def record_of(text: str, name: str) -> dict[str, Any]:
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    return json.loads(json.dumps(to_record(sha, parse_bytes(data, name, name))), parse_float=Decimal)


def load_texts(con: duckdb.DuckDBPyConnection, texts: dict[str, str],
               edit: Callable[[str, dict[str, Any]], None] | None = None) -> dict[str, str]:
    """Parse and load each text (name -> text); ``edit(name, record)`` may change a record first.
    Returns name -> report_id."""
    ids = {}
    for name, text in texts.items():
        record = record_of(text, name)
        if edit is not None:
            edit(name, record)
        load_records(con, [record])
        ids[name] = record["sha256"][:16]
    return ids


def build(con: duckdb.DuckDBPyConnection, sources: dict[str, str] | None = None) -> dict[str, int]:
    load_regions(con)
    load_reference(con)
    build_agencies(con, sources)
    apply_views(con)
    return build_marts(con)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def cell_sum(con: duckdb.DuckDBPyConnection, report_ids: list[str], table: str, row_keys: list[str],
             col: str) -> int:
    """Independent tie-out: the printed cells summed straight from ``cell`` (blank = 0)."""
    if not report_ids:
        return 0
    got = con.execute(
        f'SELECT sum(coalesce(value, 0)) FROM cell WHERE report_id IN ({",".join("?" * len(report_ids))}) '
        f'AND "table" = ? AND col = ? AND list_contains(?, "row")', [*report_ids, table, col, row_keys]).fetchall()
    return int(got[0][0] or 0)


def warehouse(tmp: Path) -> duckdb.DuckDBPyConnection:
    from xxgk.warehouse.db import connect
    return connect(tmp / "w.duckdb")
