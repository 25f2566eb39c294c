"""The analysts' warehouse after the simulator's six nights (days 0–5), built by the real nightly
job: publication flags, current versions, roll-ups that tie out to the cells, comments, the
example queries of docs/data-dictionary.md, the Parquet export, and safe publication."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from pipelines.resources import CrawlSettings
from pipelines.run import run_nightly
from tests.warehouse.helpers import cell_sum
from xxgk.mirror import Mirror
from xxgk.schema import TABLE3_ROWS
from xxgk.warehouse import dictionary
from xxgk.warehouse.publish import KEEP_BUILDS

DENIED = [r.key for r in TABLE3_ROWS["2021"] if r.key.startswith("denied.")]
DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def _settings(mirror: Mirror, day: int) -> CrawlSettings:
    return CrawlSettings(connect_to=" ".join(f"{h}::127.0.0.1:{mirror.port}" for h in mirror.hosts), allow_http="1",
                         min_gap=0.0, jitter=0.0, night=f"2026-11-{day + 1:02d}")


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Days 0–5 of the scenario, one nightly run each; a reader holds the published warehouse
    open across the run of day 4."""
    data = tmp_path_factory.mktemp("nights")
    builds, held = {}, {}
    with Mirror(day=0) as mirror:
        for day in range(6):
            mirror.set_day(day)
            published = data / "warehouse" / "published" / "xxgk.duckdb"
            reader = None
            if day == 4:
                reader = duckdb.connect(str(published), read_only=True)
                held["before"] = _snapshot(reader)
            out = io.StringIO()
            summary = run_nightly(data, _settings(mirror, day), out=out)
            assert summary.success, out.getvalue()
            if reader is not None:
                held["after"] = _snapshot(reader)  # the old file, unchanged under the reader
                reader.close()
            builds[day] = os.readlink(published.parent / "current")
    con = duckdb.connect(str(published), read_only=True)
    yield {"data": data, "published": published, "con": con, "builds": builds, "held": held, "mirror": mirror}
    con.close()


def _snapshot(con) -> tuple:
    return (con.execute("SELECT count(*), sum(handled) FROM mart_agency_year").fetchall()[0],
            con.execute("SELECT count(*) FROM mart_publication WHERE withdrawn").fetchall()[0][0],
            con.execute("SELECT count(*) FROM cell").fetchall()[0][0])


def _q(nights, sql: str, params: list | None = None) -> list[tuple]:
    return nights["con"].execute(sql, params or []).fetchall()


def _pub(nights, agency: str, year: int) -> dict:
    cur = nights["con"].execute("SELECT * FROM mart_publication WHERE agency = ? AND report_year = ?", [agency, year])
    names = [d[0] for d in cur.description]
    got = cur.fetchall()
    assert len(got) == 1, (agency, year, got)
    return dict(zip(names, got[0], strict=True))


# --- publication ------------------------------------------------------------------------------

def test_a_late_report_is_flagged_with_its_days(nights):
    """海宁市司法局 (a department) posted its 2022 report on 2023-02-03: three days after 31 January."""
    p = _pub(nights, "海宁市司法局", 2022)
    assert (str(p["posted"]), str(p["deadline"]), p["timeliness"], p["days_late"]) == (
        "2023-02-03", "2023-01-31", "late", 3)
    g = _pub(nights, "嘉兴市人民政府", 2022)  # a government: 31 March
    assert (str(g["posted"]), str(g["deadline"]), g["timeliness"]) == ("2023-03-14", "2023-03-31", "on_time")


def test_the_silent_edit_of_night_3_is_flagged_and_the_edited_version_is_current(nights):
    p = _pub(nights, "嘉兴市人民政府办公室", 2022)
    assert (p["documents"], p["content_versions"], p["edited"], p["silent_edit"]) == (2, 2, True, True)
    assert _q(nights, "SELECT s.count FROM report_current c JOIN mart_series s USING (report_id) "
                      "WHERE c.agency = '嘉兴市人民政府办公室' AND c.report_year = 2022 "
                      "AND s.measure = 'normative_documents_in_force_2021'") == [(423,)]
    assert _q(nights, "SELECT count(*) FROM report_version WHERE agency = '嘉兴市人民政府办公室' "
                      "AND report_year = 2022") == [(2,)]


def test_a_replaced_file_with_the_same_figures_is_a_new_version_but_no_edit(nights):
    """洪泽 2023: the PDF replaced by its （超链版） on night 3, same tables."""
    p = _pub(nights, "淮安市洪泽区人民政府", 2023)
    assert (p["documents"], p["content_versions"], p["edited"]) == (2, 1, False)


