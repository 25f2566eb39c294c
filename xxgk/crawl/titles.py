"""Which list links are annual reports, and whose report for which year (portals.md §2).

Titles follow ``{单位}{YYYY}年(度)政府信息公开工作年度报告`` with optional ``(图文)``,
``（图片版）`` and ``（超链版）`` markers before or after; the same column also holds
interpretations (解读), notices about reports and the format notice itself, which are not
reports. The report year comes from the title: list dates and URL dates are posting dates
(re-posted old reports carry a recent URL date). Titles without a year fall back to the
statistics period in the body, never to the first year mentioned there (the preamble cites
国办公开办函〔2019〕60号 / 〔2021〕30号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VARIANT = r"[（(]\s*(图文|图片版|超链版|文字版|全文)\s*[)）]"
_REPORT = re.compile(r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)|政务公开(?:工作)?年度报告")
_NOT_REPORT = re.compile(r"解读|图解|格式|关于.*的(通知|函|公告)|通知$|模板|目录$|指南")
_YEAR_BEFORE = re.compile(r"((?:19|20)\d{2})\s*年度?\s*$")
_VARIANT_RE = re.compile(_VARIANT)
_PERIOD = re.compile(r"统计期限[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_BODY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?\s*政府信息公开(?:工作)?年度报告")


@dataclass(frozen=True)
class ReportTitle:
    agency: str        # the issuing body as named in the title ("" if the title names none)
    year: int | None   # report year from the title (None: the title has no year)
    variant: str       # 图文 | 图片版 | 超链版 | … ("" for the plain report)


def parse_report_title(title: str) -> ReportTitle | None:
    """None unless ``title`` names a 政府信息公开工作年度报告 itself."""
    t = re.sub(r"\s+", "", title or "")
    m = _REPORT.search(t)
    if not m or _NOT_REPORT.search(t):
        return None
    variants = _VARIANT_RE.findall(t)
    head = _VARIANT_RE.sub("", t[:m.start()])
    ym = _YEAR_BEFORE.search(head)
    year = int(ym.group(1)) if ym else None
    agency = head[:ym.start()] if ym else head
    return ReportTitle(agency=agency.strip("-—_·:： "), year=year, variant=variants[0] if variants else "")


_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|实验区|新区|省|市|州|盟|地区|区|县|旗)")
_PLACE_MARK = re.compile(r"省|市|区|县|州|旗|盟|国家|中央|中华人民共和国|自治")


def full_agency(agency: str, region_name: str) -> str:
    """The agency with its region spelled out, so one unit has one name: titles print
    ``信访局…`` on 汝州's site or ``洪泽区人民政府…`` for 淮安市洪泽区."""
    if not agency or not region_name or agency.startswith(region_name):
        return agency
    units = _UNIT.findall(region_name)
    for i in range(1, len(units)):
        if agency.startswith("".join(units[i:])):
            return "".join(units[:i]) + agency
    if not _PLACE_MARK.search(agency):
        return region_name + agency
    return agency


def report_year(title: ReportTitle, body_text: str = "", published: str | None = None) -> int | None:
    """The title's year; else the body's statistics period or ``YYYY年度政府信息公开工作年度
    报告`` phrase; else the posting year minus one (reports cover the previous year)."""
    if title.year is not None:
        return title.year
    for pattern in (_PERIOD, _BODY_YEAR):
        m = pattern.search(body_text or "")
        if m:
            return int(m.group(1))
    if published and re.match(r"\d{4}", published):
        return int(published[:4]) - 1
    return None
