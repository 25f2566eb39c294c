"""Placing bodies in divisions of the vendored areacodes dataset, by report year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from xxgk import regions
from xxgk.parse.api import parse_bytes
from xxgk.warehouse.dimensions import agency_type

# Every corpus report with ground truth → the division it belongs to in its report year.
CORPUS_PLACES = {
    "seeds/000_c1eaaf8cdc2dffbd": "330481", "seeds/001_39cbfd32513a2536": "330400",
    "seeds/002_258c9fe9a95a7785": "410482", "seeds/003_fff17be27cddb8b3": "330481",
    "seeds/004_3ea6a6549f11e7d9": "330203", "hongze_2023": "320813", "hongze_2024": "320813",
    "huaian_2024": "320800", "pingtan_2018": "350128", "pingtan_2023": "350128", "pingtan_2025": "350128",
}
_SUFFIX = {"seeds/": ".txt", "hongze": ".pdf", "huaian": ".pdf", "pingtan": ".html"}


def _document(name: str) -> Path:
    ext = next(v for k, v in _SUFFIX.items() if name.startswith(k))
    return CORPUS / f"{name}{ext}"


@pytest.mark.parametrize("name", sorted(CORPUS_PLACES))
def test_every_corpus_report_is_placed_in_its_division_for_its_year(name):
    truth = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    result = parse_bytes(_document(name).read_bytes(), _document(name).name, name)
    meta = result.report
    assert (meta.agency, meta.year) == (truth["agency"], truth["report_year"])
    placed = regions.place_agency(meta.agency, meta.year, None, meta.region.code if meta.region else None)
    assert placed.division is not None and placed.division.code == CORPUS_PLACES[name]
    assert placed.division.valid_in(meta.year)


def test_the_archived_pingtan_departments_are_placed_in_pingtan():
    titles = [p.parent.name.split("_", 1)[1] for p in
              (ROOT / "tests" / "fixtures" / "pingtan-archive").rglob("page.txt")]
    assert len(titles) == 15
    for title in titles:
        agency = title.split("20", 1)[0].strip()
        assert regions.place_agency(agency, 2023).division.code == "350128", agency


def test_history_a_retired_code_in_its_year_and_its_successor_for_series():
    """清浦区 (320811) was merged into 清江浦区 (320812) in 2016."""
    d = regions.find_in("淮安市清浦区人民政府", 2015)
    assert (d.code, d.name, d.valid_from, d.valid_to) == ("320811", "清浦区", 2000, 2016)
    assert regions.series_code("320811", 2015) == "320812"
    assert regions.find_in("清江浦区人民政府", 2020).code == "320812"
    # a merger gives the merged bodies no common identity; a one-to-one change does (江宁县 → 江宁区)
    assert regions.identity_code("320811", 2015) == "320811"
    assert regions.identity_code("320121", 1999) == "320115"
    assert regions.agency_key("江宁县人民政府", "320121", 1999) == \
        regions.agency_key("南京市江宁区人民政府", "320115", 2022)


def test_a_code_that_changed_name_is_found_by_either_name_in_its_years():
    """320800 was 淮阴市 until 1999 and is 淮安市 from 2000 (lists as of 31 December)."""
    assert [(d.name, d.valid_from) for d in regions.divisions() if d.code == "320800"][:2] == [
        ("淮安市", 2000), ("淮阴市", 1983)]
    assert regions.by_code("320800", 1995).name == "淮阴市"
    assert regions.by_code("320800", 2023).name == "淮安市"


@pytest.mark.parametrize("text, year, code", [
    ("淮安市洪泽区人民政府", 2023, "320813"),       # longest match: 淮安市 + 洪泽区, never 淮安 or 洪泽
    ("洪泽区人民政府", 2023, "320813"),
    ("淮安区人民政府", 2023, "320803"),             # the district, not the city
    ("淮安市人民政府", 2023, "320800"),
    ("淮安", 2023, "320800"),                       # a short name of a city and its district: the city
    ("北京市通州区人民政府", 2022, "110112"),       # one name, two districts: told apart by the parent
    ("南通市通州区人民政府", 2022, "320612"),
    ("通州区人民政府", 2022, None),                 # not told apart: unresolved, never guessed
    ("邢台市清河县人民政府", 2022, "130534"),       # a 县 and a 市辖区 (清河区) of the same short name
    ("铁岭市清河区人民政府", 2022, "211204"),
    ("长安镇人民政府", 2022, None),                 # a township named like a district is not the district
    ("海宁市公安局", 2022, "330481"),               # 公安 (公安县) inside a department's name is no place
    ("平潭综合实验区", 2023, "350128"),
    ("国家模拟局", 2023, "000000"),                 # a central body: the nation
])
def test_names(text, year, code):
    d = regions.find_in(text, year)
    assert (d.code if d else None) == code


def test_the_source_region_tells_a_shared_name_apart_and_places_bodies_named_without_a_place():
    assert regions.place_agency("通州区人民政府", 2022, "320600").division.code == "320612"
    assert regions.place_agency("通州区人民政府", 2022, "320600").how == "name+source"
    placed = regions.place_agency("许村镇人民政府", 2022, "330481")
    assert (placed.division.code, placed.how) == ("330481", "source")
    assert regions.place_agency("国家模拟局", 2023).how == "national"
    unresolved = regions.place_agency("通州区人民政府", 2022)
    assert (unresolved.division, unresolved.how) == (None, "unresolved")
    assert "通州区" in unresolved.note


@pytest.mark.parametrize("name, scope, kind", [
    ("海宁市人民政府", "area", "government"), ("嘉兴市人民政府办公室", "agency", "government_office"),
    ("嘉兴市政府办公室", "agency", "government_office"), ("海宁市信访局", "agency", "department"),
    ("海宁市许村镇人民政府", "area", "township"), ("杭州市西湖区北山街道办事处", "agency", "township"),
    ("平潭综合实验区", "area", "development_zone"), ("嘉兴经济技术开发区管理委员会", "area", "development_zone"),
    ("国家模拟局", "agency", "department"), ("宁波市海曙区发展和改革局", "agency", "department"),
])
def test_agency_types(name, scope, kind):
    assert agency_type(name, scope) == kind


def test_one_body_under_its_name_variants():
    assert regions.agency_key("洪泽区人民政府", "320813", 2023) == \
        regions.agency_key("淮安市洪泽区人民政府", "320813", 2024)
    assert regions.agency_key("嘉兴市政府办公室", "330400", 2022) == "330400:人民政府办公室"
    assert regions.agency_key("汝州信访局", "410482", 2022) == regions.agency_key("汝州市信访局", "410482", 2022)
