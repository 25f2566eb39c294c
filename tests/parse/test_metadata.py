"""Title → agency, year, region, scope."""

from __future__ import annotations

import pytest

from xxgk.parse.metadata import read_title, scope_of


@pytest.mark.parametrize("title, agency, year, region", [
    ("海宁市信访局2022年度政府信息公开工作年度报告", "海宁市信访局", 2022, "330481"),
    ("(图文)海宁市人民政府2020年政府信息公开工作年度报告", "海宁市人民政府", 2020, "330481"),  # portal twin label
    ("海宁市人民政府2020年政府信息公开工作年度报告（图片版）", "海宁市人民政府", 2020, "330481"),
    ("2022年度嘉兴市人民政府办公室政府信息公开工作年度报告", "嘉兴市人民政府办公室", 2022, "330400"),
    ("宁波市海曙区人民政府办公室 2022 年政府信息公开工作年度报告", "宁波市海曙区人民政府办公室", 2022, "330203"),
])
def test_titles(title, agency, year, region):
    info = read_title(title, "")
    assert (info.agency, info.year, info.region.code if info.region else None) == (agency, year, region)


def test_place_from_the_body_when_the_title_omits_it():
    info = read_title("信访局2022年政府信息公开工作年度报告", "通过汝州信访局微信公众号……汝州政府网")
    assert (info.agency, info.region.code) == ("汝州市信访局", "410482")


def test_year_is_the_titles_not_a_document_numbers():
    assert read_title("XX市人民政府2021年政府信息公开工作年度报告", "根据国办公开办函〔2019〕60号").year == 2021


@pytest.mark.parametrize("agency, scope", [
    ("海宁市人民政府", "area"), ("宁波市海曙区人民政府办公室", "agency"), ("海宁市信访局", "agency"),
    ("平潭综合实验区", "area"),
])
def test_scope(agency, scope):
    assert scope_of(agency) == scope
