"""Each CMS family's list, pagination, article and attachment paths over real HTTP."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import docx
import pytest
from lxml import html as lhtml

from tests.mirror.conftest import Web, hrefs
from xxgk.mirror import Mirror
from xxgk.mirror.catalogue import CORPUS_DIR
from xxgk.mirror.synth import CONTACTS

HN = "http://www.haining.gov.cn"
JX = "https://www.jiaxing.gov.cn"
HS = "https://www.haishu.gov.cn"
RZ = "https://www.ruzhou.gov.cn"
PT = "https://www.pingtan.gov.cn"
MN = "https://zfxxgk.sim-ministry.gov.cn"
UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def unit(web: Web, page_id: str, **params: str) -> dict:
    q = "&".join(f"{k}={v}" for k, v in {"pageId": page_id, "webId": "2780", **params}.items())
    return web.get(f"{HN}{UNIT}?{q}").json()


def items(unit_json: dict) -> list[str]:
    return re.findall(r'<a class="bt-left" title="[^"]*" href="([^"]+)"', unit_json["data"]["html"])


# --- common ------------------------------------------------------------------------------


def test_unknown_host_is_404_never_another_site(web: Web) -> None:
    r = web.get("http://www.example.gov.cn/col/col1229611135/index.html")
    assert r.status_code == 404 and "海宁" not in r.text


def test_every_host_serves_robots(web: Web, mirror: Mirror) -> None:
    for host in mirror.hosts:
        r = web.get(f"http://{host}/robots.txt")
        assert r.status_code == 200 and r.text.startswith("User-agent: *"), host
    assert "Disallow: /\n" in web.get("http://robots-deny.gov.cn/robots.txt").text


def test_home_pages_link_the_report_column(web: Web) -> None:
    assert "/col/col1229611135/index.html" in web.get(f"{HN}/").text
    assert "/channels/37540.html" in web.get(f"{RZ}/index.html").text


# --- JPaaS (海宁) ---------------------------------------------------------------------------


def test_jpaas_column_page_has_only_the_unit_loader(web: Web) -> None:
    page = web.get(f"{HN}/col/col1229611135/index.html").text
    assert 'src="/cms_files/default/script/AuthorizedRead/unitbuild.js' in page
    assert 'url="/api-gateway/jpaas-publish-server/front/page/build/unit"' in page
    assert "'parseType':'bulidstatic'" in page and "'pageId':'1229611135'" in page
    assert "pageTimestamp= '" in page
    assert "/art/" not in page  # no list items in the static page
    assert "2023年政府信息公开年报" in page  # per-year sub-columns in the left nav


def test_jpaas_list_pages_only_through_paramjson(web: Web) -> None:
    p1 = unit(web, "1229611135")
    assert p1["success"] is True and p1["code"] == "200"
    html = p1["data"]["html"]
    assert 'rows="15"' in html and 'count="16"' in html and 'pageNo="1"' in html
    assert len(items(p1)) == 15
    p2 = unit(web, "1229611135", paramJson=json.dumps({"pageNo": 2, "pageSize": 15}))
    assert len(items(p2)) == 1 and 'pageNo="2"' in p2["data"]["html"]
    assert items(unit(web, "1229611135", pageNo="2")) == items(p1)  # bare pageNo ignored
    assert items(unit(web, "1229611135", paramJson=json.dumps({"pageNo": 9}))) == []
    every = items(p1) + items(p2)
    assert any(h.startswith("//www.haining.gov.cn/art/") for h in every)  # protocol-relative, old style
    assert any(re.fullmatch(r"/col/col\d+/art/\d{4}/art_[0-9a-f]{32}\.html", h) for h in every)
    assert not unit(web, "")["success"]


def test_jpaas_sub_column_lists_its_year_only(web: Web) -> None:
    titles = re.findall(r'title="([^"]+)"', unit(web, "1229781527")["data"]["html"])
    assert titles and all("2023" in t for t in titles if "年度报告" in t)


def test_jpaas_article_structure(web: Web) -> None:
    path = "/col/col1229699950/art/2023/art_8f3e1a2b4c5d6e7f8091a2b3c4d5e6f7.html"
    page = web.get(HN + path).text
    doc = lhtml.fromstring(page)
    assert doc.xpath('//meta[@name="ArticleTitle"]/@content') == ["海宁市信访局2022年度政府信息公开工作年度报告"]
    assert doc.xpath('//meta[@name="PubDate"]/@content') == ["2023-01-16 16:40"]
    assert doc.xpath('//meta[@name="Url"]/@content') == [path]
    assert doc.xpath('//table[@class="xxgktab"]//td[text()="政府信息公开年报"]')
    zoom = doc.xpath('//div[@class="main-txt" and @id="zoom"]')[0]
    assert len(zoom.xpath(".//table")) == 3
    assert "p" == zoom.xpath("./*")[0].tag


def test_jpaas_gateway_download(web: Web) -> None:
    page = web.get(f"{HN}/col/col1229781527/art/2024/art_3a9d0c1b2e4f4a6b8d0c2e4f6a8b0c1d.html").text
    assert "全文详见附件" in page  # cover note only
    link = next(h for h in hrefs(page) if "document/download" in h).replace("&amp;", "&")
    assert re.search(r"fileUrl=[A-Za-z0-9%]+&fileName=", link)  # opaque, url-encoded base64
    r = web.get(HN + link)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    d = docx.Document(io.BytesIO(r.content))
    assert len(d.tables) == 3 and "海宁市民政局" in d.paragraphs[0].text
    assert web.get(HN + link).content == r.content  # same report, same bytes
    bad = web.get(f"{HN}/api-gateway/jpaas-web-server/front/document/download?fileUrl=AAAA&fileName=x.docx")
    assert bad.status_code == 200 and bad.json()["success"] is False


def test_oss_attachment_host(web: Web) -> None:
    page = web.get(f"{HN}/col/col1229699950/art/2023/art_6e1f2a3b4c5d4e6f9a8b7c6d5e4f3a2b.html").text
    url = next(h for h in hrefs(page) if "oss-cn-hangzhou" in h)
    r = web.get(url)
    assert r.status_code == 200 and r.content[:2] == b"PK" and r.headers["etag"]
    missing = web.get(url.rsplit("/", 1)[0] + "/0000.pdf")
    assert missing.status_code == 404 and b"NoSuchKey" in missing.content


# --- JCMS classic (嘉兴, 海曙, 洪泽, 淮安) -----------------------------------------------------


def _records(xml: str) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[.*?href=\"([^\"]+)\".*?\]\]></record>", xml, re.S)


def test_jcms_column_page_two_identical_units_in_script_xml(web: Web) -> None:
    page = web.get(f"{JX}/col/col1229423212/index.html").text
    units = re.findall(r'<div id="(\d+)"><script type="text/xml"><datastore>(.*?)</datastore></script>', page, re.S)
    assert len(units) == 2 and units[0][0] != units[1][0]
    assert _records(units[0][1]) == _records(units[1][1])
    assert len(_records(units[0][1])) == 15  # groupSize 3 x perPage 5
    assert "totalRecord:19" in page and "groupSize:3" in page and "perPage:5" in page
    assert f"var param_{units[0][0]} = {{col:1,appid:'1',webid:2758,path:'/',columnid:1229423212" in page
    assert "/module/web/jpage/dataproxy.jsp?page=1&" in page
    assert not lhtml.fromstring(page).xpath("//li/a[contains(@href, '/art/')]")  # invisible to HTML parsers
    assert "<meta name='Maketime'" in page


def test_jcms_dataproxy_get_page_and_post_records(web: Web) -> None:
    base = f"{JX}/module/web/jpage/dataproxy.jsp"
    g = web.get(f"{base}?page=2&appid=1&webid=2758&path=/&columnid=1229423212&unitid=1&permissiontype=0").text
    assert "<totalrecord>19</totalrecord>" in g and "<totalpage>2</totalpage>" in g and len(_records(g)) == 4
    form = {
        "col": "1",
        "appid": "1",
        "webid": "2758",
        "path": "/",
        "columnid": "1229423212",
        "unitid": "1",
        "permissiontype": "0",
    }
    p = web.post(f"{base}?startrecord=16&endrecord=30&perpage=5", data=form).text
    assert len(_records(p)) == 4 and "<totalrecord>19</totalrecord>" in p
    ahead = web.post(f"{base}?startrecord=1&endrecord=5&perpage=5", data=form).text
    assert len(_records(ahead)) == 6  # one look-ahead record
    assert _records(ahead)[5] == _records(web.post(f"{base}?startrecord=6&endrecord=10&perpage=5", data=form).text)[0]
    big = web.post(f"{base}?startrecord=1&endrecord=5000&perpage=5000", data=form).text
    assert len(_records(big)) == 19
    past = web.post(f"{base}?startrecord=40&endrecord=45&perpage=5", data=form)
    assert len(past.content) == 54 and b"<record>" not in past.content
    assert web.get(f"{JX}/module/jpage/dataproxy.jsp?page=1&columnid=1229423212").status_code == 404


def test_jcms_article_and_downfile_word_as_text_html(web: Web) -> None:
    page = web.get(f"{HS}/art/2023/1/20/art_1229550817_59012001.html").text
    doc = lhtml.fromstring(page)
    assert doc.xpath('//p[contains(@class,"bt-art-title")]')
    assert doc.xpath('//div[contains(@class,"bt-content")]//div[@class="TRS_Editor"]//table')
    assert doc.xpath('//table[@class="xxgktab"]//td[text()="政府信息公开年报"]')
    link = next(h for h in hrefs(page) if "downfile.jsp" in h).replace("&amp;", "&")
    assert re.search(r"filename=[0-9a-f]{32}\.docx&showname=", link)
    r = web.get(HS + link)
    assert r.headers["content-type"].startswith("text/html") and r.content[:2] == b"PK"
    assert r.content == (CORPUS_DIR / "template_2021.docx").read_bytes()
    assert "年度报告格式" in unquote(r.headers["content-disposition"])


def test_jcms_pdf_behind_cover_note(web: Web) -> None:
    page = web.get("https://www.hongze.gov.cn/art/2024/2/26/art_22760_3951207.html").text
    assert "全文详见附件" in page and "<table" not in page.split("TRS_Editor", 1)[1].split("ContentEnd")[0]
    link = next(h for h in hrefs(page) if "downfile.jsp" in h).replace("&amp;", "&")
    r = web.get("https://www.hongze.gov.cn" + link)
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")


def test_jcms_list_linking_pdfs_directly(web: Web) -> None:
    page = web.get("https://www.huaian.gov.cn/col/18073_668815/index.html").text
    assert "columnid:'18073_668815'" in page and "/wzxxgknb/2025/szfgs.pdf" in page
    pdf = web.get("https://www.huaian.gov.cn/wzxxgknb/2025/szfgs.pdf")
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) == 412842
    broken = web.get("https://www.huaian.gov.cn/wzxxgknb/2024/szfgs.pdf")  # F10 built in
    assert broken.status_code == 200 and broken.headers["content-type"].startswith("text/html")


def test_xxgk_module_search_and_annual_report(web: Web) -> None:
    r = web.post(
        f"{HS}/module/xxgk/search.jsp",
        data={"infotypeId": "0", "jdid": "3102", "area": "330203000000", "currpage": "1"},
    )
    assert "tr_main_value_odd" in r.text and "tr_main_value_even" in r.text and "共2页" in r.text
    page2 = web.post(f"{HS}/module/xxgk/search.jsp", data={"currpage": "2"}).text
    every = r.text + page2
    assert "通知" in every  # not column-filtered
    assert "art_1229550817_58946344" not in every  # dead URL not published
    annual = web.get(f"{HS}/module/xxgk/xxgkAnnualReport.jsp?fbtime=2023&area=330203000000").text
    assert "宁波市海曙区人民政府办公室2022年政府信息公开工作年度报告" in annual and "通知" not in annual


# --- TRS ----------------------------------------------------------------------------------


def test_trs_createpagehtml_paging_and_stub(web: Web) -> None:
    first = web.get(f"{MN}/ndbg/").text
    assert 'createPageHTML(3, 0, "index", "html");' in first
    assert len(lhtml.fromstring(first).xpath('//ul[@class="u-list"]/li/a')) == 5
    second = web.get(f"{MN}/ndbg/index_1.html").text
    assert 'createPageHTML(3, 1, "index", "html");' in second
    last = web.get(f"{MN}/ndbg/index_2.html").text
    assert len(lhtml.fromstring(last).xpath('//ul[@class="u-list"]/li/a')) == 2
    stub = web.get(f"{MN}/ndbg/index_3.html")
    assert stub.status_code == 200 and len(stub.content) == 350
    links = re.findall(r'href="(\./\d{6}/t\d{8}_\d+\.html)"', first)
    assert len(links) == 5


def test_trs_article_mobile_twin_and_attachment(web: Web) -> None:
    page = web.get(f"{MN}/ndbg/202401/t20240130_601877.html").text
    doc = lhtml.fromstring(page)
    assert doc.xpath('//div[@class="article_con"]/div[@class="TRS_Editor"]//table')
    assert 'var mobilurl="./t20240130_601877_ext.html"' in page
    assert web.get(f"{MN}/ndbg/202401/t20240130_601877_ext.html").status_code == 200
    att = doc.xpath('//div[@class="attachment"]//a/@href')[0]
    assert re.fullmatch(r"\./P0\d+\.docx", att)
    r = web.get(f"{MN}/ndbg/202401/{att[2:]}")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_trs_real_pingtan_pages(web: Web) -> None:
    real = (CORPUS_DIR / "pingtan_list.html").read_bytes()
    assert web.get(f"{PT}/zwgk/zfxxgk/zfxxgknb/").content == real
    assert web.get(f"{PT}/zwgk/zfxxgk/zfxxgknb/index.htm").content == real
    art = web.get(f"{PT}/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm")
    assert art.content == (CORPUS_DIR / "pingtan_2023.html").read_bytes()
    assert web.get(f"{PT}/zwgk/zfxxgk/zfxxgknb/201901/t20190110_80529.htm").status_code == 200
    assert web.get(f"{PT}/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm").status_code == 404  # never captured
    assert len(web.get(f"{PT}/zwgk/zfxxgk/zfxxgknb/index_1.htm").content) == 350


# --- SiteServer (汝州) -----------------------------------------------------------------------


def test_siteserver_channels_and_paging(web: Web) -> None:
    p1 = web.get(f"{RZ}/channels/37540.html").text
    doc = lhtml.fromstring(p1)
    assert len(doc.xpath('//div[@class="public-list1"]//li/a')) == 10
    nxt = doc.xpath('//span[@class="public-page-nav"]//a[text()="下一页"]/@href')
    assert nxt == ["/channels/37540_2.html"]
    p2 = lhtml.fromstring(web.get(f"{RZ}{nxt[0]}").text)
    assert 1 <= len(p2.xpath('//div[@class="public-list1"]//li/a')) < 10
    assert not p2.xpath('//span[@class="public-page-nav"]//a[text()="下一页"]')
    again = lhtml.fromstring(web.get(f"{RZ}/channels/37540_9.html").text)  # past the end: page 1 again
    assert again.xpath('//div[@class="public-list1"]//li/a/@href') == doc.xpath(
        '//div[@class="public-list1"]//li/a/@href'
    )
    assert "https://ruzhou.gov.cn/contents/37551/328079.html" in p1 + web.get(f"{RZ}/channels/37540_2.html").text


def test_siteserver_content_page(web: Web) -> None:
    doc = lhtml.fromstring(web.get(f"{RZ}/contents/38102/339871.html").text)
    assert doc.xpath('//div[@class="article"]/div[@class="xxgk-table"]')
    assert doc.xpath('//div[@class="article"]//h1')[0].text == "信访局2022年政府信息公开工作年度报告"
    assert len(doc.xpath('//div[@class="article"]//table')) == 4  # xxgk-table + 3 statistics tables


def test_bare_host_is_the_gbk_site(web: Web) -> None:
    www = web.get(f"{RZ}/contents/37547/328014.html")
    bare = web.get("http://ruzhou.gov.cn/contents/37547/328014.html")
    assert www.headers["content-type"] == "text/html; charset=utf-8"
    assert bare.headers["content-type"] == "text/html"
    assert b'<meta charset="gb2312">' in bare.content
    with pytest.raises(UnicodeDecodeError):
        bare.content.decode("gb2312")
    text = bare.content.decode("gbk")
    assert any(name in text for name in CONTACTS)
    assert text.split("<body>")[1].split("点击数")[0] == www.text.split("<body>")[1].split("点击数")[0]


# --- fidelity of the rendered seed tables --------------------------------------------------


def expand(table: lhtml.HtmlElement) -> list[list[str]]:
    """Span-expanded grid of an HTML table (what the extractor does)."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath("./tbody/tr|./tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            text = "\n".join(td.itertext())
            for dr in range(int(td.get("rowspan", 1))):
                for dc in range(int(td.get("colspan", 1))):
                    grid[(r + dr, c + dc)] = text
            c += int(td.get("colspan", 1))
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(cols)] for r in range(rows)]


