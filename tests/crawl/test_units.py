"""Pure helpers: magic bytes (F10), titles, robots, sources file (charsets, F9: tests/test_charset.py)."""

from __future__ import annotations

import io
import ipaddress
import zipfile
from pathlib import Path

import pytest

from xxgk.crawl import classify
from xxgk.crawl.connect_to import PrivateAddressError, check_public, embedded_ipv4, is_public_address
from xxgk.crawl.robots import policy_from_answer
from xxgk.crawl.sources import SourceError, load_sources, parse_sources
from xxgk.crawl.titles import parse_report_title, report_year
from xxgk.extract import sniff


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "x")
    return buf.getvalue()


def test_sniff_magic_bytes():
    assert sniff.sniff(b"%PDF-1.7\n...") == sniff.PDF
    assert sniff.sniff(b"\r\n%PDF-1.4") == sniff.PDF  # junk before the header
    assert sniff.sniff(_zip(["[Content_Types].xml", "word/document.xml"])) == sniff.DOCX
    assert sniff.sniff(_zip(["xl/workbook.xml"])) == sniff.XLSX
    assert sniff.sniff(_zip(["OFD.xml", "Doc_0/Document.xml"])) == sniff.OFD
    assert sniff.sniff(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "wps") in (sniff.WPS, sniff.OLE)
    assert sniff.sniff(b"  <!DOCTYPE html><html><body>404</body></html>") == sniff.HTML
    assert sniff.sniff(b'<html><head><meta charset="utf-8"></head></html>') == sniff.HTML
    assert sniff.HTML not in sniff.FILE_TYPES and sniff.PDF in sniff.FILE_TYPES


def test_challenge_and_soft404_classification():
    assert classify.is_challenge(412, "")
    assert classify.is_challenge(200, "<html><head><title></title></head><body></body></html>")
    assert classify.is_challenge(200, "<script>var $_ts=window['$_ts'];</script>")
    assert not classify.is_challenge(200, "<html><head><title>报告</title></head><body><p>正文</p></body></html>")
    assert not classify.is_challenge(200, "<html><body><ul></ul></body></html>" + " " * 10)
    trs_stub = '<html><head><meta charset="utf-8"><title>某某市人民政府</title></head><body></body></html><!--  -->'
    assert not classify.is_challenge(200, trs_stub)
    assert classify.soft_404('<html><head><title>提示信息</title></head><body><div>非法请求 404！</div></body></html>')
    assert classify.soft_404("<html><head><title>404 Not Found</title></head><body></body></html>")
    assert not classify.soft_404("<html><head><title>报告</title></head><body><p>共收到申请404件</p>"
                                 + "<p>正文</p>" * 100 + "</body></html>")
    assert classify.redirected_home("/old/col/index.html", "/") and not classify.redirected_home("/", "/")


@pytest.mark.parametrize("title, agency, year, variant", [
    ("(图文)海宁市人民政府2023年度政府信息公开工作年度报告", "海宁市人民政府", 2023, "图文"),
    ("嘉兴市人民政府办公室2024年度政府信息公开工作年度报告", "嘉兴市人民政府办公室", 2024, ""),
    ("海宁市水利局2009年政府信息公开工作年度报告（图片版）", "海宁市水利局", 2009, "图片版"),
    ("汝州市2020年政府信息公开工作年度报告（超链版）", "汝州市", 2020, "超链版"),
    ("海宁市卫生健康局政府信息公开工作年度报告", "海宁市卫生健康局", None, ""),
])
def test_report_titles(title, agency, year, variant):
    t = parse_report_title(title)
    assert (t.agency, t.year, t.variant) == (agency, year, variant)


@pytest.mark.parametrize("title", [
    "关于2023年度政府信息公开工作年度报告的解读", "图解：海宁市2023年度政府信息公开工作年度报告",
    "关于报送2023年度政府信息公开工作年度报告的通知", "中华人民共和国政府信息公开工作年度报告格式",
    "海宁市人民政府关于印发工作要点的通知",
])
def test_not_report_titles(title):
    assert parse_report_title(title) is None


def test_report_year_falls_back_to_the_statistics_period_not_the_preamble():
    t = parse_report_title("海宁市卫生健康局政府信息公开工作年度报告")
    body = ("根据国办公开办函〔2019〕60号和〔2021〕30号要求编制。本报告中所列数据的统计期限自2023年1月1日起"
            "至2023年12月31日止。")
    assert report_year(t, body, "2024-01-20") == 2023
    assert report_year(t, "无年份", "2024-01-20") == 2023
    assert report_year(parse_report_title("海宁市水利局2009年政府信息公开工作年度报告"), "", "2022-01-18") == 2009


