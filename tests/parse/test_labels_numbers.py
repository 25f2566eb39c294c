"""Label variants and misspellings → keys; cell texts → numbers and statuses (spec §2.5, §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xxgk.labels import match_table2_row, match_table3_row
from xxgk.numbers import parse_number
from xxgk.parse.sections import heading_number


@pytest.mark.parametrize(("label", "key"), [
    ("2.其他法律行政止公开", "denied.law_prohibited"),  # 法规禁 missing in a real 洪泽 report
    ("2.其他法律行政法规禁止公开", "denied.law_prohibited"),
    ("一、本年新收到政府信息公开申请数量", "new_received"),
    ("二、上年转结政府信息公开申请数量", "carried_over"),
    ("四、转结下年度继续办理", "carried_forward"),
    ("(二) 部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
    ("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）", "partially_granted"),
    ("3.危及\"三安全一稳定\"", "denied.security_stability"),
    ("4.无正当理由大量反复 申请", "not_processed.excessive"),
    ("5.要求行政机关确认或重 新出具\n已获取信息", "not_processed.confirm_or_reissue"),
    ("1、申请人无正当理由逾期不补\n正、行政机关不再处理其政府信\n息公开申请", "other.no_correction"),
    ("3、其他", "other.other"),
    ("（六）其他处理", "other.total"),
    ("（七）总计", "total"),
    ("合计", "total"),
    ("三\n、\n本\n年\n度\n办\n理\n结\n果", None),  # a group label carries no data
])
def test_table3_row_labels(label, key):
    assert match_table3_row(label) == key


@pytest.mark.parametrize(("label", "key"), [
    ("行政规范性文件", "art20_1.normative_documents"), ("规范性文件", "art20_1.normative_documents"),
    ("规章", "art20_1.regulations"), ("行政事业性收费", "art20_8.admin_fees"),
    ("政府集中采购", "art20_9.centralized_procurement"),
])
def test_table2_row_labels(label, key):
    assert match_table2_row(label) == key


@pytest.mark.parametrize(("text", "number"), [
    ("四、政府信息公开行政复议、行政诉讼情况", 4),
    ("四、政府信息公开行政法复议、行政诉讼情况", 4),  # misspelt in the wild
    ("四、结转下年度继续办理", None),  # a table-3 row label, not a heading
    ("三、收到和处理政府信息公开申请情况", 3),
])
def test_section_headings(text, number):
    assert heading_number(text) == number


@pytest.mark.parametrize(("text", "unit", "value", "status"), [
    ("211445600元", "元", Decimal(211445600), "reported"),
    ("增26", "项", Decimal(26), "reported"),
    ("减10", "项", Decimal(-10), "reported"),
    ("+26", "项", Decimal(26), "reported"),
    ("24252.311082", "万元", Decimal("24252.311082"), "reported"),
    ("251000元", "万元", Decimal("25.1"), "reported"),  # 元 under a 万元 header: converted, noted
    ("１２３", "件", Decimal(123), "reported"),  # full-width digits
    ("1，234", "件", Decimal(1234), "reported"),
    ("12件", "件", Decimal(12), "reported"),
    ("\u00a01\u00a0", "件", Decimal(1), "reported"),
    ("\u00a0", "件", None, "blank"),
    ("\u3000\u3000", "件", None, "blank"),
    ("", "件", None, "blank"),
    ("——", "件", None, "placeholder"),
    ("/", "件", None, "placeholder"),
    ("无", "件", None, "placeholder"),
    ("不适用", "件", None, "placeholder"),
    ("3.其他 0 (", "件", None, "illegible"),
    ("12元", "件", None, "illegible"),  # money in a count column is not a count
])
def test_cell_numbers(text, unit, value, status):
    p = parse_number(text, unit)
    assert (p.value, p.status) == (value, status)
