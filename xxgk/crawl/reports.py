"""Reports as the crawler knows them: one per (host, agency, year), with a content version.

A report may be reachable at several URLs (two columns, ``www.`` and bare host, a ``(图文)``
twin, a cover page plus its PDF); ``crawl_item`` keeps each URL, this view folds them. The
version is a digest of the fingerprints of the report's plain (non-twin) documents and their
live attachments, so it changes exactly when the report's content does, whatever the chrome.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import duckdb


@dataclass(frozen=True)
class FoundReport:
    host: str
    agency: str
    year: int | None
    version: str
    urls: tuple[str, ...]          # article pages / files (not attachments)
    sha256s: tuple[str, ...]       # current raw-store objects of the documents and attachments
    last_seen: str | None          # last night any of its documents was listed
    status: str                    # live | gone


def found_reports(con: duckdb.DuckDBPyConnection, night: str | None = None) -> list[FoundReport]:
    """Reports with stored content. With ``night``: only those listed that night and still
    live, i.e. what the crawl found that night (a page that failed tonight keeps its stored
    copy; a host closed by a challenge lists nothing)."""
    rows = con.execute(
        "SELECT source_id, url, kind, status, parent_url, agency, report_year, variant, fingerprint, sha256, "
        "last_seen, coalesce(n.seq, 0) FROM crawl_item i LEFT JOIN crawl_night n ON n.night = i.last_seen "
        "WHERE kind IN ('article', 'file', 'attachment') ORDER BY url").fetchall()
    docs = [r for r in rows if r[2] in ("article", "file") and r[9] is not None]
    attachments: dict[tuple[str, str], list[tuple]] = {}
    for r in rows:
        if r[2] == "attachment" and r[3] == "live" and r[9] is not None:
            attachments.setdefault((r[0], r[4]), []).append(r)
    groups: dict[tuple[str, str, int | None], list[tuple]] = {}
    for r in docs:
        host = (urlsplit(r[1]).hostname or r[1]).lower() if "://" in r[1] else ""
        groups.setdefault((host, r[5] or "", r[6]), []).append(r)
    out = []
    for (host, agency, year), members in groups.items():
        live = [m for m in members if m[3] == "live"]
        current = live or members
        plain = [m for m in current if not m[7]] or current
        parts = sorted({m[8] or "" for m in plain})
        shas = [m[9] for m in current]
        for m in plain:
            parts += sorted(a[8] or "" for a in attachments.get((m[0], m[1]), ()))
        for m in current:
            shas += [a[9] for a in attachments.get((m[0], m[1]), ())]
        last_seen = max(current, key=lambda m: m[11])[10]
        report = FoundReport(
            host=host, agency=agency, year=year,
            version=hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16],
            urls=tuple(sorted(m[1] for m in current)), sha256s=tuple(sorted(set(shas))),
            last_seen=last_seen, status="live" if live else "gone")
        if night is None or (report.status == "live" and report.last_seen == night):
            out.append(report)
    return sorted(out, key=lambda r: (r.host, r.agency, r.year or 0))
