"""Is tonight's data fit to publish? Crawl health per source, and reports never lost.

A portal that is down one night is ordinary: its reports wait for the next night. A night in
which no source answers at all (or none of those that answered the night before) is not news
about the portals but about us (the network, DNS, a proxy), and publishing it would replace a
good warehouse with an empty or stale one. Likewise a warehouse holding fewer reports than the
published copy has lost something. Both fail the run before publication
(:mod:`assets.health`), and the previous published warehouse stays in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# a fetch "answered" when a server replied (any HTTP status) or a directory source read a file
ANSWERED = "(http_status IS NOT NULL OR outcome IN ('ok', 'not_modified'))"


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    fetches: int
    answered: int
    ok: int
    failed: int
    robots: str | None  # outcome of tonight's robots.txt fetch
    answered_last_night: bool


@dataclass
class CrawlHealth:
    night: str | None
    previous_night: str | None
    sources: list[SourceHealth] = field(default_factory=list)

    @property
    def unreachable(self) -> list[str]:
        return [s.source_id for s in self.sources if s.answered == 0]

    @property
    def silent_since_last_night(self) -> list[str]:
        return [s.source_id for s in self.sources if s.answered == 0 and s.answered_last_night]

    @property
    def ok(self) -> bool:
        if not self.sources:
            return True  # nothing was crawled (no sources): nothing to judge
        if len(self.unreachable) == len(self.sources):
            return False
        answered_before = sum(s.answered_last_night for s in self.sources)
        return not (answered_before and len(self.silent_since_last_night) == answered_before)

    @property
    def reason(self) -> str:
        n, total = len(self.unreachable), len(self.sources)
        if self.ok:
            return f"{total - n} of {total} sources answered" + (f"; unreachable: {', '.join(self.unreachable)}"
                                                                  if n else "")
        return f"{n} of {total} sources unreachable: network down?"


def crawl_health(con: duckdb.DuckDBPyConnection) -> CrawlHealth:
    """Health of the latest crawl night, per source, against the night before."""
    nights = [r[0] for r in con.execute("SELECT night FROM crawl_night ORDER BY seq DESC LIMIT 2").fetchall()]
    if not nights:
        return CrawlHealth(None, None)
    night, previous = nights[0], (nights[1] if len(nights) > 1 else None)
    rows = con.execute(f"""
        WITH sources AS (SELECT DISTINCT source_id FROM fetch_log WHERE night IN (?, ?)),
        tonight AS (
            SELECT source_id, count(*) AS fetches, count(*) FILTER ({ANSWERED}) AS answered,
                   count(*) FILTER (outcome IN ('ok', 'not_modified')) AS ok,
                   count(*) FILTER (outcome NOT IN ('ok', 'not_modified', 'not_found', 'deferred')) AS failed,
                   arg_max(outcome, fetched_at) FILTER (kind = 'robots') AS robots
            FROM fetch_log WHERE night = ? GROUP BY source_id),
        before AS (
            SELECT source_id, count(*) FILTER ({ANSWERED}) > 0 AS answered
            FROM fetch_log WHERE night = ? GROUP BY source_id)
        SELECT s.source_id, coalesce(t.fetches, 0), coalesce(t.answered, 0), coalesce(t.ok, 0),
               coalesce(t.failed, 0), t.robots, coalesce(b.answered, false)
        FROM sources s LEFT JOIN tonight t USING (source_id) LEFT JOIN before b USING (source_id)
        ORDER BY s.source_id""", [night, previous, night, previous]).fetchall()
    return CrawlHealth(night, previous, [SourceHealth(*r) for r in rows])


@dataclass(frozen=True)
class ReportsKept:
    warehouse: int
    published: int | None  # None: nothing published yet

    @property
    def ok(self) -> bool:
        return self.published is None or self.warehouse >= self.published

    @property
    def reason(self) -> str:
        if self.published is None:
            return f"{self.warehouse} reports; nothing published yet"
        if self.ok:
            return f"{self.warehouse} reports (published copy: {self.published})"
        return (f"the warehouse holds {self.warehouse} reports, the published copy {self.published}: "
                f"{self.published - self.warehouse} would be lost")


def reports_kept(con: duckdb.DuckDBPyConnection, published: Path) -> ReportsKept:
    """Report versions in the warehouse against those in the published copy."""
    have = con.execute("SELECT count(*) FROM report").fetchone()[0]
    if not published.exists():
        return ReportsKept(have, None)
    pub = duckdb.connect(str(published), read_only=True)
    try:
        return ReportsKept(have, pub.execute("SELECT count(*) FROM report").fetchone()[0])
    finally:
        pub.close()
