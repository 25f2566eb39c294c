"""Entry points used by the CLI and the pipeline: bytes or a file → ParseResult."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from xxgk.extract import Unreadable, extract
from xxgk.model import Issue, ParseResult, ReportMeta
from xxgk.parse.report import parse_document


def parse_bytes(data: bytes, name: str, source: str) -> ParseResult:
    """Extract and parse; unreadable input becomes a result with ``unreadable=True``."""
    try:
        doc = extract(data, name)
    except Unreadable as e:
        meta = ReportMeta(title="", agency=None, region=None, year=None, template=None, source=source)
        return ParseResult(meta, [], [], [Issue("unreadable", str(e), "error")], is_report=False, unreadable=True)
    return parse_document(doc, source)


def parse_file(path: str) -> ParseResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        meta = ReportMeta(title="", agency=None, region=None, year=None, template=None, source=str(p))
        return ParseResult(meta, [], [], [Issue("unreadable", str(e), "error")], is_report=False, unreadable=True)
    return parse_bytes(data, p.name, str(p))


def print_result(result: ParseResult, as_json: bool) -> None:
    if as_json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    m = result.report
    print(f"{m.title or '(no title)'}")
    print(f"  agency {m.agency}  region {m.region.name if m.region else '-'}  year {m.year}  template {m.template}")
    if not result.is_report:
        for i in result.issues:
            print(f"  {i.code}: {i.message}")
        return
    by_status: dict[str, int] = {}
    for c in result.cells:
        by_status[c.status] = by_status.get(c.status, 0) + 1
    print(f"  cells {len(result.cells)} " + " ".join(f"{k}={v}" for k, v in sorted(by_status.items())))
    fails = [r for r in result.rules if r.status == "fail"]
    print(f"  rules {len(result.rules)} instances, {len(fails)} failing")
    for r in fails:
        print(f"    {r.rule} {r.severity} {r.scope}: {r.lhs} vs {r.rhs} {r.note}")
    for i in result.issues:
        print(f"  issue {i.code}: {i.message}")