def test_deleted_and_missing_reports(nights):
    assert _pub(nights, "汝州市民政局", 2021)["withdrawn"] is True  # deleted on night 4
    m = _pub(nights, "嘉兴市教育局", 2024)  # series 2021–2023, nothing for 2024
    assert (m["status"], str(m["deadline"]), m["timeliness"], m["report_id"]) == (
        "missing", "2025-01-31", "missing", None)
    assert _pub(nights, "海宁市人民政府", 2024)["status"] == "published"  # appeared on night 2


def test_publication_counts(nights):
    got = _q(nights, "SELECT status, timeliness, count(*) FROM mart_publication GROUP BY ALL ORDER BY ALL")
    assert got == PUBLICATION_COUNTS
    assert _q(nights, "SELECT count(*) FILTER (silent_edit), count(*) FILTER (withdrawn) FROM mart_publication") == [
        (1, 1)]


PUBLICATION_COUNTS = [("missing", "missing", 29), ("published", "late", 29), ("published", "on_time", 37)]


# --- roll-ups tie out to the cells --------------------------------------------------------------

def test_region_rows_tie_out_to_the_cells_of_their_member_reports(nights):
    con = nights["con"]
    regions = _q(nights, "SELECT level, region_code, report_year, reports, handled, new_received, denied, "
                         "review_total FROM mart_region_year WHERE reports > 0")
    assert len(regions) > 30
    for level, code, year, n, handled, new, denied, review in regions:
        ids = [r for (r,) in con.execute("SELECT report_id FROM mart_region_year_member WHERE level = ? AND "
                                         "region_code = ? AND report_year = ?", [level, code, year]).fetchall()]
        assert len(ids) == n
        assert handled == cell_sum(con, ids, "table3", ["total"], "total"), (level, code, year)
        assert new == cell_sum(con, ids, "table3", ["new_received"], "total")
        assert denied == cell_sum(con, ids, "table3", DENIED, "total")
        assert review == cell_sum(con, ids, "table4", ["review"], "total")


def test_no_region_row_adds_an_area_report_to_bodies_inside_its_area(nights):
    """Among the reports behind a row, none lies inside the area of another one's government."""
    clashes = _q(nights, """
        SELECT m.level, m.region_code, m.report_year, a.report_id, b.report_id
        FROM mart_region_year_member m
        JOIN region_report a ON a.report_id = m.report_id AND a.level = m.level AND a.code = m.region_code
        JOIN mart_region_year_member n ON n.level = m.level AND n.region_code = m.region_code
             AND n.report_year = m.report_year AND n.report_id <> m.report_id
        JOIN region_report b ON b.report_id = n.report_id AND b.level = n.level AND b.code = n.region_code
        WHERE a.area_gov AND a.region_code IN (b.county_code, b.city_code, b.province_code)""")
    assert clashes == []
    # 嘉兴市 2022: its government's area report alone, though ten reports lie inside the city
    assert _q(nights, "SELECT basis, reports, reports_inside, handled FROM mart_region_year "
                      "WHERE region_code = '330400' AND report_year = 2022") == [("area_report", 1, 10, 39)]


def test_agency_rows_tie_out_to_their_cells(nights):
    con = nights["con"]
    for rid, handled, granted, partial, rate in _q(
            nights, "SELECT report_id, handled, granted, partially_granted, disclosure_rate FROM mart_agency_year "
                    "WHERE in_marts"):
        assert handled == cell_sum(con, [rid], "table3", ["total"], "total")
        assert granted == cell_sum(con, [rid], "table3", ["granted"], "total")
        assert rate == ((granted + partial) / handled if handled else None)


# --- a warehouse people can open ---------------------------------------------------------------

