"""Marts on small warehouses built from the seeds: roll-ups that never add an area report to its
own bodies, the hierarchy check, the cross-template series rules, unknown cells."""

from __future__ import annotations

from decimal import Decimal

from tests.warehouse.helpers import (
    HAINING_2020,
    JIAXING_OFFICE_2022,
    SEED,
    build,
    load_texts,
    retitled,
    rows,
    warehouse,
)

OFFICE_2020 = retitled(JIAXING_OFFICE_2022, "嘉兴市人民政府办公室2022年度", "海宁市人民政府办公室2020年度")
PETITIONS_2020 = retitled(SEED["000_c1eaaf8cdc2dffbd"], "海宁市信访局2022年度", "海宁市信访局2020年度")
# seed 003's tables under a department's name: a body whose figures exceed the area's share
EDUCATION_2020 = retitled(HAINING_2020, "海宁市人民政府2020年", "海宁市教育局2020年")


def _region_rows(con, code: str, year: int) -> tuple:
    return rows(con, "SELECT basis, reports, reports_inside, new_received, handled, granted FROM mart_region_year "
                     "WHERE region_code = ? AND report_year = ?", [code, year])[0]


def test_an_area_report_is_never_added_to_its_own_bodies(tmp_path):
    """海宁市人民政府 2020 (scope area: the whole city, its departments included) plus two of its
    departments. Summing would give 417 + 59 + 0 = 476 handled; the figure is the area report's 417."""
    con = warehouse(tmp_path)
    ids = load_texts(con, {"area.txt": HAINING_2020, "office.txt": OFFICE_2020, "petitions.txt": PETITIONS_2020})
    build(con)
    assert rows(con, "SELECT agency, scope FROM report ORDER BY agency") == [
        ("海宁市人民政府", "area"), ("海宁市人民政府办公室", "agency"), ("海宁市信访局", "agency")]
    # county 海宁市, city 嘉兴市 and province 浙江省 all rest on the area report alone
    assert _region_rows(con, "330481", 2020) == ("area_report", 1, 3, 423, 417, 300)
    assert _region_rows(con, "330400", 2020) == ("sum_of_bodies", 1, 3, 423, 417, 300)
    assert _region_rows(con, "330000", 2020) == ("sum_of_bodies", 1, 3, 423, 417, 300)
    assert rows(con, "SELECT level, report_id, role FROM mart_region_year_member WHERE report_year = 2020 "
                     "ORDER BY level") == [("city", ids["area.txt"], "sub_area_report"),
                                           ("county", ids["area.txt"], "area_report"),
                                           ("province", ids["area.txt"], "sub_area_report")]
    # the same area report against the bodies inside it: 417 >= 59 + 0
    assert rows(con, "SELECT area_value, bodies_value, bodies, status FROM mart_hierarchy_check "
                     "WHERE region_code = '330481' AND measure = 'handled'") == [(417, 59, 2, "ok")]


def test_without_the_area_report_the_bodies_are_summed_with_their_count(tmp_path):
    con = warehouse(tmp_path)
    load_texts(con, {"office.txt": OFFICE_2020, "petitions.txt": PETITIONS_2020})
    build(con)
    assert _region_rows(con, "330481", 2020) == ("sum_of_bodies", 2, 2, 58, 59, 18)
    assert rows(con, "SELECT count(*) FROM mart_hierarchy_check") == [(0,)]


def test_an_area_figure_below_a_subset_of_its_bodies_is_flagged(tmp_path):
    con = warehouse(tmp_path)
    load_texts(con, {"area.txt": HAINING_2020, "office.txt": OFFICE_2020, "education.txt": EDUCATION_2020})
    build(con)
    assert rows(con, "SELECT area_value, bodies_value, bodies, difference, status FROM mart_hierarchy_check "
                     "WHERE region_code = '330481' AND measure = 'handled'") == [
        (417, 476, 2, -59, "area_below_bodies")]
    assert _region_rows(con, "330481", 2020)[:2] == ("area_report", 1)


