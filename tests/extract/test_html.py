"""HTML extraction: body cut-out, span expansion, cell text, charsets, metadata, challenge pages."""

from __future__ import annotations

import pytest

from xxgk.cli import main
from xxgk.document import Paragraph, Table
from xxgk.extract import NotAReport, extract
from xxgk.extract.html import extract_html
from xxgk.numbers import parse_number

PAGE = """<!DOCTYPE html><html><head>
<meta charset="{charset}"><meta name="ArticleTitle" content="某某县人民政府2023年政府信息公开工作年度报告">
<meta name="PubDate" content="2024-01-20 10:00"><title>门户</title></head><body>
<div class="nav"><a href="/">首页</a> 网站导航 政务公开 办事服务 互动交流 走进本县
<table><tr><td>导航表格</td></tr></table></div>
<div class="TRS_Editor"><p>　　根据《条例》要求编制本报告，所列数据统计期限自2023年1月1日起至2023年12月31日止。</p>
<p><strong>三、收到和处理政府信息公开申请情况</strong></p>
<table><tbody>
<tr><td rowspan="2" colspan="2"><p>商业</p><p>企业</p></td><td colspan="2">申请人<br/>情况</td></tr>
<tr><td>12</td><td>&nbsp;</td></tr>
<tr><td>一</td><td>二</td><td>三</td><td> 7&nbsp;</td></tr>
</tbody></table>
<p>镕基</p></div></body></html>"""


def _page(charset: str = "utf-8", encoding: str = "utf-8") -> bytes:
    return PAGE.format(charset=charset).encode(encoding)


def _tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def test_only_the_article_body_is_read():
    doc = extract_html(_page())
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[1] == "三、收到和处理政府信息公开申请情况"
    assert not any("导航" in t for t in texts)
    assert len(_tables(doc)) == 1


def test_rowspan_and_colspan_expanded_with_origin():
    grid = _tables(extract_html(_page()))[0].rows
    assert [[c.text for c in row] for row in grid] == [
        ["商业\n企业", "商业\n企业", "申请人\n情况", "申请人\n情况"],
        ["商业\n企业", "商业\n企业", "12", "\u00a0"],
        ["一", "二", "三", "7\u00a0"],
    ]
    assert grid[1][1].origin == (0, 0) and grid[1][1].is_span_copy
    assert grid[0][3].origin == (0, 2) and not grid[0][2].is_span_copy
    assert grid[2][3].locator == "r2c3"


def test_nbsp_only_cell_is_blank_and_padded_number_reads():
    grid = _tables(extract_html(_page()))[0].rows
    assert parse_number(grid[1][3].text).status == "blank"
    assert parse_number(grid[2][3].text).value == 7


def test_metadata_hints():
    doc = extract_html(_page())
    assert doc.title_hint == "某某县人民政府2023年政府信息公开工作年度报告"
    assert doc.published_hint == "2024-01-20 10:00"


def test_declared_gb2312_read_as_gb18030():
    """镕 is GBK, not GB2312: a page declared gb2312 must still decode it."""
    doc = extract_html(_page(charset="gb2312", encoding="gbk"))
    assert any(isinstance(b, Paragraph) and b.text == "镕基" for b in doc.blocks)
    assert "charset gb18030" in doc.notes


def test_wrong_declaration_falls_back_to_detection():
    doc = extract_html(_page(charset="gbk", encoding="utf-8"))
    assert any(isinstance(b, Paragraph) and b.text == "镕基" for b in doc.blocks)


CHALLENGE = b"""<html><head><title></title><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};
document.cookie="x=1;path=/";location.href=location.href;</script></head><body></body></html>"""


def test_challenge_page_is_not_a_report(tmp_path, capsys):
    with pytest.raises(NotAReport) as e:
        extract(CHALLENGE, "page.html")
    assert e.value.code == "challenge_page"
    f = tmp_path / "challenge.html"
    f.write_bytes(CHALLENGE)
    assert main(["parse", str(f)]) == 2
    assert "challenge" in capsys.readouterr().out


NOTICE = """<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="关于做好2023年政府信息公开工作年度报告编制发布工作的通知">
</head><body><div class="TRS_Editor"><p>各乡镇人民政府、区直各部门：根据《条例》规定，
现就做好2023年政府信息公开工作年度报告编制发布工作通知如下。</p>
<p>一、按时发布。请于1月31日前发布。</p></div></body></html>"""
EMPTY = """<html><head><meta charset="utf-8"><title>平潭综合实验区</title></head><body><div class="TRS_Editor">
</div><p>版权所有</p></body></html>"""


@pytest.mark.parametrize(("page", "reason"), [(NOTICE, "no table"), (EMPTY, "no report title")])
def test_notice_and_empty_page_set_aside(page, reason, tmp_path, capsys):
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    assert main(["parse", str(f)]) == 2
    assert reason in capsys.readouterr().out
