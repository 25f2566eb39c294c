"""Loading parse results into the warehouse tables ``report``, ``cell`` and ``parse_issue``.

Keyed by document hash: a report's rows are replaced as a whole inside one transaction, so
loading the same result twice leaves the tables byte-for-byte as they were, and a crash
mid-load leaves the previous state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from xxgk.parse.batch import DocumentRef, result_dir
from xxgk.parse.report import PARSER_VERSION
from xxgk.regions import agency_key
from xxgk.warehouse.db import transaction


def report_id_of(sha256: str) -> str:
    return sha256[:16]


def pending_documents(con: duckdb.DuckDBPyConnection, parsed_root: Path) -> list[DocumentRef]:
    """Documents with no result file for the current parser version (first locator wins)."""
    rows = con.execute(
        "SELECT sha256, arg_min(name, first_seen_at), arg_min(locator, first_seen_at) "
        "FROM document GROUP BY sha256 ORDER BY sha256"
    ).fetchall()
    done = result_dir(parsed_root)
    return [DocumentRef(s, n or "", loc) for s, n, loc in rows if not (done / f"{s}.json").exists()]


@dataclass
class LoadSummary:
    loaded: int = 0
    unchanged: int = 0


def load_parsed(con: duckdb.DuckDBPyConnection, parsed_root: Path) -> LoadSummary:
    """Load every current-version result file whose report is missing or older in the warehouse."""
    have = dict(con.execute("SELECT sha256, parser_version FROM report").fetchall())
    paths = sorted(result_dir(parsed_root).glob("*.json"))
    todo = [p for p in paths if have.get(p.stem) != PARSER_VERSION]
    load_records(con, [json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal) for p in todo])
    return LoadSummary(loaded=len(todo), unchanged=len(paths) - len(todo))


# Column order of each table's rows as built below (= the DDL's column order).
_COLUMNS = {
    "report": ["report_id", "sha256", "title", "agency", "agency_key", "region_code", "region_name", "report_year",
               "template", "table3_layout", "scope", "source", "parse_status", "parse_message", "parser_version",
               "parsed_at"],
    "cell": ["report_id", "table", "row", "col", "value", "unit", "status", "raw", "label_row_raw", "label_col_raw",
             "locator", "note", "read", "confident"],
    "parse_issue": ["report_id", "seq", "code", "severity", "message"],
    "narrative_fact": ["report_id", "seq", "quote", "expression", "stated", "in_scope"],
}
_SCHEMAS = {
    "report": {"report_year": pl.Int32, "parsed_at": pl.Datetime("us")},
    "cell": {"value": pl.Utf8, "confident": pl.Boolean},  # value: decimal text, cast exactly by DuckDB
    "parse_issue": {"seq": pl.Int32},
    "narrative_fact": {"seq": pl.Int32, "expression": pl.List(pl.Utf8), "stated": pl.Int64, "in_scope": pl.Boolean},
}


def load_records(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]) -> None:
    """Replace the rows of these reports in one transaction (bulk, through polars frames)."""
    if not records:
        return
    rows: dict[str, list[list[Any]]] = {t: [] for t in _COLUMNS}
    now = datetime.now(UTC).replace(tzinfo=None)
    for record in records:
        rid = report_id_of(record["sha256"])
        meta = record["report"]
        region = meta.get("region") or {}
        status = record.get("outcome") or (
            "unreadable" if record["unreadable"] else ("parsed" if record["is_report"] else "not_a_report"))
        message = "; ".join(i["message"] for i in record["issues"] if i["severity"] == "error") or None
        rows["report"].append([
            rid, record["sha256"], meta["title"] or None, meta["agency"],
            agency_key(meta["agency"], region.get("code"), meta["year"]), region.get("code"), region.get("name"),
            meta["year"],
            meta["template"], meta.get("table3_layout"), meta.get("scope"), meta["source"], status, message,
            record["parser_version"], now])
        rows["cell"] += [[rid, c["table"], c["row"], c["col"], None if c["value"] is None else str(c["value"]),
                          c["unit"], c["status"], c["raw"], c["label_row_raw"], c["label_col_raw"], c["locator"],
                          c["note"], c.get("read", "cell"), c.get("confident", True)] for c in record["cells"]]
        rows["parse_issue"] += [[rid, n, i["code"], i["severity"], i["message"]]
                                for n, i in enumerate(record["issues"])]
        rows["narrative_fact"] += [[rid, n, f["quote"], list(f["expression"]), f["stated"], f["in_scope"]]
                                   for n, f in enumerate(record.get("facts", []))]
    frames = {t: pl.DataFrame(r, schema={c: _SCHEMAS[t].get(c, pl.Utf8) for c in _COLUMNS[t]}, orient="row")
              for t, r in rows.items()}
    incoming = {f"incoming_{t}": f for t, f in frames.items()}
    with transaction(con, loading_reports=frames["report"].select("report_id"), **incoming):
        for table in ("cell", "parse_issue", "narrative_fact", "rule_result", "report"):
            con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM loading_reports)")
        for table, frame in frames.items():
            if frame.height:
                cols = ", ".join(f'"{c}"' for c in _COLUMNS[table])
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_{table}")
