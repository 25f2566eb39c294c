"""DOCX (merged cells) and DOC/WPS (converted with LibreOffice) extraction.

The report used here is the 2021 template Word file filled in with the values of the 平潭
2023 report (its truth file), so the expected cells are known without a second truth file.
"""

from __future__ import annotations

import io
import json
import subprocess

import docx
import pytest

from tests.conftest import CORPUS
from tests.truth import cell_mismatches
from xxgk.document import Table
from xxgk.extract import Unreadable, extract
from xxgk.parse.api import parse_bytes
from xxgk.schema import C7, T4_PARTS, TABLE3_ROWS, TABLE4_ROWS

TITLE = "平潭综合实验区2023年度政府信息公开工作年度报告"
T2_LABELS = {"规章": "art20_1.regulations", "行政规范性文件": "art20_1.normative_documents",
             "行政许可": "art20_5.licensing", "行政处罚": "art20_6.penalty", "行政强制": "art20_6.coercion",
             "行政事业性收费": "art20_8.admin_fees"}


def _unique_cells(row) -> list:  # noqa: ANN001 - python-docx row
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def filled_template(values: dict) -> bytes:
    d = docx.Document(str(CORPUS / "template_2021.docx"))
    next(p for p in d.paragraphs if p.text.strip()).text = TITLE
    t2, t3, t4 = d.tables
    for row in t2.rows:
        cells = _unique_cells(row)
        key = T2_LABELS.get(cells[0].text.strip())
        if key:
            for cell, v in zip(cells[1:], values["table2"][key].values(), strict=True):
                cell.text = str(v)
    for row, spec in zip(t3.rows[3:], TABLE3_ROWS["2021"], strict=True):
        for cell, col in zip(row.cells[3:], C7, strict=True):
            cell.text = str(values["table3"][spec.key][col])
    t4_values = [values["table4"][r][c] for r, _ in TABLE4_ROWS for c in (*T4_PARTS, "total")]
    for cell, v in zip(t4.rows[3].cells, t4_values, strict=True):
        cell.text = str(v)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((CORPUS / "pingtan_2023.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report_docx(truth) -> bytes:
    return filled_template(truth["values"])


def test_merged_cells_expanded_with_origin():
    doc = extract((CORPUS / "template_2021.docx").read_bytes(), "template_2021.docx")
    t3 = [b for b in doc.blocks if isinstance(b, Table)][1]
    corner = t3.rows[2][1]
    assert corner.text.startswith("（本列数据的勾稽关系") and corner.origin == (0, 0)
    outcome = [r[0] for r in t3.rows if r[0].text == "三、本年度办理结果"]
    assert len(outcome) == 22 and {c.origin for c in outcome} == {outcome[0].origin}
    assert t3.rows[1][5].text == "法人或其他组织" and t3.rows[1][5].origin == (1, 4)
    assert t3.rows[3][9].text == "" and not t3.rows[3][9].is_span_copy


def test_filled_docx_parses_to_every_cell(report_docx, truth):
    result = parse_bytes(report_docx, "report.docx", "report.docx")
    assert result.is_report and result.report.year == 2023
    assert cell_mismatches(result, truth) == []


def test_doc_converted_with_libreoffice(report_docx, truth, tmp_path):
    src = tmp_path / "report.docx"
    src.write_bytes(report_docx)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True)
    data = (tmp_path / "report.doc").read_bytes()
    result = parse_bytes(data, "report.wps", "report.wps")
    assert result.is_report
    assert cell_mismatches(result, truth) == []


@pytest.mark.parametrize("data", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 5000])
def test_damaged_ole_file_is_unreadable(data):
    with pytest.raises(Unreadable):
        extract(data, "x.doc")
