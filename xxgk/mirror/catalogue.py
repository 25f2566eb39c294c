"""The simulated portals as data: hosts, columns, reports and their day-by-day presence.

Everything the simulator serves is described by ``data/mirror/catalogue.toml`` so that a run is
reproducible and the simulator can say, for any simulated day, which reports exist where. This
module only interprets that file (no HTML): which reports a column lists on a day, where a
report lives after a column move, and which URLs redirect. ``[[series]]`` entries expand into
plain synthetic reports with deterministic ids, paths and posting dates.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "mirror"
# Real reports (seeds, PDFs, 平潭 pages) live once, in the bundled corpus beside their ground truth.
CORPUS_DIR = DATA_DIR.parent / "corpus"
FAMILIES = ("jpaas", "jcms", "trs", "trs_real", "siteserver", "spam", "oss")
NEVER = 10**6  # until_day of things that never disappear


@dataclass(frozen=True)
class Attachment:
    """A file linked from a report page. ``file`` is ``corpus/<name>`` (data/corpus), a name in
    data/mirror/files, or ``docx:self`` (the report rendered as Word); ``via`` picks the download
    route of the family."""

    file: str
    name: str
    via: str  # gateway | oss | downfile | static
    from_day: int = 0
    until_day: int = NEVER
    content_type: str = ""  # override of the served Content-Type (downfile.jsp sends text/html)

    def present(self, day: int) -> bool:
        return self.from_day <= day < self.until_day

    @property
    def ext(self) -> str:
        return "docx" if self.file == "docx:self" else self.file.rsplit(".", 1)[-1].lower()


@dataclass(frozen=True)
class Edit:
    """A silent change of one printed table cell from ``day`` on (scenario day 3)."""

    day: int
    table: str
    row: str
    col: str
    value: str


@dataclass(frozen=True)
class Report:
    """One list item: normally a report page, or a notice / spam link (``kind``)."""

    key: str
    host: str
    column: str
    title: str
    posted: datetime
    path: str
    agency: str = ""
    year: int = 0
    content: str = "synthetic"  # seed:<id> | synthetic | legacy | pingtan:<file> | file:<name> | notice
    kind: str = "report"  # report | notice | spam_link
    status: str = "ok"  # ok | missing (listed, never captured: 404) | dead (404) | broken_file
    link: str = "relative"  # how lists link it: relative | protocol-relative | absolute | alias
    url: str = ""  # absolute target of a spam_link
    format: str = "html"  # where the full text lives: html | pdf | docx
    cover: bool = False  # page is a short cover note, the text is in the attachment
    twin_of: str = ""  # key of the report this (图文) page duplicates
    from_day: int = 0
    until_day: int = NEVER
    attachments: tuple[Attachment, ...] = ()
    edits: tuple[Edit, ...] = ()
    synthetic: bool = False

    def present(self, day: int) -> bool:
        return self.from_day <= day < self.until_day

    @property
    def article_id(self) -> str:
        return _digits(self.key, 8)


@dataclass(frozen=True)
class Column:
    host: str
    id: str
    name: str
    parent: str = ""
    page_size: int = 15
    group_size: int = 3  # Hanweb jpage: records in the page = group_size * page_size
    path: str = ""  # explicit list path (TRS directories, 淮安's odd column URL)
    page_file: str = ""  # a captured real list page served as is (平潭), under data/corpus
    moved_day: int = NEVER
    moved_to: str = ""

    def id_on(self, day: int) -> str:
        return self.moved_to if day >= self.moved_day else self.id


@dataclass(frozen=True)
class Host:
    name: str
    family: str
    site_name: str
    scheme: str = "http"
    site_code: str = ""
    web_id: str = "1"
    aliases: tuple[str, ...] = ()
    alias_charset: str = ""  # the alias hosts serve the same site in this charset (汝州's old GBK site)
    not_found: str = "404"  # 404 | soft404 | redirect_home | home
    challenge_days: tuple[int, ...] = ()
    robots: str = "User-agent: *\nDisallow: /module/visitcount/\n"
    ingest: bool = True  # False for the spam mirror and the robots-denied host
    copies: tuple[tuple[str, str], ...] = ()  # spam mirror: (path, key of the copied report)
    xxgk_area: str = ""  # Hanweb 信息公开 module (search.jsp, xxgkAnnualReport.jsp) with this area code


@dataclass
class Catalogue:
    hosts: dict[str, Host]
    columns: list[Column]
    reports: list[Report]
    secret: str = "xxgk-mirror"
    _alias: dict[str, str] = field(default_factory=dict)
    content_cache: dict[str, object] = field(default_factory=dict, repr=False)  # key -> ReportContent

    def __post_init__(self) -> None:
        for h in self.hosts.values():
            self._alias[h.name] = h.name
            for a in h.aliases:
                self._alias[a] = h.name

    # --- lookups -----------------------------------------------------------------------
    @property
    def host_names(self) -> list[str]:
        """Every name the server answers for, aliases included."""
        return sorted(self._alias)

    def resolve(self, name: str) -> Host | None:
        canonical = self._alias.get(name)
        return self.hosts[canonical] if canonical else None

    def report(self, key: str) -> Report:
        for r in self.reports:
            if r.key == key:
                return r
        raise KeyError(key)

    def columns_of(self, host: str) -> list[Column]:
        return [c for c in self.columns if c.host == host]

    def column(self, host: str, col_id: str, day: int) -> Column | None:
        """The column whose id is ``col_id`` on ``day`` (after a move only the new id works)."""
        for c in self.columns_of(host):
            if c.id_on(day) == col_id:
                return c
        return None

    def children(self, col: Column) -> list[Column]:
        return [c for c in self.columns_of(col.host) if c.parent == col.id]

    def _descendants(self, col: Column) -> set[str]:
        out = {col.id}
        for child in self.children(col):
            out |= self._descendants(child)
        return out

    # --- day state ---------------------------------------------------------------------
    def _members(self, col: Column) -> list[Report]:
        ids = self._descendants(col)
        return [r for r in self.reports if r.host == col.host and r.column in ids]

    def listed(self, col: Column, day: int, early_until: int | None = None) -> list[Report]:
        """Items a column lists on ``day``, newest first. A column aggregates its sub-columns.

        With ``early_until``, items due to appear after ``day`` up to that day show already
        (fault F20: a report appears while the crawler is paging)."""
        items = [
            r
            for r in self._members(col)
            if r.present(day) or (early_until is not None and day < r.from_day <= early_until < r.until_day)
        ]
        return sorted(items, key=lambda r: (r.posted, r.key), reverse=True)

    def next_arrival(self, col: Column, day: int) -> int | None:
        """The next day on which a new item appears in the column."""
        days = [r.from_day for r in self._members(col) if r.from_day > day]
        return min(days) if days else None

    def path_on(self, r: Report, day: int) -> str:
        """Where a report lives on ``day``: a moved column takes its items' URLs along."""
        path = r.path
        for c in self.columns_of(r.host):
            if day >= c.moved_day and c.id in path:
                path = path.replace(c.id, c.moved_to)
        return path

    def find(self, host: str, path: str, day: int) -> Report | None:
        """The report or notice served at ``path`` on ``day`` (present or not)."""
        for r in self.reports:
            if r.host == host and r.kind != "spam_link" and self.path_on(r, day) == path:
                return r
        return None

    def redirect(self, host: str, path: str, day: int) -> str | None:
        """New location of a URL that a column move made obsolete (answered with 301)."""
        for c in self.columns_of(host):
            if day >= c.moved_day and c.id in path:
                return path.replace(c.id, c.moved_to)
        return None

    def challenged(self, host: str, day: int) -> bool:
        return day in self.hosts[host].challenge_days


