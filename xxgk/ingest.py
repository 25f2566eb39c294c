"""Getting documents into the raw store and the ``document`` table.

Two doors lead in: the crawler (:mod:`xxgk.crawl`) for portals, and :func:`ingest_directory`
for a local folder of report files (bundled inputs, a researcher's downloads). Both end in
:func:`register_document`, so every document has the same provenance record whichever door
it came through. Registration is idempotent: the same bytes at the same locator are recorded
once, however often a run repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xxgk.extract.sniff import sniff_media_type
from xxgk.rawstore import RawStore

# Files a directory source picks up; anything else in the folder is ignored.
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".doc", ".docx", ".wps", ".xlsx", ".ofd")


@dataclass
class IngestSummary:
    seen: int = 0
    new: int = 0


def register_document(
    con: duckdb.DuckDBPyConnection,
    *,
    sha256: str,
    source_id: str,
    locator: str,
    name: str,
    media_type: str,
    size: int,
    title_hint: str | None = None,
    published_hint: str | None = None,
    parent_sha256: str | None = None,
    seen_at: datetime | None = None,
) -> bool:
    """Record a stored document; True if this (bytes, locator) pair is new."""
    exists = con.execute(
        "SELECT 1 FROM document WHERE sha256 = ? AND locator = ?", [sha256, locator]
    ).fetchone()
    if exists:
        return False
    con.execute(
        "INSERT INTO document VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sha256, source_id, locator, name, media_type, size, title_hint, published_hint, parent_sha256,
         seen_at or datetime.now(UTC).replace(tzinfo=None)],
    )
    return True


def ingest_directory(con: duckdb.DuckDBPyConnection, store: RawStore, source_id: str, root: Path) -> IngestSummary:
    """Store every document file under ``root`` (sorted, so runs are reproducible)."""
    summary = IngestSummary()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES):
        data = path.read_bytes()
        sha = store.put_bytes(data)
        summary.seen += 1
        locator = path.relative_to(root).as_posix()
        if register_document(con, sha256=sha, source_id=source_id, locator=f"{source_id}:{locator}",
                             name=path.name, media_type=sniff_media_type(data, path.name), size=len(data)):
            summary.new += 1
    return summary
