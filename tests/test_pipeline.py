"""The whole nightly job on the bundled inputs: real Dagster, real DuckDB file, real GX."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.run import run_nightly
from tests.conftest import SEEDS
from xxgk.parse.api import parse_file

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("document", "report", "cell", "rule_result", "parse_issue", "mart_region_year", "region")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    out = io.StringIO()
    summary = run_nightly(data, out=out)
    return data, summary, out.getvalue()


def _content(db: Path) -> dict[str, str]:
    """A digest of every table's rows (run timestamps excluded)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        digest = {}
        for t in TABLES:
            cols = [c[0] for c in con.execute(f"DESCRIBE {t}").fetchall() if c[0] != "parsed_at"]
            rows = con.execute(f"SELECT {', '.join(repr(c).replace(chr(39), chr(34)) for c in cols)} FROM {t} "
                               "ORDER BY ALL").fetchall()
            digest[t] = f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()}"
        return digest
    finally:
        con.close()


def test_run_succeeds_and_reports_each_stage(first_run):
    _, summary, output = first_run
    assert summary.success
    for n, stage in enumerate(["documents", "parsed_reports", "cells", "consistency_rules", "mart_region_year",
                               "quality_dashboard", "published_warehouse"], start=1):
        assert f"[{n}/7] {stage}" in output
    assert summary.reports == {"parsed": 5}
    assert summary.cells == 200 * 4 + 198
    assert summary.failing_rules == {"R06": 1, "R11": 1, "R12": 1}
    assert summary.excluded_from_marts == 1
    assert summary.data_docs.is_file()
    page = summary.dashboard.read_text(encoding="utf-8")
    assert "<td>R06</td><td>T4 review total</td><td>error</td><td class='num'>4</td><td class='num fail'>1</td>" in page


def test_mart_figures(first_run):
    _, summary, _ = first_run
    con = duckdb.connect(str(summary.published), read_only=True)
    rows = {(r[0], r[1]): r[2:] for r in con.execute(
        "SELECT region_code, report_year, reports, reports_excluded, new_received, carried_over, handled, "
        "carried_forward, granted, denied, unable, not_processed, other_handling, review_total, litigation_total "
        "FROM mart_region_year").fetchall()}
    con.close()
    assert set(rows) == {("330203", 2022), ("330400", 2022), ("330481", 2020), ("330481", 2022), ("410482", 2022)}
    assert rows[("330400", 2022)] == (1, 0, 58, 3, 59, 2, 18, 1, 29, 6, 3, 1, 2)  # 嘉兴市政府办 (seed 001)
    assert rows[("330481", 2020)] == (1, 0, 423, 0, 417, 6, 300, 14, 67, 7, 19, 3, 0)  # 海宁市 (003, blanks as 0)
    # seed 000 fails R06 (error): kept in the warehouse, out of the figures
    assert rows[("330481", 2022)] == (0, 1) + (None,) * 11


def test_gx_verdicts_equal_the_catalogue(first_run):
    """GX (pipeline) and the plain comparison (CLI) decide every instance the same way."""
    _, summary, _ = first_run
    con = duckdb.connect(str(summary.published), read_only=True)
    stored = {(r[0], r[1], r[2]): (r[3], sorted(r[4] or [])) for r in con.execute(
        "SELECT r.sha256, x.rule, x.scope, x.status, x.cells FROM rule_result x JOIN report r USING (report_id)").fetchall()}
    con.close()
    expected = {}
    for txt in SEEDS.glob("*.txt"):
        sha = hashlib.sha256(txt.read_bytes()).hexdigest()
        for rr in parse_file(str(txt)).rules:
            expected[(sha, rr.rule, rr.scope)] = (rr.status, sorted(rr.cells))
    assert stored == expected


def test_second_run_changes_nothing(first_run):
    data, summary, _ = first_run
    before = _content(summary.published)
    again = run_nightly(data, out=io.StringIO())
    assert again.success
    assert _content(again.published) == before


def test_definitions_load():
    proc = subprocess.run([str(Path(sys.executable).with_name("dg")), "check", "defs"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
