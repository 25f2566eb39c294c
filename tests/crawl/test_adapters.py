"""Family adapters on real captured portal pages (tests/fixtures/portal-pages; the 平潭 pages
are the bundled corpus's, data/corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from xxgk.crawl.adapters import gkmlpt, hanweb_jcms, hanweb_jpaas, siteserver, trs
from xxgk.crawl.adapters.model import PageRequest
from xxgk.crawl.fingerprint import article_fingerprint

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "portal-pages"
CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


# -- TRS ----------------------------------------------------------------------------------

def test_trs_list_ndrc_items_pagination_and_no_popbox_links():
    url = "https://www.ndrc.gov.cn/xxgk/zcfb/tz/index.html"
    page = trs.parse_list(PageRequest(url), read("gov/ndrc_list_sample.html"))
    assert len(page.items) == 25
    first = page.items[0]
    assert first.url == "https://www.ndrc.gov.cn/xxgk/zcfb/tz/202608/t20260828_1407232.html"
    assert first.title.startswith("关于印发《物流网建设实施方案》的通知")
    assert first.published == "2026-08-27"
    assert not any("/jd/" in i.url for i in page.items)  # related interpretations are not items
    assert page.total == 20
    assert [r.url for r in page.follow][:2] == ["https://www.ndrc.gov.cn/xxgk/zcfb/tz/index_1.html",
                                                "https://www.ndrc.gov.cn/xxgk/zcfb/tz/index_2.html"]
    assert len(page.follow) == 19


def test_trs_page_count_forms():
    assert trs.page_count('createPageHTML(10, 0, "index", "html");') == 10
    assert trs.page_count('createPageHTML(138, 7, 0, "index", "shtml");') == 7
    assert trs.page_count("var countPage = 4;//共多少页") == 4
    assert trs.page_count("pagebar: { prepage: 10, recordCount: '20' }") == 2
    assert trs.page_urls("https://a.gov.cn/x/index_3.shtml", 'createPageHTML(3, 3, "index")') == (
        "https://a.gov.cn/x/index_1.shtml", "https://a.gov.cn/x/index_2.shtml")


def test_trs_list_pingtan_real_reports():
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    page = trs.parse_list(PageRequest(url), (CORPUS / "pingtan_list.html").read_text(encoding="utf-8"))
    assert len(page.items) == 10
    assert page.items[0].title == "平潭综合实验区2025年度政府信息公开工作年度报告"
    assert page.items[0].url == url + "202603/t20260313_105587.htm"
    assert page.items[0].published == "2026-03-10"
    assert page.items[-1].title.startswith("平潭综合实验区2016年度")
    assert [r.url for r in page.follow] == [url + "index_1.htm"]  # recordCount 20 / prepage 10


def test_trs_article_ndrc_body_and_attachments():
    url = "https://www.ndrc.gov.cn/xxgk/zcfb/tz/202608/t20260828_1407232.html"
    art = trs.parse_article(url, read("gov/ndrc_detail_sample.html"))
    assert art.published == "2026-08-27"
    assert art.title.startswith("关于印发《物流网建设实施方案》的通知")
    assert {a.ext for a in art.attachments} == {"pdf", "ofd"}
    assert all(a.url.startswith("https://www.ndrc.gov.cn/xxgk/zcfb/tz/202608/P0") for a in art.attachments)


def test_trs_article_pingtan_report_tables_in_body():
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
    art = trs.parse_article(url, (CORPUS / "pingtan_2023.html").read_text(encoding="utf-8"))
    assert art.title == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert art.published == "2024-03-08"
    assert "一、总体情况" in art.body_text and "六、其他需要报告的事项" in art.body_text
    assert art.body_html.count("<table") == 3
    assert "无障碍浏览" not in art.body_text  # chrome is outside the content region


def test_fingerprint_ignores_chrome_but_not_content():
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
    text = (CORPUS / "pingtan_2023.html").read_text(encoding="utf-8")
    base = article_fingerprint(trs.parse_article(url, text))
    chrome = text.replace("<title>", "<title>访问量 12345 ").replace('content="2024-03-08 15:34"',
                                                                     'content="2024-03-08 15:34" data-t="99"')
    assert article_fingerprint(trs.parse_article(url, chrome)) == base
    edited = text.replace("<p style=\"text-indent: 0em;\">77</p>", "<p style=\"text-indent: 0em;\">78</p>", 1)
    assert edited != text
    assert article_fingerprint(trs.parse_article(url, edited)) != base


# -- Hanweb JCMS ----------------------------------------------------------------------------

def test_jcms_list_unwraps_cdata_records_and_dedups_units():
    url = "https://fzggw.jiangsu.gov.cn/col/col284/index.html"
    page = hanweb_jcms.parse_list(PageRequest(url), read("jiangsu/js_list.html"))
    assert len(page.items) == 30  # 2 units (PC + mobile) × 30 identical records
    assert page.items[0].url == "https://fzggw.jiangsu.gov.cn/art/2026/8/28/art_284_11821965.html"
    assert page.items[0].title == "江苏省成品油价格调整公告（2026年第16号）"
    assert page.items[0].published == "2026-08-28"
    assert page.total == 138  # the call carrying the data store, not the 1000 of the search form


def test_jcms_list_follows_dataproxy_groups():
    url = "https://fzggw.jiangsu.gov.cn/col/col284/index.html"
    page = hanweb_jcms.parse_list(PageRequest(url), read("jiangsu/js_list.html"))
    ranges = []
    for r in page.follow:
        q = parse_qs(urlsplit(r.url).query)
        assert r.method == "POST" and urlsplit(r.url).path == "/module/web/jpage/dataproxy.jsp"
        ranges.append((int(q["startrecord"][0]), int(q["endrecord"][0]), int(q["perpage"][0])))
        form = dict(r.data)
        assert form["columnid"] == "284" and form["unitid"] == "423656" and form["webid"] == "3"
    assert ranges == [(31, 60, 10), (61, 90, 10), (91, 120, 10), (121, 138, 10)]


def test_jcms_dataproxy_answer():
    proxy = PageRequest("https://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=31&endrecord=60&perpage=10",
                        method="POST")
    xml = ("<datastore><totalrecord>138</totalrecord><totalpage>14</totalpage><recordset>"
           "<record><![CDATA[<li><a title='甲市2023年度政府信息公开工作年度报告' "
           "href='/art/2024/1/5/art_9_1.html'>甲</a>"
           "<span>2024-01-05</span></li>]]></record></recordset></datastore>")
    page = hanweb_jcms.parse_list(proxy, xml)
    assert page.total == 138 and page.follow == ()
    assert page.items[0].url == "https://a.gov.cn/art/2024/1/5/art_9_1.html"
    empty = hanweb_jcms.parse_list(proxy, "<datastore><recordset></recordset></datastore>")
    assert empty.items == ()


def test_jcms_article_body():
    url = "https://fzggw.jiangsu.gov.cn/art/2026/8/28/art_284_11821965.html"
    art = hanweb_jcms.parse_article(url, read("jiangsu/js_detail.html"))
    assert art.title == "江苏省成品油价格调整公告（2026年第16号）"
    assert art.published == "2026-08-28"
    assert art.body_text.startswith("根据国家发展改革委公布的国内成品油价格调价信息")
    assert art.attachments == ()


# -- Hanweb JPaaS ---------------------------------------------------------------------------

def test_jpaas_column_page_yields_the_unit_api_request():
    url = "https://fzggw.zj.gov.cn/col/col1229565788/index.html"
    page = hanweb_jpaas.parse_list(PageRequest(url), read("zj/col_main.html"))
    assert page.items == ()
    [api] = page.follow
    parts = urlsplit(api.url)
    assert parts.path == "/api-gateway/jpaas-publish-server/front/page/build/unit"
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q["pageId"] == "1229565788" and q["webId"] == "3185" and q["parseType"] == "bulidstatic"
    assert "paramJson" not in q


def test_jpaas_unit_api_items_and_paramjson_paging():
    api = PageRequest("https://fzggw.zj.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3185&pageId=1229565788")
    page = hanweb_jpaas.parse_list(api, read("zj/unit_api.json"))
    assert len(page.items) == 15 and page.total == 388
    assert page.items[0].title.endswith("碳排放评价实施办法》的通知")  # full title attribute, not the cut text
    assert any(i.url.startswith("https://fzggw.zj.gov.cn/art/2025/") for i in page.items)  # protocol-relative
    assert len(page.follow) == 25
    last = parse_qs(urlsplit(page.follow[-1].url).query)
    assert json.loads(last["paramJson"][0]) == {"pageNo": 26, "pageSize": 15}
    # page 2 does not announce the pages again
    assert hanweb_jpaas.parse_list(page.follow[0], read("zj/unit_api.json")).follow == ()


def test_jpaas_article_and_token_free_attachment_key():
    url = "https://fzggw.zj.gov.cn/col/col1229123351/art/2026/art_937add6719f140bdac86d5b97c525d28.html"
    art = hanweb_jpaas.parse_article(url, read("zj/zj_detail_energy.html"))
    assert art.title.startswith("省发展改革委关于印发")
    [att] = art.attachments
    assert att.ext == "wps" and att.name.endswith("无痕迹稿.wps")
    assert "fileUrl=" in att.url and "fileUrl" not in att.key and "fileName=" in att.key


# -- SiteServer -----------------------------------------------------------------------------

RUZHOU_CHANNEL = """<html><head><meta charset="utf-8"><title>2020年_汝州市人民政府</title></head><body>
<div class="public-list1"><ul>
<li><a href="/contents/37547/328014.html" title="汝州市2020年政府信息公开工作年度报告">汝州市2020年…</a>
<span>2021-01-28</span></li>
<li><a href="https://ruzhou.gov.cn/contents/37547/328013.html">汝州市教育体育局2020年度政府信息公开工作年度报告</a><span>2021-01-20</span></li>
</ul></div>
<div class="public-page"><span class="public-page-nav"><a href="/channels/37547.html">首页</a>
<a href="/channels/37547_2.html">下一页</a><a href="/channels/37547_3.html">尾页</a>
<a href="/channels/36778.html">领导之窗</a> 共3页</span></div></body></html>"""


def test_siteserver_channel_items_and_pager():
    url = "https://www.ruzhou.gov.cn/channels/37547.html"
    page = siteserver.parse_list(PageRequest(url), RUZHOU_CHANNEL)
    assert [i.url for i in page.items] == ["https://www.ruzhou.gov.cn/contents/37547/328014.html",
                                           "https://ruzhou.gov.cn/contents/37547/328013.html"]
    assert page.items[0].title == "汝州市2020年政府信息公开工作年度报告" and page.items[0].published == "2021-01-28"
    assert [r.url for r in page.follow] == ["https://www.ruzhou.gov.cn/channels/37547_2.html",
                                            "https://www.ruzhou.gov.cn/channels/37547_3.html"]
    assert page.total == 3


def test_siteserver_article_body_excludes_hit_counter():
    html = """<html><head><meta name="ArticleTitle" content="汝州市2020年政府信息公开工作年度报告">
    <meta name="PubDate" content="2021-01-28 10:00"></head><body><div class="article">
    <h1 class="article-title">汝州市2020年政府信息公开工作年度报告</h1>
    <div class="page-date">点击数：<span id="hits">{n}</span></div>
    <div class="article-con" id="zoom"><p>一、总体情况</p><a href="/upload/1.pdf">附件.pdf</a></div>
    </div></body></html>"""
    url = "https://www.ruzhou.gov.cn/contents/37547/328014.html"
    a, b = (siteserver.parse_article(url, html.replace("{n}", n)) for n in ("17", "18"))
    assert a.body_text == b.body_text and "点击数" not in a.body_text
    assert article_fingerprint(a) == article_fingerprint(b)
    assert [x.url for x in a.attachments] == ["https://www.ruzhou.gov.cn/upload/1.pdf"]


def test_page_without_content_region_is_none():
    home = "<html><head><title>首页</title></head><body><div class='nav'><a href='/'>首页</a></div></body></html>"
    for adapter in (trs, hanweb_jcms, hanweb_jpaas, siteserver):
        assert adapter.parse_article("https://a.gov.cn/x.html", home) is None


# -- gkmlpt ---------------------------------------------------------------------------------

def test_gkmlpt_api_items_and_pages():
    api = PageRequest("http://www.xuwen.gov.cn/gkmlpt/api/all/2155?sid=755")
    payload = {"total": 45, "articles": [
        {"id": 2155421, "title": "徐闻县人民政府2023年政府信息公开工作年度报告",
         "url": "http://www.xuwen.gov.cn/gkmlpt/content/2/2155/post_2155421.html",
         "display_publish_time": "2024-01-25", "create_time": 1706140800},
        {"id": 2155422, "title": "徐闻县教育局2023年度政府信息公开工作年度报告",
         "post_url": "/gkmlpt/content/2/2155/post_2155422.html", "create_time": 1706227200},
    ] * 10}
    page = gkmlpt.parse_list(api, json.dumps(payload, ensure_ascii=False))
    assert [i.published for i in page.items] == ["2024-01-25", "2024-01-26"]
    assert page.items[1].url == "http://www.xuwen.gov.cn/gkmlpt/content/2/2155/post_2155422.html"
    assert page.total == 45
    assert [parse_qs(urlsplit(r.url).query)["page"] for r in page.follow] == [["2"], ["3"]]
    assert gkmlpt.parse_list(page.follow[0], json.dumps(payload)).follow == ()
