"""Glued digits in flattened text exports: rows recovered when the split is unique, flagged otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xxgk.extract.text import extract_text
from xxgk.parse import parse_document
from xxgk.schema import C7

ZERO = "0000000"
ROWS = [
    ("一、本年新收政府信息公开申请数量", "200 000121"),  # 20,0,0,0,0,1,21: unique under R02
    ("二、上年结转政府信息公开申请数量", ZERO),
    ("（一）予以公开", "110000112"),  # R02 allows 1,10,…,12 and 11,0,…,12; R03 keeps the second
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ZERO),
    ("1.属于国家秘密", ZERO), ("2.其他法律行政法规禁止公开", ZERO), ("3.危及“三安全一稳定”", ZERO),
    ("4.保护第三方合法权益", ZERO), ("5.属于三类内部事务信息", ZERO), ("6.属于四类过程性信息", ZERO),
    ("7.属于行政执法案卷", ZERO), ("8.属于行政查询事项", ZERO),
    ("1.本机关不掌握相关政府信息", "9000009"),
    ("2.没有现成信息需要另行制作", ZERO), ("3.补正后申请内容仍不明确", ZERO),
    ("1.信访举报投诉类申请", ZERO), ("2.重复申请", ZERO), ("3.要求提供公开出版物", ZERO),
    ("4.无正当理由大量反复申请", ZERO), ("5.要求行政机关确认或重新出具已获取信息", ZERO),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ZERO),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ZERO),
    ("3.其他", ZERO),
    ("（七）总计", "２０００００１２１"),  # full-width digits
    ("四、结转下年度继续办理", ZERO),
]
TEXT = "\n".join([
    "嘉兴市人民政府办公室2022年政府信息公开工作年度报告",
    "一、总体情况",
    "本机关全年收到政府信息公开申请21件。",
    "三、收到和处理政府信息公开申请情况",
    *(label + digits for label, digits in ROWS),
    "四、政府信息公开行政复议、行政诉讼情况",
    "10100110000000000",  # review 1,0,10,0,11 or 10,1,0,0,11: both satisfy R06
    "五、存在的主要问题及改进情况",
])


@pytest.fixture(scope="module")
def result():
    return parse_document(extract_text(TEXT), "glued.txt")


def _row(result, table: str, row: str) -> list:
    return [c for c in result.cells if c.table == table and c.row == row]


def test_unique_split_recovered_with_raw_digits(result):
    cells = _row(result, "table3", "new_received")
    assert [c.value for c in cells] == [20, 0, 0, 0, 0, 1, 21]
    assert {c.status for c in cells} == {"reported"}
    assert {c.raw for c in cells} == {"200 000121"}
    assert "glued" in cells[0].note


def test_cross_row_rules_pick_the_reading(result):
    assert [c.value for c in _row(result, "table3", "granted")] == [11, 0, 0, 0, 0, 1, 12]
    assert [c.value for c in _row(result, "table3", "total")] == [20, 0, 0, 0, 0, 1, 21]


def test_ambiguous_row_flagged_with_candidates(result):
    review = _row(result, "table4", "review")
    # upheld/corrected/other differ between the readings; pending and total are 0 and 11 in both
    assert [c.status for c in review] == ["ambiguous"] * 3 + ["reported"] * 2
    assert [c.value for c in review] == [None, None, None, 0, 11]
    assert "(1, 0, 10, 0, 11" in review[0].note and "(10, 1, 0, 0, 11" in review[0].note
    assert "this cell [1, 10]" in review[0].note
    assert not any(c.confident for c in review)
    r06 = next(r for r in result.rules if r.rule == "R06")
    assert r06.status == "not_assessable"
    assert any(i.code == "glued_unresolved" for i in result.issues)


def test_table3_balances_after_recovery(result):
    r01 = [r for r in result.rules if r.rule in ("R01", "R02", "R03")]
    assert len(r01) == 7 + 25 + 7 and {r.status for r in r01} == {"pass"}
    assert len([c for c in result.cells if c.table == "table3"]) == 25 * len(C7)
    assert all(c.value == Decimal(0) for c in _row(result, "table3", "carried_forward"))
