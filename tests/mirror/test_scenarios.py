"""The nightly scenarios of portals.md §5.4 change exactly what they should."""

from __future__ import annotations

import json
import re

from tests.mirror.conftest import Web, hrefs
from xxgk.mirror import ExpectedReport, Mirror

HN = "http://www.haining.gov.cn"
JX = "https://www.jiaxing.gov.cn"
HZ = "https://www.hongze.gov.cn"
RZ = "https://www.ruzhou.gov.cn"
UNIT = f"{HN}/api-gateway/jpaas-publish-server/front/page/build/unit?pageId=1229611135&webId=2780"


def by_key(reports: set[ExpectedReport]) -> dict[tuple[str, str, int], ExpectedReport]:
    return {(r.host, r.agency, r.year): r for r in reports}


def listed(web: Web, page: int) -> list[str]:
    html = web.get(UNIT + "&paramJson=" + json.dumps({"pageNo": page, "pageSize": 15})).json()["data"]["html"]
    return re.findall(r'href="([^"]+)"', html)


def test_expected_reports_day0(mirror: Mirror) -> None:
    exp = by_key(mirror.expected_reports(0))
    hosts = {h for h, _, _ in exp}
    assert "sim-mirror.example.com" not in hosts and "robots-deny.gov.cn" not in hosts
    twin = exp[("www.haining.gov.cn", "海宁市人民政府", 2020)]
    assert len(twin.urls) == 2 and twin.format == "html"  # (图文) twin collapses into one report
    assert ("www.haining.gov.cn", "海宁市水利局", 2009) in exp  # re-posted old report
    assert {y for h, _, y in exp if h == "www.pingtan.gov.cn"} == {2018, 2023, 2025}
    assert ("www.haishu.gov.cn", "宁波市海曙区人民政府", 2020) not in exp  # dead URL
    assert ("www.huaian.gov.cn", "淮安市人民政府", 2023) not in exp  # the PDF link is an HTML page
    assert exp[("www.huaian.gov.cn", "淮安市人民政府", 2024)].format == "pdf"
    assert exp[("www.ruzhou.gov.cn", "汝州市人民政府", 2019)].urls == (
        "https://ruzhou.gov.cn/contents/37551/328079.html",
    )
    assert exp[("www.haining.gov.cn", "海宁市民政局", 2023)].format == "docx"


def test_day1_changes_nothing(mirror: Mirror, web: Web) -> None:
    assert mirror.expected_reports(0) == mirror.expected_reports(1)
    chrome = r"pageTimestamp= '\d+'|<lable id=\"artcount\">\d+</lable>|fileUrl=[^&]+"  # and the fresh download token
    strip = lambda t: re.sub(chrome, "", t)  # noqa: E731
    before = [strip(web.get(HN + h.replace("//www.haining.gov.cn", "")).text) for h in listed(web, 1)[:3]]
    mirror.set_day(1)
    after = [strip(web.get(HN + h.replace("//www.haining.gov.cn", "")).text) for h in listed(web, 1)[:3]]
    assert before == after