def test_every_table_and_column_has_a_comment(nights):
    missing = _q(nights, """
        SELECT table_name, column_name FROM duckdb_columns()
        WHERE schema_name = 'main' AND (comment IS NULL OR comment = '')
          AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'
                             UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main'
                             AND NOT internal)""")
    assert missing == []
    assert _q(nights, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND comment IS NULL") == [(0,)]
    assert _q(nights, "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal "
                      "AND comment IS NULL") == [(0,)]
    assert dictionary.problems(nights["con"]) == []


def test_the_data_dictionary_doc_is_the_warehouse_dictionary(nights):
    assert dictionary.generated_part(DOC) == dictionary.render(nights["con"])


def test_counts_are_integers_and_money_decimals(nights):
    types = dict(_q(nights, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'v_cell'"))
    assert (types["count"], types["amount"]) == ("BIGINT", "DECIMAL(24,6)")
    assert _q(nights, "SELECT row_label, col_label, count FROM v_cell WHERE agency = '嘉兴市人民政府办公室' "
                      "AND report_year = 2022 AND \"table\" = 'table3' AND \"row\" = 'granted' AND col = 'total'") == [
        ("（一）予以公开", "总计", 18)]
    assert _q(nights, "SELECT count(*) FROM template_label") == [(447,)]


def _queries() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return {m.group(1): m.group(0) for m in re.finditer(r"-- query: (\w+)\n.*?;", text, re.S)}


EXPECTED: dict[str, list[tuple]] = {
    'top_denied_share_2023': [
        ('海宁市教育局', 13, 3, 0.2308),
        ('嘉兴市人民政府办公室', 14, 3, 0.2143),
        ('海宁市民政局', 14, 3, 0.2143),
        ('嘉兴市教育局', 40, 8, 0.2),
        ('汝州市民政局', 10, 2, 0.2),
        ('海宁市卫生健康局', 11, 2, 0.1818),
        ('嘉兴市自然资源和规划局', 25, 4, 0.16),
        ('宁波市海曙区教育局', 19, 3, 0.1579),
        ('汝州市教育体育局', 34, 5, 0.1471),
        ('嘉兴市财政局', 46, 6, 0.1304),
        ('嘉兴市人民政府', 35, 4, 0.1143),
        ('海宁市司法局', 20, 2, 0.1),
        ('嘉兴市发展和改革委员会', 22, 2, 0.0909),
        ('淮安市洪泽区教育体育局', 22, 2, 0.0909),
        ('平潭综合实验区', 81, 5, 0.0617),
        ('宁波市海曙区人民政府', 17, 1, 0.0588),
        ('宁波市海曙区民政局', 30, 1, 0.0333),
        ('汝州市财政局', 38, 1, 0.0263),
        ('淮安市洪泽区发展和改革委员会', 13, 0, 0.0),
    ],
    'county_vs_city_applications': [
        (2021, 'city', 4, 142),
        (2021, 'county', 10, 277),
        (2022, 'city', 6, 152),
        (2022, 'county', 14, 387),
        (2023, 'city', 6, 187),
        (2023, 'county', 13, 324),
    ],
    'carried_over_breaks_r17': [
        ('嘉兴市人民政府办公室', 2023, 1, 2),
    ],
    'late_and_missing_per_city': [
        ('嘉兴市', 18, 14, 34),
        ('宁波市', 5, 4, 10),
        ('平顶山市', 4, 5, 12),
        ('淮安市', 2, 4, 7),
        ('福州市', 0, 2, 3),
    ],
    'jiaxing_by_year': [
        (2020, 'sum_of_bodies', 1, 1, 423, 417, 300),
        (2021, 'sum_of_bodies', 8, 8, 254, 252, 74),
        (2022, 'area_report', 1, 10, 38, 39, 10),
        (2023, 'area_report', 1, 10, 36, 35, 12),
        (2024, 'area_report', 1, 3, 20, 23, 7),
    ],
    'area_below_bodies': [
        ('嘉兴市', 2022, 39, 235, 9),
        ('嘉兴市', 2023, 35, 205, 9),
        ('嘉兴市', 2024, 23, 49, 2),
        ('海曙区', 2021, 34, 57, 2),
        ('海曙区', 2022, 31, 107, 3),
        ('海曙区', 2023, 17, 49, 2),
    ],
    'silent_edits': [
        ('嘉兴市人民政府办公室', 2022, 2, 2, datetime.date(2023, 1, 19)),
    ],
    'other_handling_series': [
        (2019, 1, 2),
        (2020, 1, 2),
        (2021, 3, 5),
        (2022, 4, 4),
        (2023, 3, 1),
    ],
    'cell_provenance': [
        ('海宁市人民政府', 2020, '（一）予以公开', '总计', 300, '300', 'html:table#2:r5c9',
         'http://www.haining.gov.cn/col/col1229150010/art/2021/art_5c0d2b0e7a1f4c3b9e8d6a4f2b1c0e9d.html'),
    ],
    'excluded_reports': [
        ('平潭综合实验区', 2018, 'not_a_report'),
        ('海宁市信访局', 2022, 'error rule failed: R06'),
        ('海宁市水利局', 2009, 'not_a_report'),
        ('淮安市洪泽区人民政府', 2023, 'error rule failed: R06,R08'),
    ],
    'disclosure_rate_falls': [
        ('汝州市教育体育局', 2022, 0.52, 0.1667),
        ('淮安市洪泽区发展和改革委员会', 2023, 0.5455, 0.3077),
        ('嘉兴市财政局', 2023, 0.5833, 0.3478),
        ('嘉兴市发展和改革委员会', 2023, 0.3846, 0.2273),
        ('嘉兴市自然资源和规划局', 2022, 0.4194, 0.2727),
        ('海宁市卫生健康局', 2023, 0.3182, 0.1818),
        ('宁波市海曙区教育局', 2022, 0.4615, 0.3333),
        ('海宁市民政局', 2023, 0.4839, 0.3571),
    ],
    'division_history': [
        ('320811', '清浦区', '320800', 1983, 2000, 'changed', ['320811'], '320811'),
        ('320811', '清浦区', '320800', 2000, 2016, 'retired', ['320812'], '320812'),
        ('320812', '清江浦区', '320800', 2016, None, 'in_use', [], '320812'),
    ],
    'review_correction_by_province': [
        ('江苏省', 2022, 5, 0),
        ('河南省', 2022, 9, 3),
        ('浙江省', 2022, 4, 1),
    ],
    'unresolved_bodies': [],
}


def test_the_doc_has_at_least_twelve_example_queries():
    assert len(_queries()) >= 12
    assert set(_queries()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_query(nights, name):
    assert _q(nights, _queries()[name]) == EXPECTED[name]


# --- Parquet ---------------------------------------------------------------------------------

def test_the_parquet_export_reads_in_polars_and_pandas_with_the_manifests_rows(nights):
    published = nights["published"].parent
    manifest = json.loads((published / "current" / "manifest.json").read_text(encoding="utf-8"))
    for table, info in manifest["tables"].items():
        folder = published / "parquet" / table
        assert pl.scan_parquet(str(folder / "**" / "*.parquet"), hive_partitioning=True).collect().height == \
            info["rows"], table
        assert len(pd.read_parquet(folder)) == info["rows"], table
    years = sorted(p.name for p in (published / "parquet" / "cell").iterdir())
    assert years == [f"year={y}" for y in range(2019, 2026)]
    cells = pl.read_parquet(str(published / "parquet" / "cell" / "**" / "*.parquet"), hive_partitioning=True)
    assert cells.schema["value"] == pl.Decimal(24, 6)
    assert cells.height == _q(nights, "SELECT count(*) FROM cell")[0][0]


def test_the_published_file_is_views_over_the_builds_parquet(nights):
    """No data in the DuckDB file: every table is a view over the build's own Parquet files."""
    build = nights["published"].resolve().parent
    assert _q(nights, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()") == [(0,)]
    sql = _q(nights, "SELECT sql FROM duckdb_views() WHERE view_name = 'cell'")[0][0]
    assert f"read_parquet('{build / 'parquet' / 'cell'}/*/*.parquet'" in sql
    assert nights["published"].resolve().stat().st_size < 5_000_000


# --- safe publication --------------------------------------------------------------------------

def test_a_reader_holding_the_old_file_saw_the_same_data_across_a_run(nights):
    held = nights["held"]
    assert held["before"] == held["after"]
    # night 4 deleted a report: the new build says so, the held file did not change
    assert held["before"][1] == 0
    assert _q(nights, "SELECT count(*) FROM mart_publication WHERE withdrawn") == [(1,)]
    assert nights["builds"][3] != nights["builds"][4]


def test_old_builds_are_collected(nights):
    builds = sorted(p.name for p in (nights["published"].parent / "builds").iterdir())
    assert len(builds) == KEEP_BUILDS
    assert Path(nights["builds"][5]).name == builds[-1]


def test_a_failing_run_publishes_nothing(nights, monkeypatch):
    """A mart fails on the seventh night: the run fails, the published build stays the same."""
    import assets.marts

    def broken(con, name):
        raise RuntimeError(f"{name} broke")

    monkeypatch.setattr(assets.marts, "build_mart", broken)
    current = os.readlink(nights["published"].parent / "current")
    with Mirror(day=5) as mirror:
        summary = run_nightly(nights["data"], _settings(mirror, 6), out=io.StringIO())
    assert not summary.success
    assert os.readlink(nights["published"].parent / "current") == current
    assert not list((nights["published"].parent / "builds").glob(".*"))
