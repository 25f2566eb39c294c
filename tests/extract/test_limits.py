"""Input limits (issue 8): every bomb ends in a recorded outcome with its reason, quickly and
in a bounded amount of memory, and a well-formed report is untouched by them."""

from __future__ import annotations

import pytest

from xxgk.extract import TooLarge, extract, limits
from xxgk.extract.html import extract_html
from xxgk.extract.pdf import check_reference_loops
from xxgk.fuzz.bombs import BOMBS, EXPECTED, html_span_bomb, pdf_length_loop, pdf_objstm_loop, text_report
from xxgk.parse.api import parse_bytes

# the ones cheap enough to run in-process here; the rest run through the pool in tests/parse
IN_PROCESS = ["html_span_bomb", "html_deep_nesting", "html_vertical_tab", "docx_grid_span", "docx_malformed_xml",
              "docx_truncated_deflate", "pdf_many_pages", "pdf_length_loop", "pdf_objstm_loop",
              "pdf_truncated_deflate", "text_glued_run", "text_huge_number"]


@pytest.mark.parametrize("bomb", IN_PROCESS)
def test_bomb_outcome_and_reason(bomb):
    name, data = BOMBS[bomb]()
    result = parse_bytes(data, name, name)
    outcome, reason = EXPECTED[bomb]
    assert result.outcome == outcome
    if reason:
        assert reason in " ".join(i.message for i in result.issues)


def test_span_bomb_refused_before_its_grid_is_built():
    # one cell of rowspan 300 × colspan 200 alone is 60,000 positions: refused, not built
    html = ('<html><body><div id="zoom"><table>' + '<tr><td rowspan="300" colspan="200">1</td></tr>' * 300
            + "</table></div></body></html>").encode()
    with pytest.raises(TooLarge, match="html table #1: span-expanded cells: 60,000 exceeds the limit of 50,000"):
        extract_html(html)
    with pytest.raises(TooLarge):
        extract(html_span_bomb()[1], "span.html")


def test_span_values_that_are_not_small_numbers():
    cells = [f'<td colspan="{v}">x</td>' for v in ("2²", "9" * 5000, "-3", "abc", "５", " 2 ")]
    html = f'<html><body><div id="zoom"><table><tr>{"".join(cells)}</tr></table></div></body></html>'.encode()
    row = next(b for b in extract_html(html).blocks if hasattr(b, "rows")).rows[0]
    # 2 (the digits before ²), 200 (the clamp), 1, 1, 5, 2
    assert len(row) == 2 + 200 + 1 + 1 + 5 + 2


def test_reference_loops_found_plain_and_compressed():
    for bomb in (pdf_length_loop, pdf_objstm_loop):
        with pytest.raises(Exception, match="reference loop"):
            check_reference_loops(bomb()[1])


def test_limits_leave_real_reports_alone():
    # a long digit run is refused only past the limit; the report itself parses
    ok = text_report({0: "1" * 7}).encode()
    assert parse_bytes(ok, "r.txt", "r").is_report
    too_long = text_report({0: "1" * (limits.MAX_DIGIT_RUN + 1)}).encode()
    result = parse_bytes(too_long, "r.txt", "r")
    assert result.outcome == "too_large"
    assert "longest run of digits: 1,001 exceeds the limit of 1,000" in result.issues[0].message
