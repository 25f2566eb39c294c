"""Loading parse results into the warehouse tables ``report``, ``cell`` and ``parse_issue``.

Keyed by document hash: a report's rows are replaced as a whole inside one transaction, so
loading the same result twice leaves the tables byte-for-byte as they were, and a crash
mid-load leaves the previous state. Every document gets a ``report`` row, failures included:
its ``parse_status`` is the parse outcome (:data:`xxgk.parse.api.OUTCOMES`) and
``parse_message`` the reason. A number the warehouse's column types cannot hold is not a
load failure either: the cell keeps its raw text, loses its value and is flagged
``out_of_range`` (:func:`xxgk.warehouse.db.fits_decimal`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from xxgk.parse.batch import RESULT_SUFFIX, DocumentRef, read_result, result_dir, result_path
from xxgk.parse.metadata import Hints
from xxgk.parse.report import PARSER_VERSION
from xxgk.regions import agency_key
from xxgk.warehouse.db import fits_decimal, transaction


def report_id_of(sha256: str) -> str:
    return sha256[:16]


_BIGINT = 2**63
_INTEGER = 2**31
LOAD_BATCH = 1000  # reports per transaction: ~200 k cells


def _micros(ts: datetime) -> int:
    return int(ts.replace(tzinfo=UTC).timestamp() * 1_000_000)


def pending_documents(con: duckdb.DuckDBPyConnection, parsed_root: Path, after: str = "",
                      limit: int | None = None) -> list[DocumentRef]:
    """Documents the warehouse holds no report of for the current parser version and that have no
    result file yet (first locator wins), in sha256 order after ``after``, at most ``limit``:
    a night's new documents, found by one anti-join, so the cost follows what is new, and a
    backfill (a new parser version) can be taken in chunks of bounded memory. With what the
    crawler knew of each (the list link's title, the agency of the item or its source)."""
    rows = con.execute(
        "SELECT d.sha256, arg_min(d.name, d.first_seen_at), arg_min(d.locator, d.first_seen_at), "
        "arg_min(d.title_hint, d.first_seen_at), arg_min(i.agency, d.first_seen_at) "
        "FROM document d LEFT JOIN crawl_item i ON i.source_id = d.source_id AND i.url = d.locator "
        "WHERE d.sha256 > ? AND d.sha256 NOT IN (SELECT sha256 FROM report WHERE parser_version = ?) "
        "GROUP BY d.sha256 ORDER BY d.sha256" + (f" LIMIT {int(limit)}" if limit else ""),
        [after, PARSER_VERSION]).fetchall()
    return [DocumentRef(s, n or "", loc, Hints(title=t, agency=a) if (t or a) else None)
            for s, n, loc, t, a in rows if not result_path(parsed_root, s).exists()]


@dataclass
class LoadSummary:
    loaded: int = 0
    unchanged: int = 0


def load_parsed(con: duckdb.DuckDBPyConnection, parsed_root: Path, batch: int = LOAD_BATCH) -> LoadSummary:
    """Load the current parser version's result files written since the last complete load, in
    batches of ``batch`` reports (one transaction each: memory bounded whatever the number).

    Which files are new is told by a watermark (``load_state``: the newest modification time of
    a file loaded so far), so a night with nothing new reads no result file, and the files of a
    run killed before its load are picked up by the next one. A new parser version has no
    watermark: everything of its folder is loaded. (A file copied in with an older time than the
    watermark, e.g. by a tool that keeps times, would be missed: write result files, do not copy
    them.)
    """
    folder = result_dir(parsed_root)
    if not folder.is_dir():
        return LoadSummary()
    rows = con.execute("SELECT loaded_until FROM load_state WHERE parser_version = ?", [PARSER_VERSION]).fetchall()
    since = _micros(rows[0][0]) if rows else -1
    todo: list[tuple[int, Path]] = []
    total = 0
    with os.scandir(folder) as entries:
        for e in entries:
            if e.name.endswith(RESULT_SUFFIX):
                total += 1
                if (mtime := e.stat().st_mtime_ns // 1000) > since:
                    todo.append((mtime, Path(e.path)))
    todo.sort()  # oldest first: the watermark can follow the batches
    for i in range(0, len(todo), batch):
        chunk = todo[i:i + batch]
        load_records(con, [read_result(p, parse_float=Decimal) for _, p in chunk])
        # every file up to the watermark is loaded, also when this load is killed before the next
        # batch (which may start with files of the same time: those stay above the watermark)
        mark = todo[i + batch][0] - 1 if i + batch < len(todo) else chunk[-1][0]
        if mark > since:
            since = mark
            con.execute("INSERT OR REPLACE INTO load_state VALUES (?, make_timestamp(?))", [PARSER_VERSION, since])
    return LoadSummary(loaded=len(todo), unchanged=total - len(todo))


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
        issues = list(record["issues"])
        message = "; ".join(i["message"] for i in issues if i["severity"] == "error") or None
        year = meta["year"]
        if year is not None and not -_INTEGER <= year < _INTEGER:
            issues.append(_out_of_range("report year", year, "INTEGER"))
            year = None
        rows["report"].append([
            rid, record["sha256"], meta["title"] or None, meta["agency"],
            agency_key(meta["agency"], region.get("code"), year), region.get("code"), region.get("name"), year,
            meta["template"], meta.get("table3_layout"), meta.get("scope"), meta["source"], outcome_of_record(record),
            message, record["parser_version"], now])
        for c in record["cells"]:
            value, status, note = c["value"], c["status"], c["note"]
            if value is not None and not fits_decimal(value):
                issue = _out_of_range(f"cell {c['table']}/{c['row']}/{c['col']}", value, "DECIMAL(24,6)")
                issues.append(issue)
                value, status, note = None, "illegible", issue["message"] + (f"; {note}" if note else "")
            rows["cell"].append([rid, c["table"], c["row"], c["col"], None if value is None else str(value),
                                 c["unit"], status, c["raw"], c["label_row_raw"], c["label_col_raw"], c["locator"],
                                 note, c.get("read", "cell"), c.get("confident", True)])
        facts = []
        for f in record.get("facts", []):
            if -_BIGINT <= f["stated"] < _BIGINT:
                facts.append(f)
            else:
                issues.append(_out_of_range(f"narrative number {f['quote']!r}", f["stated"], "BIGINT"))
        rows["narrative_fact"] += [[rid, n, f["quote"], list(f["expression"]), f["stated"], f["in_scope"]]
                                   for n, f in enumerate(facts)]
        rows["parse_issue"] += [[rid, n, i["code"], i["severity"], i["message"]] for n, i in enumerate(issues)]
    frames = {t: pl.DataFrame(r, schema={c: _SCHEMAS[t].get(c, pl.Utf8) for c in _COLUMNS[t]}, orient="row")
              for t, r in rows.items()}
    incoming = {f"incoming_{t}": f for t, f in frames.items()}
    with transaction(con, loading_reports=frames["report"].select("report_id"), **incoming):
        # Appends, unless a report is loaded again (a new parser version): only then the old rows
        # go, so a night's load never scans the large tables for rows to delete.
        again = [r[0] for r in con.execute(
            "SELECT report_id FROM report WHERE report_id IN (SELECT report_id FROM loading_reports)").fetchall()]
        if again:
            for table in ("cell", "parse_issue", "narrative_fact", "rule_result", "report"):
                con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT unnest(?::VARCHAR[]))", [again])
        for table, frame in frames.items():
            if frame.height:
                cols = ", ".join(f'"{c}"' for c in _COLUMNS[table])
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_{table}")


def outcome_of_record(record: dict[str, Any]) -> str:
    """``report.parse_status``: the record's outcome; records written before outcomes were
    recorded say it through their two flags."""
    if record.get("outcome"):
        return record["outcome"]
    return "unreadable" if record["unreadable"] else ("parsed" if record["is_report"] else "not_a_report")


def _out_of_range(what: str, value: Any, column: str) -> dict[str, str]:
    shown = str(value)
    shown = shown if len(shown) <= 40 else f"{shown[:20]}…{shown[-8:]} ({len(shown)} characters)"
    return {"code": "out_of_range", "severity": "warning",
            "message": f"out_of_range: {what} = {shown} does not fit the warehouse's {column}; value left empty"}

