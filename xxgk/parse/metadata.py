"""Title → agency, report year and region; scope of the report.

The report year is the year in the title (the year reported on), never the posting date and
never a year quoted from a document number such as 〔2019〕60号. Agencies whose title omits the
place (``信访局2022年…``, seed 002) get it from the body text, where the place is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xxgk import regions
from xxgk.document import Document
from xxgk.labels import normalize

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# Portal labels around a title that are not part of it: (图文), （图片版）, 【超链版】 …
_TITLE_MARKERS = re.compile(r"[(（【\[〔]\s*(?:图文|图片版|图解|超链版|全文|文字版|正文|附件)\s*[)）】\]〕]")
_TITLE_WORDS = ("报告", "年报")


@dataclass
class TitleInfo:
    title: str
    agency: str | None
    year: int | None
    region: regions.Division | None


def find_title(doc: Document) -> str | None:
    """The report title: the container's title if it names a year, else the first title-like
    lines. (PDF metadata titles are often a bare 政府信息公开工作年度报告 left by the template.)"""
    if doc.title_hint and _is_title(doc.title_hint) and _YEAR.search(doc.title_hint):
        return doc.title_hint.strip()
    paras = [p for p in doc.text_lines() if p.strip()][:8]
    for i, p in enumerate(paras):
        if _is_title(p):
            return p.strip()
        nxt = paras[i + 1] if i + 1 < len(paras) else ""
        if len(p) < 40 and "。" not in p and _is_title(nxt) and not _YEAR.search(p) and _YEAR.search(nxt):
            return f"{p.strip()} {nxt.strip()}"  # title printed over two lines (seed 004)
    return None


def _is_title(text: str) -> bool:
    n = normalize(text)
    return "政府信息公开" in n and any(w in n for w in _TITLE_WORDS) and len(n) <= 80


def read_title(title: str, body: str) -> TitleInfo:
    title = _TITLE_MARKERS.sub("", title).strip()
    year_m = _YEAR.search(title)
    year = int(year_m.group(1)) if year_m else None
    agency: str | None
    if year_m and normalize(title[: year_m.start()]):
        agency = normalize(title[: year_m.start()])
    else:  # "2022年度XX局政府信息公开工作年度报告"
        m = re.search(r"年度?(.+?)政府信息公开", normalize(title))
        agency = m.group(1) if m else None
    region = regions.find_in(agency) if agency else None
    if agency and region is None:
        region = regions.most_mentioned(body)
        if region is not None:
            agency = region.name + agency
    elif agency and region is not None:
        agency = _full_name(agency, region, normalize(body))
    return TitleInfo(title, agency or None, year, region)


def _full_name(agency: str, region: regions.Division, body: str) -> str:
    """A district's body printed without its city (``洪泽区人民政府``) gets the city prefix when
    the report itself writes the full name (``淮安市洪泽区人民政府办公室``): district names
    repeat across cities, so the prefix is what identifies the body."""
    parent = next((d for d in regions.divisions() if d.code == region.parent_code), None)
    if parent is None or agency.startswith(parent.name) or region.level != "county":
        return agency
    return parent.name + agency if parent.name + agency in body else agency


def scope_of(agency: str | None) -> str | None:
    """``area`` for a government's report (it aggregates its departments and towns, seed 003),
    also when the title names only the place (``平潭综合实验区…年度报告``) or a zone's
    管委会; ``agency`` for an office or department reporting on itself. A naming heuristic,
    stated as such."""
    if not agency:
        return None
    if agency.endswith(_AREA_BODIES):
        return "area"
    region = regions.find_in(agency)
    if region is not None and agency.endswith(_PLACE_SUFFIXES) and not agency.endswith(_OFFICE_SUFFIXES):
        return "area"
    return "agency"


_AREA_BODIES = ("人民政府", "管理委员会", "管委会")
_PLACE_SUFFIXES = ("省", "市", "区", "县", "旗", "州", "盟")
_OFFICE_SUFFIXES = ("办公室", "委员会", "局", "厅", "委", "办", "中心", "所", "站", "队", "院", "会")