def column_path(host: Host, col: Column, day: int) -> str:
    """The list URL path of a column in its family's scheme."""
    if col.path:
        return col.path.replace(col.id, col.id_on(day))
    cid = col.id_on(day)
    if host.family == "siteserver":
        return f"/channels/{cid}.html"
    if host.family in ("trs", "trs_real"):
        return f"/{cid}/"
    return f"/col/col{cid}/index.html"


def _digits(key: str, n: int) -> str:
    """Deterministic decimal id of ``n`` digits derived from a key (no leading zero)."""
    v = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return str(10 ** (n - 1) + v % (9 * 10 ** (n - 1)))


def _hex(key: str) -> str:
    return hashlib.sha256(("hex:" + key).encode()).hexdigest()[:32]


def default_path(family: str, col: Column, posted: datetime, key: str) -> str:
    """Article path of a generated report, shaped like its family's real URLs (portals.md §1)."""
    y, m, d = posted.year, posted.month, posted.day
    if family == "jpaas":
        return f"/col/col{col.id}/art/{y}/art_{_hex(key)}.html"
    if family == "jcms":
        return f"/art/{y}/{m}/{d}/art_{col.id}_{_digits(key, 7)}.html"
    if family == "siteserver":
        return f"/contents/{col.id}/{_digits(key, 6)}.html"
    if family == "trs":
        base = col.path or f"/{col.id}/"
        return f"{base}{y}{m:02d}/t{y}{m:02d}{d:02d}_{_digits(key, 6)}.html"
    raise ValueError(f"no generated paths for family {family}")


