"""Entry points used by the CLI and the pipeline: bytes or a file → ParseResult.

:func:`parse_bytes` is the boundary between hostile bytes and the rest of the system: it never
raises for bad input. How a document ended is its *outcome* (:data:`OUTCOMES`), stored as the
warehouse's ``report.parse_status``.
"""

from __future__ import annotations

import json
import sys
import traceback
from decimal import Decimal
from pathlib import Path

from xxgk.extract import NotAReport, TooLarge, Unreadable, extract, limits
from xxgk.model import Issue, ParseResult, ReportMeta
from xxgk.parse.metadata import Hints
from xxgk.parse.report import parse_document
from xxgk.rules.instances import evaluate

#: How parsing one document ended. ``unreadable``: the bytes cannot be read (corrupt, image-only,
#: unsupported); the last four are failures of the parse itself, each with its reason:
#: ``too_large`` (an input limit, :mod:`xxgk.extract.limits`), ``parse_failed`` (an exception,
#: class and message recorded), ``timeout`` and ``memory`` (limits of the worker process,
#: :mod:`xxgk.parse.pool`).
OUTCOMES = ("parsed", "partial", "tables_unreadable", "not_a_report", "unreadable", "too_large", "parse_failed",
            "timeout", "memory")
FAILURES = frozenset({"too_large", "parse_failed", "timeout", "memory"})


def parse_bytes(data: bytes, name: str, source: str, hints: Hints | None = None) -> ParseResult:
    """Extract and parse. Never raises for bad input: unreadable input becomes a result with
    ``unreadable=True``, input the extractor already knows is no report (a challenge page) one
    with ``is_report=False``, and anything that goes wrong on the way a failed result
    (:func:`failed`) naming the exception, so one document never stops a batch."""
    try:
        return _bounded(parse_document(extract(data, name), source, hints))
    except Unreadable as e:  # TooLarge included: its code is ``too_large``
        return failed(source, e.code, str(e))
    except NotAReport as e:
        return ParseResult(_no_meta(source), [], [], [Issue(e.code, str(e), "error")], is_report=False,
                           outcome="not_a_report")
    except MemoryError:
        return failed(source, "memory", "out of memory while parsing")
    except Exception as e:  # a parser bug or an input nobody foresaw: recorded, never raised
        return failed(source, "parse_failed", describe(e))


#: Numbers this wide are no count or amount; beyond it a cell's value is dropped (raw kept).
#: Far past any warehouse column, and below Python's 4,300-digit limit for printing an int,
#: past which the JSON contract could not even be written.
MAX_NUMBER_DIGITS = 100


def _bounded(result: ParseResult) -> ParseResult:
    """The result with every number wider than :data:`MAX_NUMBER_DIGITS` left out: such a cell
    becomes ``illegible`` with an ``out_of_range`` note (its raw text kept), such a narrative
    fact is dropped, and the rules are evaluated again without them."""
    def too_wide(v: Decimal | int) -> bool:
        return Decimal(v).adjusted() >= MAX_NUMBER_DIGITS

    wide = [c for c in result.cells if c.value is not None and too_wide(c.value)]
    facts = [f for f in result.facts if not too_wide(f.stated)]
    if not wide and len(facts) == len(result.facts):
        return result
    for c in wide:
        note = f"out_of_range: a {Decimal(c.value).adjusted() + 1}-digit number is no count"
        c.value, c.status, c.note = None, "illegible", note + (f"; {c.note}" if c.note else "")
    dropped = len(result.facts) - len(facts)
    result.issues.append(Issue("out_of_range", f"{len(wide)} cells and {dropped} narrative numbers wider than "
                                               f"{MAX_NUMBER_DIGITS} digits left empty", "warning"))
    result.facts = facts
    result.rules = evaluate(result.cells, result.report, facts)
    return result


def failed(source: str, code: str, message: str) -> ParseResult:
    """The result of a document that could not be parsed; ``code`` is an outcome of
    :data:`FAILURES` or an unreadable-input code (``corrupt_pdf``, ``needs_ocr`` …)."""
    return ParseResult(_no_meta(source), [], [], [Issue(code, message, "error")], is_report=False, unreadable=True,
                       outcome=code if code in FAILURES else "unreadable")


def describe(e: BaseException) -> str:
    """``ValueError: message (at xxgk/extract/html.py:123 in cell_text)``: what the warehouse
    keeps of an unexpected exception, enough to find the code that raised it."""
    frames = traceback.extract_tb(e.__traceback__)
    where = ""
    if frames:
        f = frames[-1]
        short = f.filename.split("/site-packages/")[-1].split("/xxgk/", 1)
        path = f"xxgk/{short[1]}" if len(short) == 2 else short[0]
        where = f" (at {path}:{f.lineno} in {f.name})"
    return f"{type(e).__name__}: {str(e)[:300]}{where}"


def _no_meta(source: str) -> ReportMeta:
    return ReportMeta(title="", agency=None, region=None, year=None, template=None, source=source)


def parse_file(path: str, hints: Hints | None = None) -> ParseResult:
    """Parse a file; a file that cannot be read raises ``OSError`` (the caller's error, not the
    document's)."""
    p = Path(path)
    return parse_path(p, p.name, str(p), hints)


def parse_path(path: Path, name: str, source: str, hints: Hints | None = None) -> ParseResult:
    """:func:`parse_bytes` of a file, whose size is checked before it is read into memory."""
    try:
        limits.check("input bytes", path.stat().st_size, limits.MAX_INPUT_BYTES)
        data = path.read_bytes()
    except TooLarge as e:
        return failed(source, e.code, str(e))
    except OSError as e:
        return failed(source, "unreadable", str(e))
    return parse_bytes(data, name, source, hints)


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