def test_day1_static_pages_answer_304(mirror: Mirror, web: Web) -> None:
    art = f"{JX}/art/2023/1/19/art_1229699001_5012345.html"
    first = web.get(art)
    mirror.set_day(1)
    again = web.get(art, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = web.get(art, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    assert "etag" not in web.get(UNIT).headers  # dynamic endpoints send no validators


def test_day2_new_report_pushes_an_item_to_page_2(mirror: Mirror, web: Web) -> None:
    p1, p2 = listed(web, 1), listed(web, 2)
    mirror.set_day(2)
    q1, q2 = listed(web, 1), listed(web, 2)
    assert q1[0] == "/col/col1229999981/art/2025/art_d41d8cd98f00b204e9800998ecf8427e.html"
    assert q1[1:] == p1[:-1] and q2 == [p1[-1]] + p2
    new = set(mirror.expected_reports(2)) - set(mirror.expected_reports(1))
    assert {(r.host, r.agency, r.year, r.format) for r in new} == {
        ("www.haining.gov.cn", "海宁市人民政府", 2024, "html"),
        ("www.hongze.gov.cn", "淮安市洪泽区人民政府", 2024, "pdf"),
    }
    cover = web.get(f"{HZ}/art/2025/2/25/art_22760_4177362.html").text
    assert "全文详见附件" in cover
    pdf = web.get(HZ + next(h for h in hrefs(cover) if "downfile" in h).replace("&amp;", "&"))
    assert pdf.content.startswith(b"%PDF-")


def test_day3_silent_edit_and_replaced_attachment(mirror: Mirror, web: Web) -> None:
    art = f"{JX}/art/2023/1/19/art_1229699001_5012345.html"
    before = web.get(art)
    hz = f"{HZ}/art/2024/2/26/art_22760_3951207.html"
    old_link = next(h for h in hrefs(web.get(hz).text) if "downfile" in h).replace("&amp;", "&")
    mirror.set_day(3)
    after = web.get(art)
    assert before.headers["etag"] != after.headers["etag"]
    assert ">422<" in before.text and ">423<" in after.text and ">422<" not in after.text
    assert re.sub(r">42[23]<|Maketime' content='[^']*'|visitcount\">\d+", "", before.text) == re.sub(
        r">42[23]<|Maketime' content='[^']*'|visitcount\">\d+", "", after.text
    )  # same URL, title and date: a silent edit
    page = web.get(hz).text
    new_link = next(h for h in hrefs(page) if "downfile" in h).replace("&amp;", "&")
    assert "（超链版）" in page and new_link != old_link
    assert web.get(HZ + new_link).content.startswith(b"%PDF-")
    changed = {(r.host, r.agency, r.year) for r in set(mirror.expected_reports(3)) - set(mirror.expected_reports(2))}
    assert changed == {
        ("www.jiaxing.gov.cn", "嘉兴市人民政府办公室", 2022),
        ("www.hongze.gov.cn", "淮安市洪泽区人民政府", 2023),
    }


def test_day4_deletion_and_moved_column(mirror: Mirror, web: Web) -> None:
    gone = f"{RZ}/contents/38015/331502.html"
    assert web.get(gone).status_code == 200
    mirror.set_day(4)
    assert web.get(gone).status_code == 404
    pages = web.get(f"{RZ}/channels/37540.html").text + web.get(f"{RZ}/channels/37540_2.html").text
    assert "/contents/38015/331502.html" not in pages
    assert ("www.ruzhou.gov.cn", "汝州市民政局", 2021) not in by_key(mirror.expected_reports(4))
    r = web.get(f"{JX}/col/col1229779129/index.html")
    assert r.status_code == 301 and r.headers["location"] == "/col/col1229901179/index.html"
    assert web.get(JX + r.headers["location"]).status_code == 200
    old = web.get(f"{JX}/art/2024/1/17/art_1229779129_5251843.html")
    assert old.status_code == 301 and old.headers["location"] == "/art/2024/1/17/art_1229901179_5251843.html"
    assert web.get(JX + old.headers["location"]).status_code == 200
    moved = by_key(mirror.expected_reports(4))[("www.jiaxing.gov.cn", "嘉兴市人民政府办公室", 2023)]
    assert moved.urls == ("https://www.jiaxing.gov.cn/art/2024/1/17/art_1229901179_5251843.html",)
    assert (
        moved.version
        == by_key(mirror.expected_reports(3))[("www.jiaxing.gov.cn", "嘉兴市人民政府办公室", 2023)].version
    )


def test_day5_one_host_in_challenge_mode_all_night(mirror: Mirror, web: Web) -> None:
    mirror.set_day(5)
    for path in ("/robots.txt", "/", "/col/col1229550817/index.html", "/art/2023/1/20/art_1229550817_59012001.html"):
        r = web.get(f"https://www.haishu.gov.cn{path}")
        assert r.status_code == 412 and "$_ts" in r.text
    assert web.get(f"{JX}/robots.txt").status_code == 200
    exp = mirror.expected_reports(5)
    assert not [r for r in exp if r.host == "www.haishu.gov.cn"]
    assert {r for r in exp if r.host != "www.haishu.gov.cn"} == {
        r for r in mirror.expected_reports(4) if r.host != "www.haishu.gov.cn"
    }
    mirror.set_day(6)
    assert web.get("https://www.haishu.gov.cn/robots.txt").status_code == 200


def test_expected_versions_match_served_content(mirror: Mirror, web: Web) -> None:
    """The version id moves only when the served report changes (never with chrome)."""
    for day in (0, 1):
        mirror.set_day(day)
        exp = by_key(mirror.expected_reports(day))
        r = exp[("www.jiaxing.gov.cn", "嘉兴市人民政府办公室", 2022)]
        assert web.get(r.urls[0]).headers["etag"].strip('"') == r.version
