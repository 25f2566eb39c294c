"""Rule validation in the warehouse: GX verdicts, cross-year rules, broken expectations."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from xxgk.parse.api import parse_bytes
from xxgk.parse.batch import to_record
from xxgk.quality import validate
from xxgk.warehouse.db import connect
from xxgk.warehouse.load import load_records

SEED_004 = (SEEDS / "004_3ea6a6549f11e7d9.txt").read_text(encoding="utf-8")


def _load(con, text: str, name: str) -> str:
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    record = json.loads(json.dumps(to_record(sha, parse_bytes(data, name, name))), parse_float=Decimal)
    load_records(con, [record])
    return sha[:16]


def _previous_year_of_004(carried_forward: int) -> str:
    """Seed 004 re-dated to 2021 with a chosen carried_forward (natural_person and total)."""
    text = SEED_004.replace("2022 年政府信息公开工作年度报告", "2021 年政府信息公开工作年度报告", 1)
    old = "\t四、转结下年度继续办理\t\t4\t0\t0\t0\t0\t0\t4"
    assert old in text
    return text.replace(old, f"\t四、转结下年度继续办理\t\t{carried_forward}\t0\t0\t0\t0\t0\t{carried_forward}")


@pytest.mark.parametrize("carried_forward, status", [(1, "pass"), (2, "fail")])
def test_cross_year_carry_r17(tmp_path: Path, carried_forward: int, status: str):
    con = connect(tmp_path / "w.duckdb")
    _load(con, _previous_year_of_004(carried_forward), "haishu_2021.txt")
    current = _load(con, SEED_004, "haishu_2022.txt")
    validate.run_validation(con, tmp_path / "gx", tmp_path / "docs")
    got = dict(con.execute(
        "SELECT scope, (status, lhs, rhs) FROM rule_result WHERE report_id = ? AND rule = 'R17'", [current]
    ).fetchall())
    assert got["cross-year table3 col=total"] == (status, Decimal(1), Decimal(carried_forward))
    assert got["cross-year table3 col=natural_person"] == (status, Decimal(1), Decimal(carried_forward))
    assert got["cross-year table3 col=commercial"] == ("pass", Decimal(0), Decimal(0))
    # R18: in_force(2022) 102 = in_force(2021) 102 + issued 10 - repealed 0 fails (same table 2 both years)
    r18 = con.execute("SELECT status, lhs, rhs FROM rule_result WHERE report_id = ? AND rule = 'R18' "
                      "AND scope = 'cross-year table2 art20_1.normative_documents'", [current]).fetchone()
    assert r18 == ("fail", Decimal(102), Decimal(112))


def test_broken_expectation_raises_instead_of_failing_data(tmp_path: Path, monkeypatch):
    con = connect(tmp_path / "w.duckdb")
    _load(con, SEED_004, "haishu_2022.txt")
    original = validate.load_suite

    def broken(name: str):
        suite = original(name)
        if name == "rule_instances":  # a typo in a suite file: the column does not exist
            suite["expectations"][0]["kwargs"]["column_A"] = "no_such_column"
        return suite

    monkeypatch.setattr(validate, "load_suite", broken)
    with pytest.raises(validate.BrokenExpectation):
        validate.run_validation(con, tmp_path / "gx", tmp_path / "docs")
