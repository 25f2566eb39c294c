"""Report metadata: title, agency, report year, region, scope.

The report year is the year reported on: the title's year, never the posting date and never a
year quoted from a document number such as 〔2019〕60号. Titles reach us in many dresses, so the
title is taken from the first source that has one (:func:`find_title`): the container's
metadata (``<meta name=ArticleTitle>``, the PDF title), the page's visible title element and
``<title>``, the document's first lines, the header lines a crawler archive prepends
(``标题: …``), and last what the crawler saw on the list page. A body without any title still
states its period (``本报告所列数据统计期限为2024年1月1日至2024年12月31日``), which gives the year.
Missing metadata is an issue on the report, never a reason to set a report aside.

Agencies whose title omits the place (``信访局2022年…``, seed 002) get it from the body text,
where the place is named.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from xxgk import regions
from xxgk.document import Document
from xxgk.labels import normalize

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"([二〇零一三四五六七八九]{4})\s*年")
# Portal labels around a title that are not part of it: (图文), （图片版）, 【超链版】 …
_TITLE_MARKERS = re.compile(r"[(（【\[〔]\s*(?:图文|图片版|图解|超链版|全文|文字版|正文|附件)\s*[)）】\]〕]")
_TITLE_WORDS = ("报告", "年报")
# Site names a <title> carries after the article title: 标题_平潭综合实验区管委会, 标题 - 首页.
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s).*$")
# Header lines of crawler archives (page.txt): 标题: …, 发布时间: …, 原文链接: …
CRAWLER_HEADER = re.compile(r"^\s*(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录|来源|索引号)\s*[:：]\s*(.*)$")
_PERIOD = re.compile(
    r"统计(?:期限|时限|周期|时间|区间)?[^。]{0,16}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|~)\s*"
    r"((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)


@dataclass(frozen=True)
class Hints:
    """What is known about a document besides its bytes: the crawler's list-link title and the
    source's agency (or ``xxgk parse --title/--agency``)."""

    title: str | None = None
    agency: str | None = None


@dataclass
class TitleInfo:
    title: str
    agency: str | None
    year: int | None
    region: regions.Division | None


def find_title(doc: Document, hints: Hints | None = None) -> tuple[str | None, str]:
    """The report title and where it came from (``meta``, ``page``, ``body``, ``header``,
    ``crawler``). A title naming a year wins over one without."""
    candidates: list[tuple[str, str]] = []
    if doc.title_hint:
        candidates.append((doc.title_hint, "meta"))
    candidates += [(t, "page") for t in doc.page_titles]
    lines = [p for p in doc.text_lines() if p.strip()]
    header = {m.group(1): m.group(2).strip() for ln in lines[:12] if (m := CRAWLER_HEADER.match(ln))}
    body = [ln for ln in lines if not CRAWLER_HEADER.match(ln)][:8]
    for i, p in enumerate(body):
        if _is_title(p):
            candidates.append((p.strip(), "body"))
            break
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if len(p) < 40 and "。" not in p and _is_title(nxt) and not year_in(p) and year_in(nxt):
            candidates.append((f"{p.strip()} {nxt.strip()}", "body"))  # title over two lines (seed 004)
            break
    if header.get("标题"):
        candidates.append((header["标题"], "header"))
    if hints and hints.title:
        candidates.append((hints.title, "crawler"))
    titled = [(_clean_title(t), src) for t, src in candidates if _is_title(_clean_title(t))]
    for t, src in titled:
        if year_in(t) is not None:
            return t, src
    return (titled[0] if titled else (None, ""))


def _clean_title(text: str) -> str:
    t = " ".join(text.split())
    if _is_title(t) and (m := _SITE_SUFFIX.search(t)) and _is_title(t[: m.start()]):
        t = t[: m.start()]
    return t.strip()


def _is_title(text: str) -> bool:
    if len(text) > 200:  # a paragraph, not a title (and normalising it costs)
        return False
    n = normalize(text)
    return "信息公开" in n and any(w in n for w in _TITLE_WORDS) and len(n) <= 80


def year_in(text: str) -> int | None:
    """The first year of a title: ``2024年``, ``2024 年``, ``２０２４年``, ``二〇二四年``."""
    t = unicodedata.normalize("NFKC", text)
    m = _YEAR.search(t)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(t)
    if m:
        y = int(m.group(1).translate(_CN_DIGITS))
        return y if 1990 <= y <= 2099 else None
    return None


def period_year(body: str) -> int | None:
    """The year of the statistics period the body states (1 January to 31 December of one year)."""
    m = _PERIOD.search(unicodedata.normalize("NFKC", body))
    if m and m.group(1) == m.group(2):
        return int(m.group(1))
    return None


def read_title(title: str, body: str) -> TitleInfo:
    title = _TITLE_MARKERS.sub("", unicodedata.normalize("NFKC", title)).strip()
    year = year_in(title)
    year_m = _YEAR.search(title) or _CN_YEAR.search(title)
    agency: str | None
    if year_m and normalize(title[: year_m.start()]):
        agency = normalize(title[: year_m.start()])
    else:  # "2022年度XX局政府信息公开工作年度报告"
        m = re.search(r"年度?(.+?)政府信息公开", normalize(title))
        agency = m.group(1) if m else None
    agency, region = place(agency, body)
    return TitleInfo(title, agency, year, region)


def place(agency: str | None, body: str) -> tuple[str | None, regions.Division | None]:
    """The agency with its place, and the place: from the agency's own name, else the place the
    body names most (the agency then gets the place as prefix)."""
    if not agency:
        return None, None
    region = regions.find_in(agency)
    if region is None:
        region = regions.most_mentioned(body)
        if region is not None:
            agency = region.name + agency
    else:
        agency = _full_name(agency, region, normalize(body))
    return agency or None, region


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
