"""Helpers for the acceptance tests against the portal simulator (xxgk.mirror)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from xxgk.crawl.http import ClientConfig
from xxgk.crawl.reports import FoundReport, found_reports
from xxgk.crawl.run import CrawlSummary, crawl
from xxgk.crawl.sources import Pacing, Registry, load_sources
from xxgk.rawstore import RawStore
from xxgk.warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
MIN_GAP = 0.05
CLOCK_SLACK = 0.02  # the server stamps a request's end after writing it; a busy GIL can delay that
CONFIG = ClientConfig(pacing=Pacing(min_gap=MIN_GAP, jitter=0.01), connect_timeout=2.0, read_timeout=10.0,
                      total_timeout=30.0, attempts=3, backoff=0.1, throttle_cooldown=0.3, max_retry_after=10.0)


def registry(*ids: str) -> Registry:
    """data/sources.toml plus the simulator-only sources, optionally narrowed to ``ids``."""
    base = load_sources(ROOT / "data" / "sources.toml")
    extra = load_sources(Path(__file__).parent / "mirror_sources.toml")
    sources = base.sources + extra.sources
    if ids:
        unknown = set(ids) - {s.id for s in sources}
        assert not unknown, unknown
        sources = tuple(s for s in sources if s.id in ids)
    return Registry(sources=sources, user_agent=base.user_agent, pacing=CONFIG.pacing)


class Crawler:
    """One warehouse + raw store crawled night after night against one mirror."""

    def __init__(self, tmp: Path, mirror, *ids: str, config: ClientConfig = CONFIG) -> None:
        self.mirror = mirror
        self.registry = registry(*ids)
        self.raw = RawStore(tmp / "raw")
        self.con = connect(tmp / "w.duckdb")
        self.config = config
        self.messages: list[str] = []

    def night(self, label: str, **overrides) -> CrawlSummary:
        config = replace(self.config, **overrides) if overrides else self.config
        return crawl(self.registry, self.raw, self.con, connect_to=[f"::127.0.0.1:{self.mirror.port}"],
                     allow_http=True, night=label, config=config, log=self.messages.append)

    def found(self, night: str | None = None) -> dict[tuple, FoundReport]:
        return {(r.host, r.agency, r.year): r for r in found_reports(self.con, night)}

    def hosts(self) -> set[str]:
        return {h for s in self.registry.sources for h in s.hosts}

    def expected(self, day: int) -> dict[tuple, object]:
        """The simulator's truth for the hosts of the crawled sources."""
        own = {s.host for s in self.registry.sources}
        return {(e.host, e.agency, e.year): e for e in self.mirror.expected_reports(day) if e.host in own}

    def log(self, **where) -> list[tuple]:
        cond = " AND ".join(f"{k} = ?" for k in where) or "TRUE"
        return self.con.execute(f"SELECT url, kind, outcome, http_status, attempts, change, sha256, detail, night "
                                f"FROM fetch_log WHERE {cond} ORDER BY id", list(where.values())).fetchall()

    def outcomes(self, night: str) -> dict[str, int]:
        return dict(self.con.execute("SELECT outcome, count(*) FROM fetch_log WHERE night = ? GROUP BY 1",
                                     [night]).fetchall())

    def raw_objects(self) -> set[str]:
        root = self.raw.root
        return {p.name for p in root.glob("*/*") if p.is_file()} if root.exists() else set()

    def documents(self) -> list[tuple]:
        return self.con.execute("SELECT sha256, locator FROM document ORDER BY locator, sha256").fetchall()

    def close(self) -> None:
        self.con.close()


def by_host(records) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for r in records:
        out[r.host].append(r)
    return out


def assert_polite(records, min_gap: float = MIN_GAP) -> None:
    """Per host: never two requests at once, and at least ``min_gap`` between one response's
    end and the next request's start (server clocks: both bounds are conservative)."""
    for host, unordered in by_host(records).items():
        for a, b in pairwise(sorted(unordered, key=lambda r: r.start)):
            assert b.start >= a.end, f"{host}: overlapping requests {a.target} / {b.target}"
            assert b.start - a.end >= min_gap - CLOCK_SLACK, f"{host}: gap {b.start - a.end:.3f}s before {b.target}"