def _posted_for(key: str, year: int) -> datetime:
    """Posting date of a generated report: mid-January to mid-March of the following year (§2)."""
    n = int(_digits(key, 6))
    day_of_season = n % 60
    month, day = (
        (1, 15 + day_of_season)
        if day_of_season < 16
        else (2 + (day_of_season - 16) // 28, 1 + (day_of_season - 16) % 28)
    )
    return datetime(year + 1, month, day, 9 + n % 8, (n // 7) % 60)


def _title(agency: str, year: int, key: str) -> str:
    style = "年度" if int(_digits(key, 4)) % 3 else "年"
    return f"{agency}{year}{style}政府信息公开工作年度报告"


# --- loading ---------------------------------------------------------------------------


def load(path: Path | None = None) -> Catalogue:
    """Read the catalogue TOML and expand its series."""
    raw = tomllib.loads((path or DATA_DIR / "catalogue.toml").read_text(encoding="utf-8"))
    hosts = {h["name"]: _host(h) for h in raw["host"]}
    columns = [_column(c) for c in raw["column"]]
    reports = [_report(r) for r in raw["report"]]
    taken = {(r.host, r.agency, r.year) for r in reports if r.kind == "report"}
    for s in raw.get("series", []):
        reports.extend(_series(s, hosts[s["host"]], columns, taken))
    cat = Catalogue(hosts=hosts, columns=columns, reports=reports, secret=raw.get("secret", "xxgk-mirror"))
    _check(cat)
    return cat


def _host(h: dict) -> Host:
    return Host(
        name=h["name"],
        family=h["family"],
        site_name=h["site_name"],
        scheme=h.get("scheme", "http"),
        site_code=h.get("site_code", ""),
        web_id=str(h.get("web_id", "1")),
        aliases=tuple(h.get("aliases", ())),
        alias_charset=h.get("alias_charset", ""),
        not_found=h.get("not_found", "404"),
        challenge_days=tuple(h.get("challenge_days", ())),
        robots=h.get("robots", Host.robots),
        ingest=h.get("ingest", True),
        copies=tuple((c["path"], c["of"]) for c in h.get("copies", ())),
        xxgk_area=h.get("xxgk_area", ""),
    )


def _column(c: dict) -> Column:
    moved = c.get("moved", {})
    return Column(
        host=c["host"],
        id=str(c["id"]),
        name=c["name"],
        parent=str(c.get("parent", "")),
        page_size=c.get("page_size", 15),
        group_size=c.get("group_size", 3),
        path=c.get("path", ""),
        page_file=c.get("page_file", ""),
        moved_day=moved.get("day", NEVER),
        moved_to=str(moved.get("to", "")),
    )


def _report(r: dict) -> Report:
    return Report(
        key=r["key"],
        host=r["host"],
        column=str(r.get("column", "")),
        title=r["title"],
        posted=datetime.fromisoformat(r["posted"]),
        path=r.get("path", ""),
        agency=r.get("agency", ""),
        year=r.get("year", 0),
        content=r.get("content", "synthetic"),
        kind=r.get("kind", "report"),
        status=r.get("status", "ok"),
        link=r.get("link", "relative"),
        url=r.get("url", ""),
        format=r.get("format", "html"),
        cover=r.get("cover", False),
        twin_of=r.get("twin_of", ""),
        from_day=r.get("from_day", 0),
        until_day=r.get("until_day", NEVER),
        attachments=tuple(Attachment(**a) for a in r.get("attachments", ())),
        edits=tuple(Edit(**e) for e in r.get("edits", ())),
        synthetic=r.get("content", "synthetic") in ("synthetic", "legacy", "notice"),
    )


def _series(s: dict, host: Host, columns: list[Column], taken: set) -> list[Report]:
    """Plain synthetic department reports: one per (agency, year) not described explicitly."""
    out = []
    cols = [c for c in columns if c.host == host.name]
    by_year = {c.name[:4]: c for c in cols if c.name[:4].isdigit()}
    default = next(c for c in cols if c.id == str(s["column"]))
    for agency in s["agencies"]:
        for year in s["years"]:
            if (host.name, agency, year) in taken:
                continue
            key = f"{host.name}|{agency}|{year}"
            col = by_year.get(str(year), default) if s.get("by_year", True) else default
            posted = _posted_for(key, year)
            out.append(
                Report(
                    key=key,
                    host=host.name,
                    column=col.id,
                    title=_title(agency, year, key),
                    posted=posted,
                    path=default_path(host.family, col, posted, key),
                    agency=agency,
                    year=year,
                    content="legacy" if year < 2019 else "synthetic",
                    synthetic=True,
                )
            )
    return out


def _check(cat: Catalogue) -> None:
    """Fail loudly on a catalogue that would make the simulator ambiguous."""
    seen: dict[tuple[str, str], str] = {}
    for r in cat.reports:
        if r.host not in cat.hosts:
            raise ValueError(f"report {r.key}: unknown host {r.host}")
        if cat.hosts[r.host].family not in FAMILIES:
            raise ValueError(f"host {r.host}: unknown family")
        if r.kind == "spam_link":
            continue
        k = (r.host, r.path)
        if k in seen:
            raise ValueError(f"reports {seen[k]} and {r.key} share {r.host}{r.path}")
        seen[k] = r.key
