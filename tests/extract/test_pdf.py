"""PDF extraction: page furniture, table grids across pages, pages, unreadable and image-only files."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

from tests.conftest import CORPUS
from xxgk.cli import main
from xxgk.document import Paragraph, Table
from xxgk.extract import Unreadable, extract
from xxgk.extract.pdf import _borderless, _Char, is_furniture, is_table_page

HONGZE_2023 = CORPUS / "hongze_2023.pdf"


@pytest.mark.parametrize("line", ["- 3 -", "— 5 —", "－12－", "第3页", "第 3 页 共 6 页", "3/12", " 7 "])
def test_page_numbers_are_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["2023 年", "一、总体情况", "21 0 0 0 0 0 21", "行政许可 550"])
def test_content_is_not_furniture(line):
    assert not is_furniture(line)


@pytest.fixture(scope="module")
def hongze():
    return extract(HONGZE_2023.read_bytes(), HONGZE_2023.name)


def test_furniture_dropped_and_pages_kept(hongze):
    paras = [b for b in hongze.blocks if isinstance(b, Paragraph)]
    assert not any(is_furniture(p.text) for p in paras)
    assert all(b.page for b in hongze.blocks)
    assert hongze.pages == 5


def test_table_split_across_pages_continues(hongze):
    """Table 3 runs from page 3 to page 4; the vertical 三/本/年… label is one cell."""
    tables = [b for b in hongze.blocks if isinstance(b, Table)]
    t3 = [t for t in tables if any("予以公开" in c.text for r in t.rows for c in r)][0]
    cont = tables[tables.index(t3) + 1]
    assert (t3.page, cont.page) == (3, 4)
    assert "3.补正后申请内容仍不明确" in [c.text for c in cont.rows[0]]
    label = next(r[0].text for r in t3.rows if "予以公开" in r[1].text)
    assert label.replace("\n", "") == "三、本年度办理结果"
    assert all(c.page == 3 for r in t3.rows for c in r)


def test_frame_rows_become_paragraphs(hongze):
    """WPS draws the narrative inside a page frame: those rows are paragraphs, not a table."""
    heads = [b.text for b in hongze.blocks if isinstance(b, Paragraph)]
    assert "二、主动公开政府信息情况" in heads and "第二十条第（一）项" in heads


def test_table_page_detection():
    assert is_table_page("信息内容 本年制发件数")
    assert is_table_page("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0")
    assert not is_table_page("2023 年，洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导")


def _line(parts: list[str], top: float) -> list[_Char]:
    chars, x = [], 50.0
    for part in parts:
        for ch in part:
            chars.append(_Char(ch, x, x + 10, top, top + 10, 10))
            x += 10
        x += 40  # a wide gap between cells
    return chars


def test_words_by_line_fallback_for_borderless_tables():
    lines = [_line(["三、收到和处理政府信息公开申请情况"], 10), _line(["（七）总计", "21", "0", "21"], 30),
             _line(["四、结转下年度继续办理", "0", "0", "0"], 50)]
    placed = _borderless(lines, 2)
    assert isinstance(placed[0][1][0], Paragraph)
    table = placed[1][1][0]
    assert isinstance(table, Table) and len(table.rows) == 2
    assert [c.text for c in table.rows[0]] == ["（七）总计", "21", "0", "21"]


def test_corrupt_pdf_is_unreadable(tmp_path, capsys):
    data = HONGZE_2023.read_bytes()[:2000]
    with pytest.raises(Unreadable) as e:
        extract(data, "broken.pdf")
    assert e.value.code == "corrupt_pdf"
    f = tmp_path / "broken.pdf"
    f.write_bytes(data)
    assert main(["parse", str(f), "--json"]) == 1
    assert "corrupt_pdf" in capsys.readouterr().out


def test_pdf_without_text_layer_needs_ocr():
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    with pytest.raises(Unreadable) as e:
        extract(buf.getvalue(), "scan.pdf")
    assert e.value.code == "needs_ocr"
