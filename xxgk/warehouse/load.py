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

from xxgk.parse.batch import DocumentRef, result_dir
from xxgk.parse.report import PARSER_VERSION
from xxgk.regions import agency_key


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
    summary = LoadSummary()
    have = dict(con.execute("SELECT sha256, parser_version FROM report").fetchall())
    for path in sorted(result_dir(parsed_root).glob("*.json")):
        sha = path.stem
        if have.get(sha) == PARSER_VERSION:
            summary.unchanged += 1
            continue
        record = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        load_record(con, record)
        summary.loaded += 1
    return summary


def load_record(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> None:
    sha = record["sha256"]
    rid = report_id_of(sha)
    meta = record["report"]
    region = meta.get("region") or {}
    status = "unreadable" if record["unreadable"] else ("parsed" if record["is_report"] else "not_a_report")
    message = "; ".join(i["message"] for i in record["issues"] if i["severity"] == "error") or None
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("cell", "parse_issue", "narrative_fact", "rule_result", "report"):
            con.execute(f"DELETE FROM {table} WHERE report_id = ?", [rid])
        con.execute(
            "INSERT INTO report VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [rid, sha, meta["title"] or None, meta["agency"], agency_key(meta["agency"], region.get("code")),
             region.get("code"), region.get("name"), meta["year"],
             meta["template"], meta.get("table3_layout"), meta.get("scope"), meta["source"], status, message,
             record["parser_version"], datetime.now(UTC).replace(tzinfo=None)],
        )
        if record["cells"]:
            con.executemany(
                "INSERT INTO cell VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[rid, c["table"], c["row"], c["col"], c["value"], c["unit"], c["status"], c["raw"],
                  c["label_row_raw"], c["label_col_raw"], c["locator"], c["note"]] for c in record["cells"]],
            )
        if record["issues"]:
            con.executemany(
                "INSERT INTO parse_issue VALUES (?, ?, ?, ?, ?)",
                [[rid, n, i["code"], i["severity"], i["message"]] for n, i in enumerate(record["issues"])],
            )
        if record.get("facts"):
            con.executemany(
                "INSERT INTO narrative_fact VALUES (?, ?, ?, ?, ?, ?)",
                [[rid, n, f["quote"], list(f["expression"]), f["stated"], f["in_scope"]]
                 for n, f in enumerate(record["facts"])],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
