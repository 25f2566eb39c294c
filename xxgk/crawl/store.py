"""Crawl state in DuckDB (``fetch_log``, ``crawl_item``, ``document``) and bytes in the raw store.

Ordering makes a killed crawl safe to re-run: bytes go to the content-addressed raw store
first (atomic, idempotent), then one transaction per item writes its fetch-log row, its
``crawl_item`` state and, for a new version, its ``document`` row. A crash between the two
leaves an unreferenced raw object that the re-run writes again under the same name; a crash
inside the transaction leaves nothing. ``document`` rows are keyed (sha256, locator), so a
re-run cannot duplicate them. One lock serialises the per-host worker threads' DB access.
"""

from __future__ import annotations

import threading
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime

import duckdb
import polars as pl

from xxgk.crawl.http import FetchResult
from xxgk.rawstore import RawStore
from xxgk.warehouse.db import transaction


@dataclass(frozen=True)
class Item:
    """One ``crawl_item`` row (column order = table order)."""

    source_id: str
    url: str
    kind: str
    status: str = "live"
    parent_url: str | None = None
    title: str | None = None
    published: str | None = None
    agency: str | None = None
    report_year: int | None = None
    variant: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fingerprint: str | None = None
    sha256: str | None = None
    versions: int = 0
    first_seen: str = ""
    last_seen: str = ""
    last_ok: str | None = None
    last_fetched: str | None = None
    last_outcome: str | None = None
    gone_since: str | None = None


@dataclass(frozen=True)
class Document:
    """One ``document`` row (the table in 10_core.sql)."""

    sha256: str
    source_id: str
    locator: str
    name: str
    media_type: str | None
    bytes: int
    title_hint: str | None
    published_hint: str | None
    parent_sha256: str | None


@dataclass(frozen=True)
class LogRow:
    """One ``fetch_log`` row (without the id)."""

    night: str
    source_id: str
    kind: str
    method: str
    url: str
    final_url: str | None
    fetched_at: datetime
    http_status: int | None
    outcome: str
    attempts: int
    elapsed_ms: int | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    media_type: str | None
    bytes: int | None
    sha256: str | None
    change: str | None
    detail: str | None

    @classmethod
    def of(cls, night: str, source_id: str, kind: str, result: FetchResult, *, url: str | None = None,
           outcome: str | None = None, sha256: str | None = None, change: str | None = None,
           detail: str | None = None) -> LogRow:
        return cls(
            night=night, source_id=source_id, kind=kind, method=result.method, url=url or result.url,
            final_url=result.final_url or None, fetched_at=result.started_at.replace(tzinfo=None),
            http_status=result.status, outcome=outcome or result.outcome, attempts=result.attempts,
            elapsed_ms=int(result.elapsed * 1000), etag=result.etag, last_modified=result.last_modified,
            content_type=result.content_type, media_type=result.media_type,
            bytes=len(result.body) if result.body is not None else None, sha256=sha256, change=change,
            detail=detail if detail is not None else (result.detail or None),
        )


#: One item's rows as the crawl writes them: its log row, the item, a new document or None.
Rows = tuple[LogRow, Item, Document | None]

_ITEM_COLUMNS = ", ".join(f.name for f in fields(Item))
_LOG_COLUMNS = ", ".join(f.name for f in fields(LogRow))
_DOC_COLUMNS = ", ".join(f.name for f in fields(Document))


def _marks(n: int) -> str:
    return ", ".join("?" * n)


