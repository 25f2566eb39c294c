"""The parse stage's I/O edge: stored documents → one JSON result file per document.

Parsing is pure and CPU-bound, so it reads bytes from the raw store and writes the
``xxgk parse --json`` contract, gzipped, to ``<parsed_dir>/v<PARSER_VERSION>/<sha256>.json.gz``
(about 90 KB of JSON per report, 8 KB gzipped: 8 GB rather than 90 GB for a million reports, for
0.25 ms to write and 0.2 ms to read each; ``bench/scale.py`` prints the folder's size); it never
touches the warehouse, which keeps it free to run in parallel and leaves the single DuckDB
writer to the load stage. Documents are parsed in a pool of worker processes under per-document
time and memory limits (:mod:`xxgk.parse.pool`); every document gets a result file, failures
included (``too_large``, ``parse_failed``, ``timeout``, ``memory``), so a bad document is
recorded once and retried only when ``PARSER_VERSION`` changes. A file that exists is not
parsed again (idempotent re-runs); a new parser version parses everything afresh into its own
folder.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xxgk.model import ParseResult
from xxgk.parse.api import FAILURES, describe, failed
from xxgk.parse.metadata import Hints
from xxgk.parse.pool import Job, ParseLimits, ParsePool
from xxgk.parse.report import PARSER_VERSION
from xxgk.rawstore import RawStore


@dataclass(frozen=True)
class DocumentRef:
    sha256: str
    name: str
    locator: str
    hints: Hints | None = None  # what the crawler knew: the list link's title, the source's agency


@dataclass
class BatchSummary:
    parsed: int = 0
    reports: int = 0
    not_reports: int = 0
    unreadable: int = 0
    failed: int = 0  # too_large, parse_failed, timeout, memory
    skipped: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


RESULT_SUFFIX = ".json.gz"


def result_dir(parsed_root: Path) -> Path:
    return parsed_root / f"v{PARSER_VERSION}"


def result_path(parsed_root: Path, sha256: str) -> Path:
    """Where the current parser version's result of a document is (or will be)."""
    return result_dir(parsed_root) / f"{sha256}{RESULT_SUFFIX}"


def read_result(path: Path, **json_options: Any) -> dict[str, Any]:
    """A result file's record (``json_options`` go to :func:`json.loads`, e.g. ``parse_float``)."""
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"), **json_options)


def parse_documents(docs: list[DocumentRef], store: RawStore, parsed_root: Path,
                    limits: ParseLimits | None = None) -> BatchSummary:
    out_dir = result_dir(parsed_root)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    jobs = []
    for doc in docs:
        if result_path(parsed_root, doc.sha256).exists():
            summary.skipped += 1
        else:
            jobs.append(Job(doc.sha256, doc.name, doc.locator, path=str(store.path_for(doc.sha256)), hints=doc.hints))
    if not jobs:
        return summary
    with ParsePool(limits) as pool:
        for done in pool.run(jobs):
            text = record_json(done.job.key, done.result)
            _write_atomic(result_path(parsed_root, done.job.key), gzip.compress(text.encode("utf-8"), 3, mtime=0))
            outcome = json.loads(text)["outcome"]
            summary.parsed += 1
            summary.outcomes[outcome] += 1
            if outcome in FAILURES:
                summary.failed += 1
            elif outcome == "unreadable":
                summary.unreadable += 1
            elif outcome == "parsed":
                summary.reports += 1
            else:
                summary.not_reports += 1
    return summary


def to_record(sha256: str, result: ParseResult) -> dict[str, Any]:
    """The stored form of a parse result: the CLI's JSON contract plus identity and outcome."""
    return {"sha256": sha256, "parser_version": PARSER_VERSION, "outcome": result.outcome,
            "is_report": result.is_report, "unreadable": result.unreadable, **result.to_json(),
            "facts": [asdict(f) for f in result.facts]}


def record_json(sha256: str, result: ParseResult) -> str:
    """The record as JSON text that UTF-8 (and DuckDB) can hold. Never raises, so one
    document never stops the stage: a lone surrogate (text from a broken PDF font) becomes
    U+FFFD, as any decoder with ``errors="replace"`` would make it, and a result that cannot
    be written at all becomes a ``parse_failed`` record saying why."""
    try:
        text = json.dumps(to_record(sha256, result), ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return text
    except (ValueError, TypeError) as e:
        why = failed(result.report.source, "parse_failed", f"the result cannot be stored: {describe(e)}")
        return json.dumps(to_record(sha256, why), ensure_ascii=False)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
