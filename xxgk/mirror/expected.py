"""What a correct crawler discovers on a simulated night: the acceptance truth of §5.5.

One entry per (host, agency, year): twins ((图文) pages) and pages reachable from several
columns collapse into one report with all its URLs; the version id changes exactly when the
report's content does (a silent edit, a replaced attachment). Left out: reports not present
that night, links that never worked (平潭's uncaptured pages, 海曙's dead URL, 淮安's missing
PDF), hosts in challenge mode that night, and hosts that must never be ingested.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.mirror.catalogue import Catalogue, Report
from xxgk.mirror.messages import Request
from xxgk.mirror.site import Night, Site


@dataclass(frozen=True)
class ExpectedReport:
    host: str  # canonical host of the portal that lists the report
    agency: str
    year: int
    version: str  # content version id (see ``xxgk.mirror.content.ReportContent.version``)
    format: str  # where the full text is: html | pdf | docx
    urls: tuple[str, ...]  # absolute URLs of the pages (or files) the report is reachable at


def expected_reports(cat: Catalogue, day: int) -> set[ExpectedReport]:
    night = Night(cat, day)
    groups: dict[tuple[str, str, int], list[Report]] = {}
    for r in cat.reports:
        host = cat.hosts[r.host]
        if r.kind != "report" or r.status != "ok" or not r.present(day) or not host.ingest:
            continue
        if cat.challenged(r.host, day):
            continue
        groups.setdefault((r.host, r.agency, r.year), []).append(r)
    out = set()
    for (host_name, agency, year), members in groups.items():
        host = cat.hosts[host_name]
        site = Site(night, host, Request("GET", host_name, "/", {}))
        primary = next((m for m in members if not m.twin_of), members[0])
        urls = tuple(sorted(_absolute(site, m) for m in members))
        out.add(ExpectedReport(host_name, agency, year, site.version(primary), primary.format, urls))
    return out


def _absolute(site: Site, r: Report) -> str:
    link = site.link(r)
    if link.startswith("//"):
        return f"{site.host.scheme}:{link}"
    if link.startswith("/"):
        return site.abs_url(link)
    return link