SEED_PAGES = {
    "000_c1eaaf8cdc2dffbd": f"{HN}/col/col1229699950/art/2023/art_8f3e1a2b4c5d6e7f8091a2b3c4d5e6f7.html",
    "001_39cbfd32513a2536": f"{JX}/art/2023/1/19/art_1229699001_5012345.html",
    "002_258c9fe9a95a7785": f"{RZ}/contents/38102/339871.html",
    "003_fff17be27cddb8b3": f"{HN}/art/2021/1/28/art_1229150010_4301625.html",
    "004_3ea6a6549f11e7d9": f"{HS}/art/2023/1/20/art_1229550817_59012001.html",
}


@pytest.mark.parametrize("seed", sorted(SEED_PAGES))
def test_seed_page_tables_parse_back_to_ground_truth(web: Web, seed: str) -> None:
    from xxgk.schema import C7, TABLE2_ROWS, TABLE3_ROWS

    truth = json.loads((CORPUS_DIR / "seeds" / f"{seed}.json").read_text(encoding="utf-8"))
    raw = {(c["table"], c["row"], c["col"]): c["raw"] for c in truth["raw_nonplain_cells"]}

    def printed(table: str, row: str, col: str) -> str:
        v = truth["values"][table][row][col]
        return raw.get((table, row, col), "" if v is None else str(v))

    doc = lhtml.fromstring(web.get(SEED_PAGES[seed]).content.decode("utf-8"))
    t2, t3, t4 = [expand(t) for t in doc.xpath('//table[@border="1"]')]
    version = truth["template_version"]
    # 表二: data rows are those whose first cell is a row label
    labels2 = {r.key: r for r in TABLE2_ROWS[version]}
    data2 = [row for row in t2 if row[0] not in ("信息内容",) and not row[0].startswith("第二十条")]
    assert len(data2) == len(labels2)
    for row, spec in zip(data2, TABLE2_ROWS[version], strict=True):
        for i, col in enumerate(spec.columns):
            assert row[1 + i] == printed("table2", spec.key, col.key), (spec.key, col.key)
    # 表三: 3 header rows, then one grid row per template row, values in columns 3..9
    body3 = t3[3:]
    assert len(body3) == len(TABLE3_ROWS[version]) and all(len(r) == 10 for r in t3)
    for row, spec in zip(body3, TABLE3_ROWS[version], strict=True):
        assert [row[3 + i] for i in range(7)] == [printed("table3", spec.key, c) for c in C7], spec.key
    # 表四: 15 values in the 4th row
    assert len(t4) == 4 and len(t4[3]) == 15
    expect4 = [
        printed("table4", r, c)
        for r in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert t4[3] == expect4
    assert t4[0][0] == "行政复议" and t4[1][5] == "未经复议直接起诉" and t3[1][9] == t3[2][9]  # merged 总计


def test_nothing_reads_the_shared_corpus() -> None:
    needle = "/work/" + "shared"  # spelled in two parts so this file does not match itself
    root = Path(__file__).resolve().parents[2]
    for p in list((root / "xxgk" / "mirror").glob("*.py")) + list((root / "tests" / "mirror").glob("*.py")):
        assert needle not in p.read_text(encoding="utf-8"), p
