"""The source registry (``data/sources.toml``): which portals and folders the nightly crawl reads.

A source is one annual-report column on one portal (or one local folder of report files).
Everything the crawler may vary per site lives here, not in code: the CMS family that decides
how pages are read, the charset and scheme when a site lies about them, the pacing, and the
extra hosts (attachment OSS buckets, the bare twin of a ``www.`` host) a source may touch.
The format is documented in ``xxgk/crawl/README.md``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

FAMILIES = ("trs", "hanweb_jcms", "hanweb_jpaas", "siteserver", "gkmlpt", "directory")


class SourceError(ValueError):
    """The sources file is malformed; the message names the source and the field."""


@dataclass(frozen=True)
class Pacing:
    """Per-host politeness: at least ``min_gap`` seconds between one response's end and the
    next request's start, plus a uniform random ``jitter`` in [0, jitter) on top."""

    min_gap: float = 1.0
    jitter: float = 2.0


@dataclass(frozen=True)
class Source:
    id: str
    family: str
    region_code: str
    region_name: str
    agency: str
    urls: tuple[str, ...] = ()          # annual-report column page(s); empty for ``directory``
    path: Path | None = None            # ``directory`` sources only
    verified: bool = False              # True once the URL was seen live on the real portal
    charset: str | None = None          # forced charset when the site's declarations lie
    scheme: str | None = None           # forced scheme for the source's hosts (http-only hosts)
    pacing: Pacing | None = None        # None: the crawl-wide default
    extra_hosts: tuple[str, ...] = ()   # other hosts this source may fetch (attachment OSS …)
    aliases: tuple[str, ...] = ()       # hosts serving the same site as ``host`` (bare/www twin)
    max_pages: int = 50                 # hard stop for list paging per column
    host_budget: float | None = None    # seconds per night for this source's hosts; None: the default
    recheck_days: int = 7               # re-download pages without validators at least this often
    notes: str = ""

    @property
    def host(self) -> str:
        """The canonical host of the source (that of its first column URL)."""
        if not self.urls:
            return ""
        return (urlsplit(self.urls[0]).hostname or "").lower()

    @property
    def hosts(self) -> frozenset[str]:
        """Every host the crawler may contact for this source."""
        hs = {urlsplit(u).hostname or "" for u in self.urls}
        return frozenset(h.lower() for h in (*hs, *self.extra_hosts, *self.aliases) if h)

    def canonical_url(self, url: str) -> str:
        """Rewrite an alias host (and the scheme, if forced) to the source's canonical form, so
        the same page reached as ``ruzhou.gov.cn`` and ``www.ruzhou.gov.cn`` is one item."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        netloc = parts.netloc
        scheme = parts.scheme
        if host in self.aliases and self.host:
            netloc = self.host if parts.port is None else f"{self.host}:{parts.port}"
            scheme = urlsplit(self.urls[0]).scheme
        if self.scheme and (host in self.hosts or host == self.host):
            scheme = self.scheme
        return parts._replace(scheme=scheme, netloc=netloc).geturl()


@dataclass(frozen=True)
class Registry:
    sources: tuple[Source, ...]
    user_agent: str | None = None
    pacing: Pacing = field(default_factory=Pacing)
    host_budget: float | None = None    # seconds per host per night; None: ClientConfig's default
    night_budget: float | None = None   # seconds for the whole night; None: ClientConfig's default

    def only(self, ids: Iterable[str]) -> Registry:
        """These sources alone (retrying or backfilling one portal; every other source keeps its
        items, since a crawl marks gone only what its own listings no longer show). No ids: all."""
        ids = set(ids)
        if not ids:
            return self
        unknown = ids - {s.id for s in self.sources}
        if unknown:
            raise SourceError(f"unknown source ids {sorted(unknown)}")
        return replace(self, sources=tuple(s for s in self.sources if s.id in ids))


_SOURCE_KEYS = {
    "id", "family", "region_code", "region_name", "agency", "url", "path", "verified", "charset",
    "scheme", "pacing", "extra_hosts", "aliases", "max_pages", "recheck_days", "host_budget", "notes",
}


def load_sources(path: str | os.PathLike[str]) -> Registry:
    """Read and validate a sources file. Relative ``path`` entries of ``directory`` sources are
    resolved against the sources file's folder, so a file can travel with its data."""
    p = Path(path)
    with p.open("rb") as f:
        raw = tomllib.load(f)
    return parse_sources(raw, base=p.parent)


