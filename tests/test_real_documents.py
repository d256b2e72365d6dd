"""Real published documents from other provinces, levels and years (bundled in data/real; their sources and
answer keys in tests/data/real, SOURCE.md and expected.json): every
table, row label, code and amount against answer keys written by hand from the published pages. The variants no
real page was found for (千元, negative amounts, names-only classifications shown by indentation; the one-sided
一般公共预算财政拨款收入支出决算表) are synthetic documents, marked 合成, in tests/data/variants with their keys, checked
the same way."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.normalise import key
from budgetgraph.records import Phase, RowRole
from budgetgraph.validation import validate

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
VARIANTS = Path(__file__).parent / "data" / "variants"


def _keys(folder: Path, keys: Path) -> dict[str, tuple[Path, dict]]:  # type: ignore[type-arg]
    return {name: (folder / name, answer) for name, answer in json.loads(keys.read_text(encoding="utf-8")).items()}


FIXTURES = {**_keys(REAL, Path(__file__).parent / "data" / "real" / "expected.json"), **_keys(VARIANTS, VARIANTS / "expected.json")}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_metadata(name: str) -> None:
    path, answer = FIXTURES[name]
    doc = read_document(path)
    assert doc.department == answer["department"]
    assert (doc.province, doc.city, doc.district, doc.district_code) == (
        answer["province"], answer["city"], answer["district"], answer["division_code"],
    )
    assert doc.fiscal_year == answer["fiscal_year"]
    assert doc.phase is Phase(answer["phase"])
    assert doc.unread == ()


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_table_row_and_amount(name: str) -> None:
    path, answer = FIXTURES[name]
    doc = read_document(path)
    assert [t.kind.value for t in doc.tables] == [t["kind"] for t in answer["tables"]]
    for expected, table in zip(answer["tables"], doc.tables, strict=True):
        assert key(expected["title"]) in key(table.title)
        assert table.unit == expected["unit"]
        assert [key(c) for c in table.columns] == [key(c) for c in expected["columns"]]
        assert len(table.notes) == expected["notes"]
        assert len(table.rows) == len(expected["rows"]), table.title
        for want, row in zip(expected["rows"], table.rows, strict=True):
            assert key(row.label) == key(want["label"])
            assert (row.side or "") == want.get("side", "")
            assert (row.function_code or row.economic_code or "") == want.get("code", "")
            assert (row.level, row.parent) == (want.get("level"), want.get("parent")), row.label
            got = {key(c.column): c.amount for c in row.cells if c.amount is not None}
            assert got == {key(k): Decimal(v) for k, v in want["values"].items()}, row.label
            # as printed: the same digits (1.70 stays 1.70, （1,234.56） stays so), words in an amount cell kept as text
            printed = want.get("texts", want["values"])
            assert all(c.text == printed[c.column] for c in row.cells if c.amount is not None and c.column in printed)
            if "printed" in want:
                assert {c.text for c in row.cells} == {want["printed"]}
        assert table.rows[0].role is RowRole.TOTAL or key(table.rows[0].label) != "合计"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_amount_keeps_its_place(name: str) -> None:
    doc = read_document(FIXTURES[name][0])
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                assert cell.location.file == name and cell.location.line == row.line and cell.location.column == cell.column


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_each_loads_into_the_graph(name: str) -> None:
    """Mapped and checked: no structural violation, so each document would load."""
    from budgetgraph.mapping import map_document
    from budgetgraph.validation import validate

    report = validate(map_document(read_document(FIXTURES[name][0]), "http://127.0.0.1:8000/"))
    assert report.conforms, [f.message for f in report.findings]


def test_a_cover_without_the_page_date_and_the_table_under_it() -> None:
    """龙祥小学's page: its heading lines, then the date it was posted, then the table's title and rows."""
    doc = read_document(REAL / "luolong-longxiang-school-2016-final.html")
    assert (doc.title, doc.fiscal_year) == ("部门决算 洛阳市了洛龙区龙祥小学2016部门决算", 2016)


def test_a_page_that_opens_with_its_web_furniture_is_named_by_its_table(tmp_path: Path) -> None:
    """施甸县's page starts with the site's 索引号 | 发布机构 box, not a cover: the title, year and district come from
    the table's own title. Its year-on-year columns are read whole, against the key read from the page: 上年决算数
    (2015) beside 本年决算数, and the 增、减金额 and 增、减幅度 between them, all of which the page gets right."""
    path = REAL / "shidian-county-2016-final.html"
    doc = read_document(path)
    assert (doc.title, doc.department) == ("施甸县2016年“三公”经费决算情况统计表", "施甸县")
    assert (doc.district_code, doc.fiscal_year, doc.phase, doc.unread) == ("530521", 2016, Phase.FINAL_ACCOUNTS, ())
    (table,) = doc.tables
    printed = [(r.label, r.year, str(r.amount("amount")), [c.text for c in r.comparisons]) for r in table.rows]
    assert printed == [
        ("合计", 2015, "2911.47", []), ("合计", None, "2706.86", ["-204.61", "-7.03%"]),
        ("1.因公出国(境)费", 2015, "13.06", []), ("1.因公出国(境)费", None, "10.20", ["-2.86", "-21.9%"]),
        ("2.公务接待费", 2015, "1679.69", []), ("2.公务接待费", None, "1590.94", ["-88.75", "-5.28%"]),
        ("3.公务用车购置及运行费", 2015, "1218.72", []), ("3.公务用车购置及运行费", None, "1105.72", ["-113", "-9.27%"]),
        ("其中:(1)公务用车购置费", 2015, "14.80", []), ("其中:(1)公务用车购置费", None, "0", ["-14.8", "-100%"]),
        ("(2)公务用车运行费", 2015, "1203.92", []), ("(2)公务用车运行费", None, "1105.72", ["-98.2", "-8.16%"]),
    ]
    assert validate(map_document(doc, "http://127.0.0.1:8000/")).findings == ()
    wrong = tmp_path / path.name
    wrong.write_text(path.read_text(encoding="utf-8").replace("-5.28%", "-5.82%"), encoding="utf-8")
    (finding,) = validate(map_document(read_document(wrong), "http://127.0.0.1:8000/")).findings
    assert "column 比上年增、减情况/增、减幅度: prints -5.82%, but (1590.94 − 1679.69) / 1679.69 × 100 = -5.28" in finding.message


def test_a_template_title_without_its_unit_line_is_named_in_the_error(tmp_path: Path) -> None:
    page = (REAL / "luolong-longxiang-school-2016-final.html").read_text(encoding="utf-8").replace("<td>单位:元</td>", "<td></td>")
    path = tmp_path / "no-unit.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(BudgetgraphError) as raised:
        read_document(path)
    assert (raised.value.file, raised.value.place) == (str(path), "line 4")
    assert "收入支出决算总表 titles a template table, but no unit line" in raised.value.message


def test_a_page_that_opens_with_its_contents_takes_the_first_heading_naming_year_and_phase(tmp_path: Path) -> None:
    """Full 决算 pages list their parts first (目录, 第一部分 …概况, 第二部分 …决算报表): the title is the first heading
    that names the year and 决算, not the empty cover before 目录."""
    contents = "<p>目录</p><p>第一部分西宁市东方小学概况</p><p>一、部门职能</p><p>第二部分西宁市东方小学2016年度部门决算报表</p>"
    page = (REAL / "xining-dongfang-school-2016-final.html").read_text(encoding="utf-8")
    page = page.replace("<p>2016年西宁市东方小学部门决算</p>\n<p>第二部分西宁市东方小学2016年度部门决算报表</p>", contents)
    assert contents in page
    path = tmp_path / "with-contents.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert (doc.title, doc.department, doc.fiscal_year, doc.phase) == (
        "第二部分西宁市东方小学2016年度部门决算报表", "西宁市东方小学", 2016, Phase.FINAL_ACCOUNTS,
    )
    assert len(doc.tables) == 1