def test_other_handling_is_one_series_and_article_20_1_columns_stay_apart(tmp_path):
    """（六）其他处理: 2019 prints one row (seed 003: 19), 2021 three leaves (seed 001: 3 + 0 + 0).
    第二十条第（一）项: 2019 对外公开总数量 and 2021 现行有效件数 are different measures."""
    con = warehouse(tmp_path)
    load_texts(con, {"2020.txt": HAINING_2020, "2022.txt": JIAXING_OFFICE_2022})
    build(con)
    got = rows(con, "SELECT agency_key, report_year, measure, count, comparable_across_templates FROM mart_series "
                    "WHERE measure IN ('other_handling', 'normative_documents_in_force_2021', "
                    "'normative_documents_total_published_2019') ORDER BY report_year, measure")
    assert got == [("330481:人民政府", 2020, "normative_documents_total_published_2019", 380, False),
                   ("330481:人民政府", 2020, "other_handling", 19, True),
                   ("330400:人民政府办公室", 2022, "normative_documents_in_force_2021", 422, False),
                   ("330400:人民政府办公室", 2022, "other_handling", 3, True)]
    assert rows(con, "SELECT measure, amount FROM mart_series WHERE amount IS NOT NULL ORDER BY measure") == [
        ("fee_amount_2021", Decimal("0")), ("procurement_amount_2019", Decimal("211445600"))]


def test_a_printed_subtotal_is_never_added_to_its_parts(tmp_path):
    """A report that prints （三）不予公开 as a subtotal row: denied is the sum of the leaves (1), not 2."""
    def add_subtotal(_name, record):
        leaf = next(c for c in record["cells"] if c["table"] == "table3" and c["row"] == "denied.state_secret"
                    and c["col"] == "total")
        record["cells"].append({**leaf, "row": "denied.total", "locator": "text:line 99:r1c7"})

    con = warehouse(tmp_path)
    rid = load_texts(con, {"2022.txt": JIAXING_OFFICE_2022}, edit=add_subtotal)["2022.txt"]
    build(con)
    assert rows(con, "SELECT value FROM cell WHERE report_id = ? AND \"row\" IN ('denied.total', "
                     "'denied.state_secret') AND col = 'total'", [rid]) == [(Decimal(1),), (Decimal(1),)]
    assert rows(con, "SELECT denied, handled FROM mart_agency_year") == [(1, 59)]


def test_an_unknown_cell_makes_its_measure_unknown_not_smaller(tmp_path):
    def lose_a_leaf(_name, record):
        for c in record["cells"]:
            if c["table"] == "table3" and c["row"] == "unable.not_held" and c["col"] == "total":
                c.update(status="illegible", value=None, raw="▯")

    con = warehouse(tmp_path)
    load_texts(con, {"2022.txt": JIAXING_OFFICE_2022}, edit=lose_a_leaf)
    build(con)
    assert rows(con, "SELECT unable, handled, granted, incomplete FROM mart_agency_year") == [(None, 59, 18, True)]
    assert rows(con, "SELECT unable, handled, reports, reports_incomplete FROM mart_region_year "
                     "WHERE level = 'city'") == [(None, 59, 1, 1)]


def test_rates_and_year_over_year(tmp_path):
    """公开率 = (予以公开 + 部分公开) / 总计; the previous year's figures sit beside this year's."""
    prev = retitled(JIAXING_OFFICE_2022, "嘉兴市人民政府办公室2022年度", "嘉兴市人民政府办公室2021年度")
    con = warehouse(tmp_path)
    load_texts(con, {"2021.txt": prev, "2022.txt": JIAXING_OFFICE_2022})
    build(con)
    got = rows(con, "SELECT report_year, disclosure_rate, denied_rate, unable_rate, not_processed_rate, "
                    "review_correction_rate, litigation_correction_rate, new_received_prev, new_received_change, "
                    "disclosure_rate_change FROM mart_agency_year ORDER BY report_year")
    assert got == [(2021, 20 / 59, 1 / 59, 29 / 59, 6 / 59, 0.0, 0.0, None, None, None),
                   (2022, 20 / 59, 1 / 59, 29 / 59, 6 / 59, 0.0, 0.0, 58, 0, 0.0)]