def parse_sources(raw: dict, base: Path) -> Registry:
    defaults = raw.get("defaults", {})
    unknown_defaults = set(defaults) - {"user_agent", "pacing", "host_budget", "night_budget"}
    if unknown_defaults:
        raise SourceError(f"[defaults]: unknown keys {sorted(unknown_defaults)}")
    sources = tuple(_parse_source(entry, base) for entry in raw.get("source", []))
    ids = [s.id for s in sources]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SourceError(f"duplicate source ids: {dupes}")
    return Registry(
        sources=sources,
        user_agent=defaults.get("user_agent"),
        pacing=_parse_pacing(defaults.get("pacing"), "[defaults]") or Pacing(),
        host_budget=_parse_seconds(defaults.get("host_budget"), "[defaults] host_budget"),
        night_budget=_parse_seconds(defaults.get("night_budget"), "[defaults] night_budget"),
    )


def _parse_source(entry: dict, base: Path) -> Source:
    sid = entry.get("id")
    if not sid or not isinstance(sid, str):
        raise SourceError(f"a [[source]] has no string id: {entry!r}")
    where = f"source {sid!r}"
    unknown = set(entry) - _SOURCE_KEYS
    if unknown:
        raise SourceError(f"{where}: unknown keys {sorted(unknown)}")
    family = entry.get("family")
    if family not in FAMILIES:
        raise SourceError(f"{where}: family must be one of {FAMILIES}, got {family!r}")
    for key in ("region_code", "region_name", "agency"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise SourceError(f"{where}: {key} is required")

    urls: tuple[str, ...] = ()
    path: Path | None = None
    if family == "directory":
        if "path" not in entry or "url" in entry:
            raise SourceError(f"{where}: a directory source has a path and no url")
        path = Path(entry["path"])
        path = path if path.is_absolute() else (base / path)
    else:
        url = entry.get("url")
        urls = (url,) if isinstance(url, str) else tuple(url or ())
        if not urls or "path" in entry:
            raise SourceError(f"{where}: a {family} source has a url (string or list) and no path")
        for u in urls:
            parts = urlsplit(u)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SourceError(f"{where}: not an absolute http(s) URL: {u!r}")

    scheme = entry.get("scheme")
    if scheme not in (None, "http", "https"):
        raise SourceError(f"{where}: scheme must be http or https")
    return Source(
        id=sid,
        family=family,
        region_code=entry["region_code"],
        region_name=entry["region_name"],
        agency=entry["agency"],
        urls=urls,
        path=path,
        verified=bool(entry.get("verified", False)),
        charset=entry.get("charset"),
        scheme=scheme,
        pacing=_parse_pacing(entry.get("pacing"), where),
        extra_hosts=tuple(h.lower() for h in entry.get("extra_hosts", ())),
        aliases=tuple(h.lower() for h in entry.get("aliases", ())),
        max_pages=int(entry.get("max_pages", 50)),
        recheck_days=int(entry.get("recheck_days", 7)),
        host_budget=_parse_seconds(entry.get("host_budget"), f"{where}: host_budget"),
        notes=entry.get("notes", ""),
    )


def _parse_pacing(raw: dict | None, where: str) -> Pacing | None:
    if raw is None:
        return None
    unknown = set(raw) - {"min_gap", "jitter"}
    if unknown:
        raise SourceError(f"{where}: unknown pacing keys {sorted(unknown)}")
    pacing = Pacing(min_gap=float(raw.get("min_gap", 1.0)), jitter=float(raw.get("jitter", 2.0)))
    if pacing.min_gap < 0 or pacing.jitter < 0:
        raise SourceError(f"{where}: pacing values must be >= 0")
    return pacing


def _parse_seconds(raw: object, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise SourceError(f"{where} must be a number of seconds > 0, got {raw!r}")
    return float(raw)
