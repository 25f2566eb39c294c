"""Report content the simulator serves: generated reports add up, edits and twins behave."""

from __future__ import annotations

import pytest

from xxgk.mirror import catalogue, content, synth
from xxgk.schema import C6, C7, TABLE3_ROWS, outcome_leaves


@pytest.fixture(scope="module")
def cat() -> catalogue.Catalogue:
    return catalogue.load()


def _n(cells: dict, table: str, row: str, col: str) -> int:
    return int(cells[(table, row, col)])


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2023])
@pytest.mark.parametrize("agency", ["海宁市教育局", "汝州市财政局", "国家模拟局"])
def test_generated_tables_satisfy_the_template_identities(agency: str, year: int) -> None:
    c = synth.report(agency, year, f"k|{agency}|{year}")
    rows = TABLE3_ROWS[c.template]
    assert c.template == ("2021" if year >= 2021 else "2019")
    for col in C7:
        new, carried = _n(c.cells, "table3", "new_received", col), _n(c.cells, "table3", "carried_over", col)
        total, forward = _n(c.cells, "table3", "total", col), _n(c.cells, "table3", "carried_forward", col)
        assert new + carried == total + forward
        assert total == sum(_n(c.cells, "table3", leaf, col) for leaf in outcome_leaves(rows))
    for r in rows:
        assert _n(c.cells, "table3", r.key, "total") == sum(_n(c.cells, "table3", r.key, col) for col in C6)
    for r in ("review", "litigation_direct", "litigation_after_review"):
        parts = sum(_n(c.cells, "table4", r, col) for col in ("upheld", "corrected", "other", "pending"))
        assert parts == _n(c.cells, "table4", r, "total")
    total = c.cells[("table3", "new_received", "total")]
    assert f"共收到政府信息公开申请{total}件" in c.plain_text()  # the narrative quotes the table


def test_generated_reports_are_deterministic() -> None:
    assert synth.report("某局", 2022, "k").version == synth.report("某局", 2022, "k").version
    assert synth.report("某局", 2022, "k").version != synth.report("某局", 2022, "k2").version


def test_legacy_report_has_no_template_tables() -> None:
    c = synth.legacy("海宁市水利局", 2009, "k")
    kinds = {b.kind for b in c.blocks}
    assert "legacy_table" in kinds and not kinds & {"table2", "table3", "table4"}
    assert c.template == "legacy" and "当面申请" in c.plain_text()


def test_edit_changes_version_only_from_its_day(cat: catalogue.Catalogue) -> None:
    r = cat.report("jx-bgs-2022")
    before, after = content.content_for(cat, r, 2), content.content_for(cat, r, 3)
    assert before.cells[("table2", "art20_1.normative_documents", "in_force")] == "422"
    assert after.cells[("table2", "art20_1.normative_documents", "in_force")] == "423"
    assert before.version != after.version and before.plain_text() == after.plain_text()


def test_twin_has_the_same_version_and_an_illustration(cat: catalogue.Catalogue) -> None:
    main = content.content_for(cat, cat.report("hn-szf-2020"), 0)
    twin = content.content_for(cat, cat.report("hn-szf-2020-tw"), 0)
    assert twin.version == main.version and twin.blocks[0].kind == "img"


def test_seed_narrative_keeps_sections_and_drops_flattened_tables(cat: catalogue.Catalogue) -> None:
    c = content.load_seed("004_3ea6a6549f11e7d9")
    assert [b.text for b in c.blocks if b.kind == "title"] == [
        "宁波市海曙区人民政府办公室",
        "2022 年政府信息公开工作年度报告",
    ]
    assert [b.kind for b in c.blocks].count("h") == 6
    assert not any("\t" in b.text or "---" in b.text for b in c.blocks)


def test_catalogue_series_and_paths(cat: catalogue.Catalogue) -> None:
    gen = [r for r in cat.reports if r.key.startswith("www.jiaxing.gov.cn|")]
    assert len(gen) == 12 and all(r.synthetic for r in gen)
    assert all(r.posted.year == r.year + 1 and r.posted.month <= 3 for r in gen)
    assert all(r.path.startswith(f"/art/{r.posted.year}/{r.posted.month}/{r.posted.day}/art_") for r in gen)
    col = cat.column("www.jiaxing.gov.cn", "1229901179", 4)
    assert col is not None and col.id == "1229779129" and cat.column("www.jiaxing.gov.cn", "1229779129", 4) is None
