"""The five seed reports parse to exactly their hand-checked ground truth."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED_IDS, SEEDS
from tests.truth import cell_mismatches, rule_mismatches
from xxgk.parse.api import parse_file


@pytest.fixture(scope="module", params=SEED_IDS)
def seed(request):
    truth = json.loads((SEEDS / f"{request.param}.json").read_text(encoding="utf-8"))
    return parse_file(str(SEEDS / f"{request.param}.txt")), truth


def test_metadata(seed):
    result, truth = seed
    assert result.is_report
    assert result.report.agency == truth["agency"]
    assert result.report.year == truth["report_year"]
    assert result.report.template == truth["template_version"]


def test_every_cell_matches_truth(seed):
    result, truth = seed
    assert cell_mismatches(result, truth) == []


def test_rule_results_match_truth(seed):
    result, truth = seed
    assert rule_mismatches(result, truth) == []


def test_raw_text_is_kept(seed):
    result, truth = seed
    raw = {(c.table, c.row, c.col): c.raw for c in result.cells}
    for nonplain in truth["raw_nonplain_cells"]:
        assert raw[(nonplain["table"], nonplain["row"], nonplain["col"])] == nonplain["raw"]