class CrawlStore:
    def __init__(self, con: duckdb.DuckDBPyConnection, raw: RawStore, night: str) -> None:
        self.con = con
        self.raw = raw
        self.night = night
        self.lock = threading.RLock()
        con.execute("INSERT OR IGNORE INTO crawl_night SELECT ?, coalesce(max(seq), 0) + 1, ? FROM crawl_night",
                    [night, datetime.now(UTC).replace(tzinfo=None)])
        self.seqs: dict[str, int] = dict(con.execute("SELECT night, seq FROM crawl_night").fetchall())
        # When a document was seen is recorded per night (the night's start), so the versions of
        # one report seen on the same night tie and the latest night decides (A -> B -> A ends on A).
        self.night_started: datetime = con.execute(
            "SELECT started_at FROM crawl_night WHERE night = ?", [night]).fetchone()[0]

    def nights_since(self, night: str | None) -> int | None:
        """How many nights ago ``night`` was (0: tonight; None: never)."""
        return self.seqs[self.night] - self.seqs[night] if night in self.seqs else None

    def put_bytes(self, data: bytes) -> str:
        """Raw bytes first, always before the rows that refer to them."""
        return self.raw.put_bytes(data)

    def get_bytes(self, sha256: str) -> bytes | None:
        return self.raw.get(sha256) if self.raw.has(sha256) else None

    def item(self, source_id: str, url: str) -> Item | None:
        with self.lock:
            row = self.con.execute(f"SELECT {_ITEM_COLUMNS} FROM crawl_item WHERE source_id = ? AND url = ?",
                                   [source_id, url]).fetchone()
        return Item(*row) if row else None

    def same_content(self, source_id: str, agency: str | None, year: int | None, fingerprint: str) -> Item | None:
        """Another stored page of the same report with this exact content (a moved column's
        new URL, the bare-host or second-column copy, a ``(图文)`` twin with the same body)."""
        with self.lock:
            row = self.con.execute(
                f"SELECT {_ITEM_COLUMNS} FROM crawl_item WHERE source_id = ? AND agency IS NOT DISTINCT FROM ? "
                f"AND report_year IS NOT DISTINCT FROM ? AND fingerprint = ? AND sha256 IS NOT NULL "
                f"AND kind = 'article' ORDER BY first_seen, url LIMIT 1",
                [source_id, agency, year, fingerprint]).fetchone()
        return Item(*row) if row else None

    def items(self, source_id: str, kinds: tuple[str, ...], status: str | None = "live") -> list[Item]:
        """The source's items of these kinds with this status (None: whatever their status)."""
        with self.lock:
            rows = self.con.execute(
                f"SELECT {_ITEM_COLUMNS} FROM crawl_item WHERE source_id = ? AND (? IS NULL OR status = ?) "
                f"AND list_contains(?, kind) ORDER BY url", [source_id, status, status, list(kinds)]).fetchall()
        return [Item(*r) for r in rows]

    def save_many(self, rows: list[Rows]) -> None:
        """Write many items' rows (log row, item, new document or None) in one transaction of
        bulk statements, as :meth:`save` writes one: a large directory source costs a few
        statements per batch, not four per file. The documents' bytes are in the raw store
        already, so losing the transaction to a kill loses nothing: the files are found again."""
        if not rows:
            return
        frames = {
            "batch_logs": pl.DataFrame([astuple(log) for log, _, _ in rows], schema=[f.name for f in fields(LogRow)],
                                       orient="row", infer_schema_length=None),
            "batch_items": pl.DataFrame([astuple(item) for _, item, _ in rows], schema=[f.name for f in fields(Item)],
                                        orient="row", infer_schema_length=None),
        }
        docs = {d.sha256: astuple(d) for _, _, d in reversed(rows) if d is not None}  # first of equal bytes
        if docs:
            frames["batch_documents"] = pl.DataFrame(list(docs.values()), schema=[f.name for f in fields(Document)],
                                                     orient="row", infer_schema_length=None)
        with self.lock, transaction(self.con, **frames):
            self.con.execute(f"INSERT INTO fetch_log ({_LOG_COLUMNS}) SELECT {_LOG_COLUMNS} FROM batch_logs")
            self.con.execute(f"INSERT OR REPLACE INTO crawl_item ({_ITEM_COLUMNS}) "
                             f"SELECT {_ITEM_COLUMNS} FROM batch_items")
            if docs:
                self.con.execute(f"INSERT OR IGNORE INTO document ({_DOC_COLUMNS}, first_seen_at, last_seen_at) "
                                 f"SELECT {_DOC_COLUMNS}, ?, ? FROM batch_documents",
                                 [datetime.now(UTC).replace(tzinfo=None), self.night_started])
            self.con.execute("UPDATE document SET last_seen_at = ? WHERE sha256 IN (SELECT sha256 FROM batch_items "
                             "WHERE status = 'live' AND last_outcome IN ('ok', 'not_modified')) "
                             "AND last_seen_at IS DISTINCT FROM ?", [self.night_started, self.night_started])

    def save(self, log: LogRow | None, item: Item | None = None, document: Document | None = None) -> None:
        """Write one item's rows in one transaction."""
        with self.lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                if log is not None:
                    self.con.execute(f"INSERT INTO fetch_log ({_LOG_COLUMNS}) VALUES ({_marks(len(fields(LogRow)))})",
                                     list(astuple(log)))
                if item is not None:
                    self.con.execute(f"INSERT OR REPLACE INTO crawl_item ({_ITEM_COLUMNS}) "
                                     f"VALUES ({_marks(len(fields(Item)))})", list(astuple(item)))
                if document is not None:
                    self.con.execute(
                        f"INSERT OR IGNORE INTO document ({_DOC_COLUMNS}, first_seen_at, last_seen_at) "
                        f"VALUES ({_marks(len(fields(Document)) + 2)})",
                        [*astuple(document), datetime.now(UTC).replace(tzinfo=None), self.night_started])
                if item is not None and item.sha256 and item.status == "live" \
                        and item.last_outcome in ("ok", "not_modified"):
                    # the content was seen tonight, at this URL or (a moved page, a twin) under another
                    self.con.execute("UPDATE document SET last_seen_at = ? WHERE sha256 = ? "
                                     "AND last_seen_at IS DISTINCT FROM ?",
                                     [self.night_started, item.sha256, self.night_started])
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    def mark_gone(self, source_id: str, urls: list[str]) -> None:
        """Mark items gone (never delete): they keep their versions and documents."""
        if not urls:
            return
        with self.lock:
            self.con.execute(
                "UPDATE crawl_item SET status = 'gone', gone_since = ? "
                "WHERE source_id = ? AND status = 'live' AND list_contains(?, url)",
                [self.night, source_id, urls])