def test_robots_policy():
    deny = policy_from_answer(200, "User-agent: *\nDisallow: /\n")
    assert not deny.allows("http://a.gov.cn/x", "xxgk-crawler")
    partial = policy_from_answer(200, "User-agent: *\nDisallow: /module/visitcount/\n")
    assert partial.allows("http://a.gov.cn/col/col1/index.html", "xxgk-crawler")
    assert not partial.allows("http://a.gov.cn/module/visitcount/visit.jsp", "xxgk-crawler")
    assert policy_from_answer(404, None).allows("http://a.gov.cn/x", "xxgk-crawler")
    assert not policy_from_answer(503, None).allows("http://a.gov.cn/x", "xxgk-crawler")
    assert not policy_from_answer(429, None).allows("http://a.gov.cn/x", "xxgk-crawler")
    assert not policy_from_answer(None, None).allows("http://a.gov.cn/x", "xxgk-crawler")


def test_sources_file_shipped_with_the_project_loads():
    registry = load_sources(Path(__file__).resolve().parents[2] / "data" / "sources.toml")
    hosts = {s.host for s in registry.sources}
    assert {"www.haining.gov.cn", "www.jiaxing.gov.cn", "www.haishu.gov.cn", "www.ruzhou.gov.cn",
            "www.pingtan.gov.cn"} <= hosts
    for s in registry.sources:
        assert s.region_code.isdigit() and len(s.region_code) == 6 and s.agency


def test_sources_validation(tmp_path):
    base = {"id": "x", "family": "trs", "region_code": "350128", "region_name": "平潭", "agency": "平潭综合实验区"}
    ok = parse_sources({"source": [{**base, "url": "https://www.pingtan.gov.cn/zwgk/"}]}, tmp_path)
    assert ok.sources[0].urls == ("https://www.pingtan.gov.cn/zwgk/",) and not ok.sources[0].verified
    for bad in ({**base, "family": "wordpress", "url": "https://a.gov.cn/"}, {**base, "url": "ftp://a.gov.cn/"},
                {**base}, {**base, "url": "https://a.gov.cn/", "colour": "red"}):
        with pytest.raises(SourceError):
            parse_sources({"source": [bad]}, tmp_path)
    with pytest.raises(SourceError):
        parse_sources({"source": [{**base, "url": "https://a.gov.cn/"}] * 2}, tmp_path)
    d = parse_sources({"source": [{**base, "family": "directory", "path": "inbox"}]}, tmp_path)
    assert d.sources[0].path == tmp_path / "inbox"


def test_canonical_url_folds_aliases_and_forced_scheme(tmp_path):
    reg = parse_sources({"source": [{
        "id": "rz", "family": "siteserver", "region_code": "410482", "region_name": "汝州市",
        "agency": "汝州市人民政府",
        "url": "http://www.ruzhou.gov.cn/channels/37547.html", "aliases": ["ruzhou.gov.cn"], "scheme": "http"}]},
        tmp_path)
    s = reg.sources[0]
    assert s.canonical_url("https://ruzhou.gov.cn/contents/1/2.html") == "http://www.ruzhou.gov.cn/contents/1/2.html"
    assert s.hosts == frozenset({"www.ruzhou.gov.cn", "ruzhou.gov.cn"})


ROBOTS = """\
User-agent: *
Disallow: /*.pdf$
Disallow: /module/*/visit
Allow: /public/*.pdf$
Disallow: /search
Allow: /search/about$
Disallow: /*?*sessionid=
Crawl-delay: 4

User-agent: BadBot
Disallow: /
"""


