"""Narrative facts (R20): every fact read agrees with the hand-typed truth's facts."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, SEEDS
from xxgk.model import Fact
from xxgk.parse.api import parse_file
from xxgk.parse.narrative import facts_in

DOCS = [SEEDS / f"{s}.txt" for s in ("000_c1eaaf8cdc2dffbd", "001_39cbfd32513a2536", "002_258c9fe9a95a7785",
                                    "003_fff17be27cddb8b3", "004_3ea6a6549f11e7d9")] + [
    CORPUS / n for n in ("hongze_2023.pdf", "huaian_2024.pdf", "pingtan_2023.html", "pingtan_2025.html")]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_fact_read_is_a_true_fact(path):
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    stated = {(f["stated"], f["table_expression"]) for f in truth["narrative_facts"] if f.get("table_expression")}
    result = parse_file(str(path))
    assert result.facts, "no fact read"
    for fact in result.facts:
        if fact.in_scope:
            assert any(value == fact.stated for value, _ in stated), fact
    r20 = next(r for r in result.rules if r.rule == "R20")
    assert r20.status == "pass" and r20.cells == []


def test_seed_001_reads_its_facts():
    facts = parse_file(str(SEEDS / "001_39cbfd32513a2536.txt")).facts
    got = {(f.expression, f.stated) for f in facts}
    assert (("table3/new_received/total",), 58) in got
    assert (("table3/unable.*/total",), 29) in got
    assert (("table4/litigation_direct/total", "table4/litigation_after_review/total"), 2) in got


def test_a_contradicting_fact_fails_r20():
    result = parse_file(str(SEEDS / "001_39cbfd32513a2536.txt"))
    from xxgk.rules.instances import evaluate

    wrong = [*result.facts, Fact("共收到政府信息公开申请60件", ("table3/new_received/total",), 60)]
    r20 = next(r for r in evaluate(result.cells, result.report, wrong) if r.rule == "R20")
    assert r20.status == "fail"
    assert r20.cells == ["table3/new_received/total"]
    assert r20.note == "共收到政府信息公开申请60件 (stated 60, table 58)"
    assert r20.classification == "publisher_error"


@pytest.mark.parametrize("text, expected", [
    ("予以公开及部分公开42件，不予公开5件", [("不予公开5件", 5)]),  # a joined category states a sum
    ("行政复议案件2件、行政诉讼案件7件", [("行政复议案件2件", 2), ("行政诉讼案件7件", 7)]),
    ("其中网上申请件332件", []),
])
def test_phrasings(text, expected):
    assert [(f.quote, f.stated) for f in facts_in(text) if f.in_scope] == expected


def test_scope_words_keep_other_populations_out():
    (fact,) = facts_in("区政府办代表区政府受理政府信息公开申请17件", "area")
    assert not fact.in_scope
    assert facts_in("区本级收到政府信息公开申请 42 件", "agency")[0].in_scope
    assert not facts_in("区本级收到政府信息公开申请 42 件", "area")[0].in_scope
