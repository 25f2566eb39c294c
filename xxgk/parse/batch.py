"""The parse stage's I/O edge: stored documents → one JSON result file per document.

Parsing is pure and CPU-bound, so it reads bytes from the raw store and writes the
``xxgk parse --json`` contract to ``<parsed_dir>/v<PARSER_VERSION>/<sha256>.json``; it never
touches the warehouse, which keeps it free to run in parallel and leaves the single DuckDB
writer to the load stage. A file that exists is not parsed again (idempotent re-runs); a new
parser version parses everything afresh into its own folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from xxgk.model import ParseResult
from xxgk.parse.api import parse_bytes
from xxgk.parse.report import PARSER_VERSION
from xxgk.rawstore import RawStore


@dataclass(frozen=True)
class DocumentRef:
    sha256: str
    name: str
    locator: str


@dataclass
class BatchSummary:
    parsed: int = 0
    reports: int = 0
    not_reports: int = 0
    unreadable: int = 0
    skipped: int = 0


def result_dir(parsed_root: Path) -> Path:
    return parsed_root / f"v{PARSER_VERSION}"


def parse_documents(docs: list[DocumentRef], store: RawStore, parsed_root: Path) -> BatchSummary:
    out_dir = result_dir(parsed_root)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    for doc in docs:
        target = out_dir / f"{doc.sha256}.json"
        if target.exists():
            summary.skipped += 1
            continue
        result = parse_bytes(store.get(doc.sha256), doc.name, doc.locator)
        _write_atomic(target, json.dumps(to_record(doc.sha256, result), ensure_ascii=False))
        summary.parsed += 1
        if result.unreadable:
            summary.unreadable += 1
        elif result.is_report:
            summary.reports += 1
        else:
            summary.not_reports += 1
    return summary


def to_record(sha256: str, result: ParseResult) -> dict[str, Any]:
    """The stored form of a parse result: the CLI's JSON contract plus identity and outcome."""
    return {"sha256": sha256, "parser_version": PARSER_VERSION, "is_report": result.is_report,
            "unreadable": result.unreadable, **result.to_json(), "facts": [asdict(f) for f in result.facts]}


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
