"""Metamorphic tests: every truth document rendered in every shape gives the same cells.

Each cell must come out exact or flagged (illegible, ambiguous, inferred), never confidently
wrong; shapes that keep the cells' separators must come out exact. The renderings and the
scoring live in ``tests/shapes.py`` (``bench/accuracy.py`` prints the same figures per shape).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import lxml.html
import pytest

from tests.conftest import CORPUS, ROOT
from tests.shapes import (
    SHAPES,
    all_truths,
    corpus_truths,
    docx_applies,
    docx_to_pdf,
    layout,
    pdf_text_layer,
    score,
    shape_docx,
    shape_text_content,
    synthetic_truth,
)
from xxgk.archive import import_archive
from xxgk.numbers import parse_number
from xxgk.parse.api import parse_bytes

TRUTHS = all_truths()
ARCHIVE = ROOT / "tests" / "fixtures" / "pingtan-archive"


def test_the_matrix_covers_both_templates_and_layouts():
    assert {(t.template, t.layout) for t in TRUTHS} == {("2021", "2021"), ("2021", "2019"), ("2019", "2019")}
    assert len(TRUTHS) >= 13


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_truth_in_every_shape(shape):
    render, keeps_separators = SHAPES[shape]
    problems = []
    for t in TRUTHS:
        data, name = render(t)
        result = parse_bytes(data, name, t.name)
        s = score(result, t)
        if result.outcome != "parsed":
            problems.append(f"{t.name}: outcome {result.outcome}")
        problems += [f"{t.name}: WRONG {w}" for w in s.wrong]
        if keeps_separators and s.flagged:
            problems.append(f"{t.name}: {s.flagged} cells flagged in a shape that keeps separators")
    assert problems == []


@pytest.fixture(scope="module")
def office_shapes():
    """The official Word template filled with each 2021 truth, and LibreOffice's PDF of it."""
    truths = [t for t in TRUTHS if docx_applies(t)]
    docx = {t.name: shape_docx(t) for t in truths}
    return truths, docx, docx_to_pdf(docx)


@pytest.mark.parametrize("shape", ["docx", "docx_no_title", "pdf", "pdf_text_layer"])
def test_office_shapes(office_shapes, shape):
    truths, docx, pdf = office_shapes
    assert len(truths) >= 8
    problems = []
    for t in truths:
        data, name = {
            "docx": (docx[t.name], "r.docx"),
            "docx_no_title": (shape_docx(t, title=False), "r.docx"),
            "pdf": (pdf[t.name], "r.pdf"),
            "pdf_text_layer": (pdf_text_layer(pdf[t.name]), "r.txt"),
        }[shape]
        result = parse_bytes(data, name, t.name)
        s = score(result, t)
        assert result.outcome == "parsed", (t.name, [i.message for i in result.issues])
        problems += [f"{t.name}: WRONG {w}" for w in s.wrong]
        problems += [f"{t.name}: {s.flagged} flagged"] if s.flagged else []
    assert problems == []


@pytest.mark.parametrize("name", ["pingtan_2023", "pingtan_2025"])
@pytest.mark.parametrize("header", [False, True])
def test_real_page_body_flattened_to_one_paragraph(name, header):
    """lxml's text_content() of the real TRS body (what crawler archives store): tables 3 and 4
    exact, table 2 exact or flagged, nothing wrong."""
    truth = next(t for t in corpus_truths() if t.name == name)
    root = lxml.html.fromstring((CORPUS / f"{name}.html").read_bytes())
    body = root.xpath("//div[contains(@class, 'TRS_Editor')]")[0].text_content()
    if header:
        body = f"标题: {truth.title}\n发布时间: 2024-01-30 11:44\n原文链接: https://www.pingtan.gov.cn/x.htm\n" \
               f"==================== 正文 ====================\n{body}"
    result = parse_bytes(body.encode("utf-8"), "page.txt", name)
    assert result.outcome == "parsed" and result.report.year == truth.year
    assert score(result, truth).wrong == []
    flagged_tables = {c.table for c in result.cells if c.status in ("illegible", "ambiguous", "inferred")}
    assert flagged_tables <= {"table2"}
    if header:
        assert result.report.agency == truth.agency  # not 标题:平潭… (the header label is stripped)


def test_archive_slice_import():
    """A public crawler archive: 11 template reports parsed, 4 pre-2019 reports set aside as
    such, failing identities reported as rule results, never silently fixed."""
    summary = import_archive(ARCHIVE)
    outcomes = [(i.result.report.year, i.result.outcome) for i in summary.imported]
    assert summary.counts() == {"parsed": 11, "not_a_report": 4}
    assert sorted(y for y, o in outcomes if o == "not_a_report") == [2017, 2017, 2018, 2018]
    for i in summary.imported:
        r = i.result
        if r.outcome == "not_a_report":
            assert r.report.template == "pre2019" and not r.cells
            continue
        assert "标题" not in (r.report.agency or "") and r.report.agency.startswith("平潭综合实验区")
        assert {x.rule for x in r.rules} >= {"R01", "R02", "R03", "R06"}
        # no cell changed to make a rule pass: every value is its printed text, or (glued runs)
        # its row's values spell the printed digits
        for c in r.cells:
            if c.status == "reported" and c.read in ("cell", "text"):
                assert parse_number(c.raw, c.unit).value == c.value, c
        glued = {}
        for c in r.cells:
            if c.status == "reported" and c.read == "glued" and c.table == "table3":
                glued.setdefault((c.row, c.raw), []).append(c)
        for (_, raw), cells in glued.items():
            assert "".join(str(int(c.value)) for c in cells) == "".join(ch for ch in raw if ch.isdigit())


def test_a_publisher_error_in_a_glued_row_reads_as_printed_and_fails_its_rule():
    """One digit per cell is the only split of a glued table-3 row: when the printed total
    disagrees with its parts (a publisher's error), the row keeps the printed digits and R02
    fails on it (parse_suspect: glued), rather than a total inferred from the other rows."""
    t = synthetic_truth("planted", "2021", 2023, seed=3, volume=2)
    values = {tb: {r: dict(c) for r, c in rows.items()} for tb, rows in t.values.items()}
    granted = values["table3"]["granted"]
    assert all(v is not None and v < 10 for v in granted.values()) and granted["total"] < 9
    granted["total"] += 1  # the publisher's error
    t = replace(t, values=values)
    result = parse_bytes(shape_text_content(layout(t)), "page.txt", t.name)
    cells = {c.col: c for c in result.cells if c.table == "table3" and c.row == "granted"}
    assert {k: c.value for k, c in cells.items()} == {k: Decimal(v) for k, v in granted.items()}
    assert {(c.status, c.read, c.confident) for c in cells.values()} == {("reported", "glued", False)}
    (r02,) = [r for r in result.rules if r.rule == "R02" and r.scope == "table3 row=granted"]
    assert (r02.status, r02.classification) == ("fail", "parse_suspect")
