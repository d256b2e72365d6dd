"""The gazetteer: every county-level division of GB/T 2260, found by name with its city when names repeat."""

from __future__ import annotations

import pytest

from budgetgraph.codelists import districts, find_district


def test_the_gazetteer_holds_every_county_level_division() -> None:
    table = districts()
    assert len(table) > 2800
    assert all(len(code) == 6 and code[-2:] != "00" for code in table)
    assert (table["410303"].name, table["410303"].city, table["410303"].province) == ("西工区", "洛阳市", "河南省")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("洛阳市西工区政务服务和大数据管理局", "410303"),
        ("上海市普陀区2025年区级部门预算", "310107"),
        ("舟山市普陀区卫生健康局", "330903"),
        ("北京市西城区教育委员会", "110102"),  # not 城区, which is a district of its own elsewhere
        ("普陀区财政局", None),  # two 普陀区: refused rather than guessed
        ("XX局2024年度部门决算", None),
    ],
)
def test_districts_are_found_by_name_and_city(text: str, code: str | None) -> None:
    found = find_district(text)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2015年桂林市司法局部门“三公”经费情况统计表", "450300"),
        ("南通市国资委2016年财政拨款“三公”经费预算", "320600"),
        ("南通市海门区财政局", None),  # a district the gazetteer lacks is not taken for its city
        ("XX局2024年度部门决算", None),
    ],
)
def test_a_city_department_is_placed_in_its_city(text: str, code: str | None) -> None:
    from budgetgraph.codelists import find_city

    found = find_city(text)
    assert (found.code if found else None) == code
    assert found is None or found.name == ""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2019年度江苏省人民检察院部门预算", "320000"),
        ("中共江苏省委办公厅2018年度部门预算公开文件", "320000"),
        ("江苏省南通市海门区财政局", None),  # a division the gazetteer lacks is not taken for its province
        ("江苏省、浙江省联合办公室", None),
        ("XX局2024年度部门决算", None),
    ],
)
def test_a_province_department_is_placed_in_its_province(text: str, code: str | None) -> None:
    from budgetgraph.codelists import find_province

    found = find_province(text)
    assert (found.code if found else None) == code
    assert found is None or (found.name, found.city, found.province) == ("", "", "江苏省")
