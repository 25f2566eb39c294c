"""Incremental marts: after crawl nights of every kind (a new report, a new version A → B, the old
version back B → A, a withdrawal, a newly failing error rule, nothing new), the marts rebuilt
only where their inputs changed equal the marts rebuilt from scratch, table for table; a night
with nothing new touches no mart row."""

from __future__ import annotations

import duckdb
import pytest

from tests.warehouse.synthetic import Nights, population, truth_of
from xxgk.quality.dashboard import cell_statuses
from xxgk.warehouse import marts
from xxgk.warehouse.db import connect
from xxgk.warehouse.dimensions import build_agencies, load_reference, load_regions

TABLES = [t for name in marts.MARTS for t, _ in marts.statements(name)]


def _build(con: duckdb.DuckDBPyConnection) -> dict[str, marts.MartBuild]:
    build_agencies(con)
    marts.apply_views(con)
    return {name: marts.build(con, name) for name in marts.ordered()}


def _differences(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
    """Per mart table: (rows, rows only in the incremental table, rows only in a rebuild from scratch)."""
    con.execute("CREATE OR REPLACE TEMP TABLE mart_now AS SELECT * FROM mart_input_now")
    marts._scope_all(con)
    out = {}
    for name in marts.ordered():
        for table, sql in marts.statements(name):
            # mart_hierarchy_check reads mart_region_year_member: the rebuilt one
            select = sql.replace("FROM mart_region_year_member", "FROM scratch_mart_region_year_member")
            con.execute(f"CREATE OR REPLACE TEMP TABLE scratch_{table} AS {select}")
            extra, lost = (con.execute(f"SELECT count(*) FROM (FROM {x} EXCEPT ALL FROM {y})").fetchone()[0]
                           for x, y in ((table, f"scratch_{table}"), (f"scratch_{table}", table)))
            out[table] = (con.execute(f"SELECT count(*) FROM {table}").fetchone()[0], extra, lost)
    for t in ("mart_now", "mart_changed", "mart_scope_body", "mart_scope_region", *(f"scratch_{t}" for t in TABLES)):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return out


def _rowids(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {t: con.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


@pytest.fixture
def world(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_regions(con)
    load_reference(con)
    people = population(40, seed=3)
    nights = Nights(con)
    nights.night()
    nights.add([(b, truth_of(b, y), 1) for b in people[:30] for y in (2021, 2022, 2023)])
    first = _build(con)
    assert {b.mode for b in first.values()} == {"full"}
    yield con, nights, people
    con.close()


def test_incremental_marts_equal_marts_rebuilt_from_scratch_night_after_night(world):
    con, nights, people = world
    a, b, c, late = people[0], people[1], people[2], people[35]
    region_keys = con.execute("SELECT count(DISTINCT (level, region_code, report_year)) FROM mart_region_year"
                              ).fetchone()[0]

    def night(change) -> dict[str, marts.MartBuild]:
        nights.night()
        change()
        built = _build(con)
        diff = _differences(con)
        assert all(extra == lost == 0 for _, extra, lost in diff.values()), diff
        assert all(rows for rows, _, _ in diff.values() if rows is not None)
        return built

    # a new body's report, and a new year of a known body
    got = night(lambda: nights.add([(late, truth_of(late, 2023), 1), (a, truth_of(a, 2024), 1)]))
    assert {n: b.mode for n, b in got.items()} == dict.fromkeys(marts.MARTS, "incremental")
    assert got["mart_agency_year"].bodies == 2
    assert 0 < got["mart_region_year"].regions < region_keys
    # A -> B: a new version of b's 2022 report with other figures
    got = night(lambda: nights.add([(b, truth_of(b, 2022, seed=2), 2)]))
    assert got["mart_series"].bodies == 1 and got["mart_publication"].bodies == 1
    assert con.execute("SELECT documents, content_versions FROM mart_publication WHERE agency_key = ? "
                       "AND report_year = 2022", [_key(con, b)]).fetchall() == [(2, 2)]
    # B -> A: the first version served again
    night(lambda: nights.show(b, 2022, 1))
    # a withdrawal
    night(lambda: nights.withdraw(c, 2023))
    assert con.execute("SELECT withdrawn FROM mart_publication WHERE agency_key = ? AND report_year = 2023",
                       [_key(con, c)]).fetchall() == [(True,)]
    # a report newly failing an error rule leaves the marts (its body's and its regions' rows)
    night(lambda: con.execute(
        "INSERT INTO rule_result VALUES (?, 'R06', 'table3/total', 'fail', 'error', 1, 2, false, [], NULL, "
        "'publisher_error', 'test')", [_report(con, a, 2022)]))
    assert con.execute("SELECT in_marts FROM mart_agency_year WHERE report_id = ?",
                       [_report(con, a, 2022)]).fetchall() == [(False,)]
    # nothing new: no mart row is deleted or written
    before = _rowids(con)
    got = night(lambda: None)
    assert {n: (b.mode, b.deleted, b.inserted) for n, b in got.items()} == dict.fromkeys(
        marts.MARTS, ("unchanged", 0, 0))
    assert _rowids(con) == before
    # the quality pages' cell counts come from the marts' per-report cache, equal to the cells'
    assert [(s["status"], s["n"]) for s in cell_statuses(con)] == con.execute(
        "SELECT status, count(*) FROM cell GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()


def test_a_missing_year_appears_when_its_deadline_passes(world):
    """mart_publication's missing rows depend on the crawl night's date: nothing else changes, yet
    once the 2025 reports' deadline is past, the bodies that published for 2024 but not 2025 are
    missing (and only their rows are rebuilt)."""
    con, nights, people = world
    nights.night()
    nights.add([(b, truth_of(b, 2024), 1) for b in people[:4]])
    _build(con)
    missing = "SELECT count(*) FROM mart_publication WHERE status = 'missing' AND report_year = 2025"
    assert con.execute(missing).fetchall() == [(0,)]
    nights.start = nights.start.replace(year=2026)  # the crawl nights of 2026
    nights.night()
    got = _build(con)
    assert (got["mart_publication"].mode, got["mart_publication"].bodies) == ("incremental", 4)
    assert got["mart_agency_year"].mode == "unchanged"
    assert all(extra == lost == 0 for _, extra, lost in _differences(con).values())
    assert con.execute(missing).fetchall() == [(4,)]


def _key(con, body) -> str:
    return con.execute("SELECT DISTINCT agency_key FROM report WHERE agency = ?", [body.agency]).fetchone()[0]


def _report(con, body, year) -> str:
    return con.execute("SELECT report_id FROM report_current WHERE agency = ? AND report_year = ?",
                       [body.agency, year]).fetchone()[0]


def _placement_differences(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(rows only in the incremental report_region, rows only in one placed from scratch), for
    report_region and agency; leaves the from-scratch placement in place."""
    con.execute("CREATE OR REPLACE TEMP TABLE kept_region AS FROM report_region")
    con.execute("CREATE OR REPLACE TEMP TABLE kept_agency AS FROM agency")
    con.execute("DELETE FROM mart_state WHERE mart = 'placement'")
    assert con.execute("SELECT count(*) FROM report").fetchone()[0] == build_agencies(con).reports_placed
    out = tuple(sum(con.execute(f"SELECT count(*) FROM (FROM {x} EXCEPT ALL FROM {y})").fetchone()[0]
                    for x, y in pairs)
                for pairs in ((("kept_region", "report_region"), ("kept_agency", "agency")),
                              (("report_region", "kept_region"), ("agency", "kept_agency"))))
    con.execute("DROP TABLE kept_region")
    con.execute("DROP TABLE kept_agency")
    return out


def test_placement_in_batches_equals_placement_in_one(world, monkeypatch):
    """Reports are placed PLACE_BATCH at a time (memory flat in a full night at national scale)."""
    import xxgk.warehouse.dimensions as dimensions

    con, _, _ = world
    monkeypatch.setattr(dimensions, "PLACE_BATCH", 7)  # 90 reports: 13 batches, the last one short
    assert _placement_differences(con) == (0, 0)  # placed again 7 at a time, against all in one batch…
    monkeypatch.setattr(dimensions, "PLACE_BATCH", 1000)
    assert _placement_differences(con) == (0, 0)  # …and the other way round


def test_placement_places_only_what_changed_and_equals_placing_everything(world):
    con, nights, people = world
    placed = con.execute("SELECT count(*) FROM report_region").fetchone()[0]
    assert placed == 90
    nights.night()
    assert build_agencies(con).reports_placed == 0  # nothing new: nobody placed again
    assert con.execute("SELECT mode FROM mart_state WHERE mart = 'placement'").fetchone()[0] == "unchanged"
    assert _placement_differences(con) == (0, 0)

    nights.night()
    late, a = people[35], people[0]
    nights.add([(late, truth_of(late, 2023), 1), (a, truth_of(a, 2024), 1)])
    assert build_agencies(con).reports_placed == 2
    assert _placement_differences(con) == (0, 0)

    gone = con.execute("SELECT report_id FROM report_region WHERE agency_key = ? AND report_year = 2021",
                       [con.execute("SELECT agency_key FROM report_region WHERE agency = ?", [a.agency]).fetchone()[0]]
                       ).fetchone()[0]
    con.execute("DELETE FROM report WHERE report_id = ?", [gone])
    summary = build_agencies(con)
    assert summary.reports_placed == 0
    assert con.execute("SELECT rows_deleted FROM mart_state WHERE mart = 'placement'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM report_region WHERE report_id = ?", [gone]).fetchone()[0] == 0
    assert _placement_differences(con) == (0, 0)

    # a source's default region changes what placing means: everything is placed again
    assert build_agencies(con, {"dir-x": "110000"}).reports_placed == 91
