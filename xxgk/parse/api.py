"""Entry points used by the CLI and the pipeline: bytes or a file → ParseResult."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from xxgk.extract import NotAReport, Unreadable, extract
from xxgk.model import Issue, ParseResult, ReportMeta
from xxgk.parse.metadata import Hints
from xxgk.parse.report import parse_document


def parse_bytes(data: bytes, name: str, source: str, hints: Hints | None = None) -> ParseResult:
    """Extract and parse; unreadable input becomes a result with ``unreadable=True``, input the
    extractor already knows is no report (a challenge page) one with ``is_report=False``."""
    try:
        doc = extract(data, name)
    except Unreadable as e:
        issue = Issue(e.code, str(e), "error")
        return ParseResult(_no_meta(source), [], [], [issue], is_report=False, unreadable=True, outcome="unreadable")
    except NotAReport as e:
        return ParseResult(_no_meta(source), [], [], [Issue(e.code, str(e), "error")], is_report=False,
                           outcome="not_a_report")
    return parse_document(doc, source, hints)


def _no_meta(source: str) -> ReportMeta:
    return ReportMeta(title="", agency=None, region=None, year=None, template=None, source=source)


def parse_file(path: str, hints: Hints | None = None) -> ParseResult:
    """Parse a file; a file that cannot be read raises ``OSError`` (the caller's error, not the
    document's)."""
    p = Path(path)
    return parse_bytes(p.read_bytes(), p.name, str(p), hints)


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
