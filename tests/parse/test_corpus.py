"""Real report documents (PDF, HTML, DOCX) parse to exactly their hand-typed ground truth.

Truth files (data/corpus/*.json) were typed from the rendered pages, independently
of this parser. Every template cell is compared (value and status), and every rule instance
the single-document evaluator produces.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.truth import cell_mismatches, rule_mismatches
from xxgk.cli import main
from xxgk.document import Paragraph, Table, make_row
from xxgk.extract import extract
from xxgk.parse.align import regroup
from xxgk.parse.api import parse_file
from xxgk.parse.report import map_tables
from xxgk.parse.stream import linearise

REPORTS = ["hongze_2023", "hongze_2024", "huaian_2024", "pingtan_2023", "pingtan_2025"]
# Not decided from one document: R17–R19 need the adjacent year's report (the warehouse
# evaluates them, tests/test_quality.py).
NOT_SINGLE_DOCUMENT = frozenset({"R17", "R18", "R19"})


def _truth(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))


def _document(name: str) -> Path:
    return CORPUS / _truth(name)["source_file"]


def _applicable(truth: dict) -> dict:
    """The truth's rule list without the 2019-only rules it records as n/a for a 2021 report
    (the evaluator emits only the rules of the report's template version)."""
    t = dict(truth)
    t["rule_results"] = [r for r in truth["rule_results"]
                         if not (r["rule"] in ("R14", "R15") and r["status"] == "n/a")]
    return t


@pytest.fixture(scope="module", params=REPORTS)
def report(request):
    return parse_file(str(_document(request.param))), _truth(request.param)


def test_metadata(report):
    result, truth = report
    assert result.is_report
    m = result.report
    assert (m.agency, m.year, m.template, m.scope) == (
        truth["agency"], truth["report_year"], truth["template_version"], truth["scope"])


def test_every_cell_matches_truth(report):
    result, truth = report
    assert cell_mismatches(result, truth) == []


def test_rule_results_match_truth(report):
    result, truth = report
    assert rule_mismatches(result, _applicable(truth), NOT_SINGLE_DOCUMENT) == []


def test_raw_text_and_location_kept(report):
    result, truth = report
    raw = {(c.table, c.row, c.col): c.raw for c in result.cells}
    for cell in truth["raw_nonplain_cells"]:
        assert raw[(cell["table"], cell["row"], cell["col"])] == cell["raw"]
    # PDF: which table of which page, then grid position; HTML: which <table>, then grid position
    pdf = truth["source_file"].endswith(".pdf")
    where = re.compile(r"pdf:[^:]+:p\d+:r\d+c\d+" if pdf else r"html:table#\d+:r\d+c\d+")
    for c in result.cells:
        assert c.raw.strip(), c.path
        assert where.fullmatch(c.locator), (c.path, c.locator)


def test_hongze_2023_table4_exactly_as_printed():
    """Two totals are printed 0 while their parts are not: kept, and R06/R08 fail there only."""
    result = parse_file(str(CORPUS / "hongze_2023.pdf"))
    t4 = {(c.row, c.col): c.value for c in result.cells if c.table == "table4"}
    assert [t4[("review", k)] for k in ("upheld", "corrected", "other", "pending", "total")] == [10, 1, 0, 0, 0]
    assert [t4[("litigation_after_review", k)] for k in ("upheld", "corrected", "other", "pending", "total")] == [
        5, 0, 0, 0, 0]
    rules = {r.rule: r for r in result.rules if r.rule in ("R06", "R07", "R08")}
    assert (rules["R06"].status, rules["R06"].lhs, rules["R06"].rhs) == ("fail", Decimal(0), Decimal(11))
    assert rules["R07"].status == "pass"
    assert (rules["R08"].status, rules["R08"].lhs, rules["R08"].rhs) == ("fail", Decimal(0), Decimal(5))
    failing = {r.rule for r in result.rules if r.status == "fail"}
    assert failing == {"R06", "R08", "R21"}


@pytest.mark.parametrize("name", ["hongze_2023", "hongze_2024"])
def test_single_other_row_keyed_other_total(name):
    """2021 labels with （六）其他处理 printed as one row: other.total, no invented sub-rows, R21."""
    result = parse_file(str(CORPUS / f"{name}.pdf"))
    rows = {c.row for c in result.cells if c.table == "table3"}
    assert "other.total" in rows and not rows & {"other.no_correction", "other.fee_unpaid", "other.other"}
    assert result.report.table3_layout == "2021_single_other"
    assert next(r for r in result.rules if r.rule == "R21").status == "fail"


def test_pre2019_report_set_aside():
    result = parse_file(str(CORPUS / "pingtan_2018.html"))
    assert not result.is_report and not result.cells
    assert result.report.year == 2018 and result.report.template == "pre2019"
    assert "2018" in next(i for i in result.issues if i.code == "not_a_report").message


def test_template_form_set_aside_but_maps_to_blank_cells():
    """The 2021 template as a Word file: not a report; its tables map to 200 blank cells."""
    truth = _truth("template_2021")
    result = parse_file(str(CORPUS / "template_2021.docx"))
    assert not result.is_report and not result.cells
    assert "unfilled form" in next(i for i in result.issues if i.code == "not_a_report").message
    doc = extract((CORPUS / "template_2021.docx").read_bytes(), "template_2021.docx")
    tables = map_tables(regroup(linearise(doc)), None)
    got = {(c.table, c.row, c.col): (c.value, c.status) for c in tables.cells}
    want = {(t, r, c): (v, "blank") for t, rows in truth["values"].items()
            for r, cols in rows.items() for c, v in cols.items()}
    assert got == want


@pytest.mark.parametrize(("name", "code"), [
    ("hongze_2023.pdf", 0), ("pingtan_2025.html", 0), ("pingtan_2018.html", 2), ("template_2021.docx", 2)])
def test_cli_exit_codes(name, code, capsys):
    assert main(["parse", str(CORPUS / name), "--json"]) == code
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"outcome", "report", "cells", "rules", "issues"}


def test_row_label_and_values_split_over_a_page_break():
    """A label at the foot of page 3 and its numbers heading page 4 are one row."""
    doc = extract((CORPUS / "hongze_2023.pdf").read_bytes(), "hongze_2023.pdf")
    blocks = []
    for b in doc.blocks:
        if isinstance(b, Table) and b.page == 4 and "补正后" in b.rows[0][2].text:
            label, values = b.rows[0][:3], b.rows[0][3:]
            blocks.append(Table([make_row([c.text for c in label] + [""] * 7, 0, page=3)], page=3))
            blocks.append(Paragraph("- 4 -", 4))
            blocks.append(Table([make_row(["", "", ""] + [c.text for c in values], 0, page=4)] + b.rows[1:], page=4))
        else:
            blocks.append(b)
    doc.blocks = blocks
    tables = map_tables(regroup(linearise(doc)), 2023)
    row = [c for c in tables.cells if c.row == "unable.unclear_after_correction"]
    assert [c.status for c in row] == ["reported"] * 7
    assert any(i.code == "row_joined" for i in tables.issues)