@pytest.mark.parametrize("path, allowed", [
    ("/a/b.pdf", False),               # `$`: the path ends in .pdf
    ("/a/b.pdf?x=1", True),            # ... but with a query it does not end there
    ("/a/b.pdf.html", True),
    ("/a/b.PDF", True),                # paths are case-sensitive
    ("/public/x/report.pdf", True),    # the longer Allow wins over the shorter Disallow
    ("/module/visitcount/visit.jsp", False),  # `*` spans any run of characters, slashes included
    ("/module/visit.jsp", True),
    ("/search", False),
    ("/search/about", True),           # longest match: Allow /search/about$ (14) beats Disallow /search (7)
    ("/search/about/more", False),     # `$` stops the Allow, the Disallow applies again
    ("/col/index.html?a=1&sessionid=9", False),
    ("/col/index.html", True),
])
def test_robots_wildcards_and_end_anchor_rfc9309(path, allowed):
    policy = policy_from_answer(200, ROBOTS)
    assert policy.allows(f"https://www.a.gov.cn{path}", "xxgk-crawler") is allowed


def test_robots_group_choice_and_crawl_delay():
    policy = policy_from_answer(200, ROBOTS)
    assert policy.crawl_delay("xxgk-crawler") == 4.0
    assert not policy.allows("https://www.a.gov.cn/col/index.html", "BadBot")
    own = policy_from_answer(200, "User-agent: xxgk-crawler\nDisallow: /x/\n\nUser-agent: *\nDisallow: /\n")
    assert own.allows("https://www.a.gov.cn/col/index.html", "xxgk-crawler")  # its own group, not `*`
    assert not own.allows("https://www.a.gov.cn/x/1.html", "xxgk-crawler")


@pytest.mark.parametrize("ip, public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True),
    ("127.0.0.1", False), ("10.0.0.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("224.0.0.1", False), ("ff02::1", False), ("::1", False), ("::", False), ("fe80::1%lo", False),
    ("::ffff:127.0.0.1", False), ("::ffff:8.8.8.8", True),            # IPv4-mapped
    ("::127.0.0.1", False), ("::10.0.0.1", False), ("::8.8.8.8", True),  # IPv4-compatible
    ("64:ff9b::7f00:1", False), ("64:ff9b::a00:1", False), ("64:ff9b::808:808", True),  # NAT64 /96
    ("64:ff9b:1::7f00:1", False), ("64:ff9b:1::808:808", False),      # NAT64 local use: never global
    ("2002:7f00:1::1", False), ("2002:a9fe:a9fe::", False), ("2002:808:808::1", True),  # 6to4
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),                  # Teredo, client 127.0.0.1
    ("2001:0:808:808::f5fe:fefe", False),                             # Teredo, client 10.1.1.1
])
def test_private_address_forms(ip, public):
    assert is_public_address(ip) is public


def test_embedded_ipv4_unwraps_every_form():
    def v4(ip):
        return [str(a) for a in embedded_ipv4(ipaddress.ip_address(ip))]

    assert v4("::ffff:127.0.0.1") == ["127.0.0.1"]
    assert v4("::127.0.0.1") == ["127.0.0.1"]
    assert v4("64:ff9b::7f00:1") == v4("64:ff9b:1::7f00:1") == ["127.0.0.1"]
    assert v4("2002:7f00:1::1") == ["127.0.0.1"]
    assert v4("2001:0:4136:e378:8000:63bf:80ff:fffe") == ["65.54.227.120", "127.0.0.1"]  # server, client
    assert v4("2001:4860:4860::8888") == [] and v4("::1") == []


def test_every_resolved_address_must_be_public():
    check_public("www.a.gov.cn", ["8.8.8.8", "2001:4860:4860::8888"])
    for answer in (["8.8.8.8", "127.0.0.1"], ["2001:4860:4860::8888", "::ffff:10.0.0.1"], []):
        with pytest.raises(PrivateAddressError):
            check_public("www.a.gov.cn", answer)


def test_sources_time_budgets(tmp_path):
    base = {"id": "x", "family": "trs", "region_code": "350128", "region_name": "平潭", "agency": "平潭综合实验区",
            "url": "https://www.pingtan.gov.cn/zwgk/"}
    reg = parse_sources({"defaults": {"host_budget": 1800, "night_budget": 7200.5},
                         "source": [{**base, "host_budget": 600}, {**base, "id": "y"}]}, tmp_path)
    assert (reg.host_budget, reg.night_budget) == (1800.0, 7200.5)
    assert [s.host_budget for s in reg.sources] == [600.0, None]
    assert parse_sources({"source": [base]}, tmp_path).night_budget is None  # ClientConfig's default applies
    for bad in ({"host_budget": 0}, {"night_budget": -1}, {"host_budget": "1h"}, {"night_budget": True}):
        with pytest.raises(SourceError):
            parse_sources({"defaults": bad, "source": [base]}, tmp_path)
