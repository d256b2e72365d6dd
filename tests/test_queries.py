"""The query library, the compare command and the client, on documents whose answers are known by hand.

Fixtures: the seed (data/documents/…2021-budget.txt); the same document as a 2021 决算 in which one line, 2080505 of
unit 106001, is 8.46 instead of 9.40; the same document as a 2022 预算 whose 部门支出总体情况表 is printed in 元; the
inconsistent 测试局 document (tests/data); and eight generated documents (two districts, 2019–2024), whose expected
figures come from the generator's own data (benchmarks/generate.py), not from the store.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from conftest import (
    BACKENDS,
    BASE,
    CORPUS,
    ROOT,
    SEED,
    live_client,
    needs_corpus,
    new_store,
    serving,
)

from benchmarks.generate import Budget, budget, class_totals, sums, write_documents
from budgetgraph import library
from budgetgraph.client import Client
from budgetgraph.compare import (
    PLOT_WIDTH,
    Bar,
    Comparison,
    Selection,
    code_changes,
    compare,
    svg_chart,
)
from budgetgraph.pipeline import ingest
from budgetgraph.service import create_app
from budgetgraph.store import EmbeddedStore, GraphStore

GENERATOR_SEED = 2021
WARNINGS_OF_THE_INCONSISTENT_FIXTURE = 33  # tests/data/inconsistent-budget.txt: one or more per rule, planted
GENERATED = 8  # 110101 in 2019–2024, 110102 in 2019 and 2020
SEED_TEXT = SEED.read_text(encoding="utf-8")
EXPENDITURE_TABLE = "2021年部门支出总体情况表"
PUTUO = CORPUS / "putuo-govoffice-2025-budget-dept.pdf"
PUTUO_KEY = CORPUS / "expected" / "putuo-govoffice-2025-budget-dept.json"


def generated(index: int) -> Budget:
    return budget(GENERATOR_SEED, index)


def wan(cents: int) -> Decimal:
    return Decimal(cents) / 100


def line_total(b: Budget, code: str) -> Decimal:
    return wan(sum(c for line in b.lines if line.code == code for _, c in line.parts))


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def as_final_accounts(text: str) -> str:
    """The seed as a 决算 of the same year, unit 106001 having paid 8.46 of its 9.40 for 2080505."""
    text = text.replace("2021 年度部门预算", "2021 年度部门决算", 1)
    return text.replace("208\t05\t05\t106001\t机关事业单位基本养老保险缴费支出\t9.40", "208\t05\t05\t106001\t机关事业单位基本养老保险缴费支出\t8.46")


def in_yuan(text: str) -> str:
    """The seed as a 2022 预算 whose 部门支出总体情况表 is printed in 元: every amount of that table times 10,000."""
    head, found, rest = text.partition(EXPENDITURE_TABLE)
    assert found
    table, next_title, tail = rest.partition("2021年财政拨款收支总体情况表")
    table = table.replace("单位：万元", "单位：元", 1)
    table = re.sub(r"\b\d+\.\d\d\b", lambda m: f"{Decimal(m.group()) * 10000:.2f}", table)
    return (head + found + table + next_title + tail).replace("2021 年度部门预算", "2022 年度部门预算", 1)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    (folder / "seed-final-accounts.txt").write_text(as_final_accounts(SEED_TEXT), encoding="utf-8")
    (folder / "seed-2022-in-yuan.txt").write_text(in_yuan(SEED_TEXT), encoding="utf-8")
    write_documents(folder / "generated", GENERATED, GENERATOR_SEED)
    return folder


@pytest.fixture(scope="module")
def store_path(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store"
    store = EmbeddedStore(path)
    for document in [SEED, ROOT / "tests" / "data" / "inconsistent-budget.txt", *sorted(folder.rglob("*.txt"))]:
        ingest(document, store, BASE)
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def store(store_path: Path) -> GraphStore:
    return EmbeddedStore(store_path, read_only=True)


def run(store: GraphStore, name: str, **values: object) -> list[dict[str, object]]:
    return library.run(store, library.get(name), values)


# ---- every library query, against figures read off the source tables ------------------------------------

def test_totals_by_district_and_year(store: GraphStore) -> None:
    rows = {(r["district"], r["year"]): (r["departments"], r["expenditure"], r["income"]) for r in run(store, "totals-by-district-year")}
    # The seed: 合计 435.02 (部门支出总体情况表), 收入合计 435.02 (财政拨款收支总体情况表).
    assert rows["410303", 2021] == (1, Decimal("435.02"), Decimal("435.02"))
    # 2022: 测试局 (支出 100.00, 收入合计 101.00) and the seed's 元 copy (4350200.00 元 = 435.02 万元).
    assert rows["410303", 2022] == (2, Decimal("535.02"), Decimal("536.02"))
    for index in range(GENERATED):
        b = generated(index)
        total = wan(sums(b.lines)[0])
        assert rows[b.department.district.code, b.year] == (1, total, total)
    assert run(store, "totals-by-district-year", phase="final-accounts") == [
        {"district": "410303", "districtName": "洛阳市西工区", "year": 2021, "phase": library.BG + "phase-final-accounts",
         "departments": 1, "expenditure": Decimal("435.02"), "income": Decimal("435.02"), "departmentsWithIncome": 1},
    ]


def test_shares_by_functional_class(store: GraphStore) -> None:
    rows = run(store, "shares-by-functional-class", district="410303", year=2021)
    total = Decimal("435.02")  # 财政拨款收支总体情况表, 支出合计; the classes as printed there
    printed = {"201": Decimal("394.40"), "208": Decimal("16.99"), "210": Decimal("12.60"), "221": Decimal("11.03")}
    assert [(r["code"], r["amount"], r["sharePercent"]) for r in rows] == [(c, a, percent(a, total)) for c, a in printed.items()]
    assert [r["sharePercent"] for r in rows] == [Decimal("90.66"), Decimal("3.91"), Decimal("2.9"), Decimal("2.54")]


def test_one_line_across_districts(store: GraphStore) -> None:
    rows = run(store, "line-across-districts", code="2080505", year=2021)
    expected = {"410303": Decimal("14.23")}  # 9.40 (unit 106001) + 4.83 (unit 113001)
    expected |= {generated(i).department.district.code: line_total(generated(i), "2080505") for i in range(GENERATED) if generated(i).year == 2021}
    assert {r["district"]: r["amount"] for r in rows} == expected
    assert {r["name"] for r in rows} == {"机关事业单位基本养老保险缴费支出"}


def test_a_kuan_not_printed_is_its_printed_lines(store: GraphStore) -> None:
    rows = run(store, "line-across-districts", code="20103", year=2021, district="410303")
    assert [(r["name"], r["amount"]) for r in rows] == [("政府办公厅（室）及相关机构事务", Decimal("394.40"))]  # 307.06 + 46.64 + 40.70


def test_year_over_year_by_department_across_units(store: GraphStore) -> None:
    rows = {(r["district"], r["year"]): r for r in run(store, "year-over-year-by-department")}
    seed = rows["410303", 2022]  # the 元 copy against the 万元 original: no change
    assert (seed["amount"], seed["previousAmount"], seed["change"], seed["changePercent"]) == (Decimal("435.02"), Decimal("435.02"), 0, 0)
    for index in range(1, 6):
        b, previous = generated(index), generated(index - 1)
        now, then = wan(sums(b.lines)[0]), wan(sums(previous.lines)[0])
        row = rows[b.department.district.code, b.year]
        assert (row["amount"], row["previousAmount"], row["change"], row["changePercent"]) == (now, then, now - then, percent(now - then, then))
    assert ("110101", 2019) not in rows


def test_year_over_year_by_line(store: GraphStore) -> None:
    b, previous = generated(1), generated(0)
    rows = run(store, "year-over-year-by-line", district=b.department.district.code, year=b.year, code="2080505")
    assert [(r["code"], r["previousCode"], r["amount"], r["previousAmount"], r["change"]) for r in rows] == [
        ("2080505", "2080505", line_total(b, "2080505"), line_total(previous, "2080505"), line_total(b, "2080505") - line_total(previous, "2080505"))
    ]


def test_three_public_over_time(store: GraphStore) -> None:
    categories = {"overseas": "因公出国（境）费", "reception": "公务接待费", "vehicles": "公务用车购置及运行费"}
    rows = {(r["year"], r["categoryName"]): r["amount"] for r in run(store, "three-public-over-time", district="110101")}
    expected = {(b.year, categories[item]): wan(cents) for b in map(generated, range(6)) for item, cents in b.three_public.items() if cents}
    assert rows == expected and expected


def test_operating_costs_by_economic_class(store: GraphStore) -> None:
    rows = run(store, "operating-costs-by-economic-class", district="410303", year=2021)
    assert [(r["code"], r["amount"]) for r in rows][:3] == [("30201", Decimal("20.18")), ("30202", Decimal("3.40")), ("30207", Decimal("2.36"))]
    assert (rows[-1]["name"], rows[-1]["amount"]) == ("合计", Decimal("218.83"))
    assert len(rows) == 12  # eleven printed lines and the total


def test_execution_rate_per_line(store: GraphStore) -> None:
    rows = [r for r in run(store, "execution-rate-by-line", district="410303", year=2021) if r["table"] == "部门支出总体情况表"]
    by_line = {r["line"]: (r["budget"], r["final"], r["ratePercent"]) for r in rows}
    assert by_line["2080505"] == (Decimal("14.23"), Decimal("13.29"), percent(Decimal("13.29"), Decimal("14.23")))  # 93.39
    assert by_line["2010350"] == (Decimal("307.06"), Decimal("307.06"), 100)
    assert len(rows) == 12  # nine codes, two unit subtotals and the total, each in both phases


def test_performance_indicators_by_category(store: GraphStore) -> None:
    rows = {r["level2"]: (r["indicators"], r["quantitative"]) for r in run(store, "performance-indicators-by-category", district="410303", year=2021)}
    # The seed's 绩效目标表: 数量指标 7人, 7人, 12人, 20份, 8人; 质量目标 100% three times, 按质按量, 合理执行;
    # 成本指标 8万元, 4万元, 2万元, 0.3万元, 26.4万元.
    assert rows["数量指标"] == (5, 5)
    assert rows["质量指标"] == (5, 3)
    assert rows["成本指标"] == (5, 5)


def test_documents_with_warnings(store: GraphStore) -> None:
    rows = {(r["title"], r["warnings"]) for r in run(store, "documents-with-warnings")}
    assert ("洛阳市西工区测试局 部门 2022 年度部门预算", WARNINGS_OF_THE_INCONSISTENT_FIXTURE) in rows
    assert ("西工区政务服务和大数据局 部门 2021 年度部门预算", 6) in rows


def test_the_text_that_the_figures_contradict(store: GraphStore) -> None:
    """Which documents say 大于 where the outturn stated is less: the synthetic fixture plants one."""
    relations = [r for r in run(store, "text-against-figures", year=2022) if str(r["kind"]).endswith("claim-relation")]
    assert [(r["department"], r["place"], r["sentence"]) for r in relations] == [("洛阳市西工区测试局", "line 7", "决算数大于预算数。")]
    shares = {(r["sentence"][:15], r["stated"], r["derived"]) for r in run(store, "text-against-figures") if str(r["kind"]).endswith("claim-share")}
    assert ("主要用于以下方面：一般公共服务", Decimal("2.8"), Decimal("2.9")) in shares  # the seed's 卫生健康 share


def test_expenditure_by_level_and_cofog(store: GraphStore) -> None:
    classes = {r["code"]: r["amount"] for r in run(store, "expenditure-by-level", district="410303", year=2021)}
    # 类 rows are not printed in the seed's 部门支出总体情况表: its 项 lines, added up.
    assert classes == {"201": Decimal("394.40"), "208": Decimal("16.99"), "210": Decimal("12.60"), "221": Decimal("11.03")}
    divisions = {r["code"]: r["amount"] for r in run(store, "expenditure-by-cofog", district="410303", year=2021)}
    assert divisions == {"01": Decimal("394.40"), "10": Decimal("16.99"), "07": Decimal("12.60"), "06": Decimal("11.03")}
    b = generated(2)
    rows = run(store, "expenditure-by-level", district=b.department.district.code, year=b.year, level="类")
    assert {r["code"]: r["amount"] for r in rows} == {code: wan(cents) for code, cents in class_totals(b).items()}


def test_units_compare_exactly(store: GraphStore) -> None:
    """The seed's 元 copy reads to the same 万元 as the seed, line by line."""
    def lines(year: int) -> dict[object, object]:
        rows = run(store, "expenditure-by-level", district="410303", year=year, level="xiang")
        return {r["code"]: r["amount"] for r in rows if r["department"] == "洛阳市西工区政务服务和大数据管理局"}
    assert lines(2022) == lines(2021) and len(lines(2021)) == 9


@pytest.mark.parametrize("name", sorted(library.queries()))
def test_every_library_query_has_a_title_and_answers(store: GraphStore, name: str) -> None:
    query = library.get(name)
    assert query.title and query.description
    assert run(store, name)
    examples = {"district": "410303", "year": 2021, "phase": "budget", "code": "2080505", "level": "xiang", "dataset": "http://127.0.0.1:8000/id/dataset/410303/113001/2021/budget"}
    run(store, name, **{p.name: examples[p.name] for p in query.parameters})  # every parameter is a projected variable


def test_a_sparql_server_answers_every_query_as_the_embedded_store_does(folder: Path) -> None:
    """On a remote store the parameters are a VALUES block at the start of the WHERE group (store/remote.py)."""
    examples = {"district": "410303", "year": 2021, "phase": "budget", "code": "2080505", "level": "xiang", "dataset": "http://127.0.0.1:8000/id/dataset/410303/113001/2021/budget"}
    with contextlib.ExitStack() as stack:
        remote, embedded = new_store("oxigraph-server", stack), EmbeddedStore()
        for store in (remote, embedded):
            for document in (SEED, folder / "seed-final-accounts.txt", folder / "seed-2022-in-yuan.txt"):
                ingest(document, store, BASE)
        for query in library.queries().values():
            values = {p.name: examples[p.name] for p in query.parameters}
            assert sorted(map(repr, library.run(remote, query, values))) == sorted(map(repr, library.run(embedded, query, values))), query.name


@pytest.mark.parametrize("backend", BACKENDS)
def test_amounts_converted_per_row_answer_alike_on_every_backend(folder: Path, backend: str) -> None:
    """The seed and its 2022 copy in 元. Virtuoso 7.2 refused these three queries with SR128 "Numeric value out of
    range for <temporary space column>(0, 0)" as soon as a join put ``?published * IF(?unit = "元", 0.0001, …)``
    into a sort (ORDER BY): its SQL types ``number * CASE … 0.0001 ELSE 1.0 END``, as it does a decimal literal,
    a DECIMAL of precision 0, so the sort's temporary column holds no value but 0. Multiplying in the IF's
    branches leaves the product untyped, and every backend answers as the embedded store does; every query that
    converts a unit does it so."""
    queries = {
        "operating-costs-by-economic-class": {"district": "410303", "year": 2021},
        "shares-by-functional-class": {"district": "410303", "year": 2021},
        "year-over-year-by-department": {"year": 2022},
        "totals-by-district-year": {"year": 2022},
        "year-over-year-by-line": {"year": 2022},
        "expenditure-by-level": {"year": 2022},
        "expenditure-by-cofog": {"year": 2022},
        "line-across-districts": {"year": 2022},
    }
    with contextlib.ExitStack() as stack:
        store, embedded = new_store(backend, stack), EmbeddedStore()
        for each in (store, embedded):
            for document in (SEED, folder / "seed-2022-in-yuan.txt"):
                ingest(document, each, BASE)
        for name, values in queries.items():
            for bound in (values, {}):
                answer = run(store, name, **bound)
                assert answer and sorted(map(repr, answer)) == sorted(map(repr, run(embedded, name, **bound))), (name, bound)
        operating_costs = run(store, "operating-costs-by-economic-class", district="410303", year=2021)
        assert [(r["code"], r["amount"]) for r in operating_costs][:2] == [("30201", Decimal("20.18")), ("30202", Decimal("3.40"))]
        assert (operating_costs[-1]["name"], operating_costs[-1]["amount"]) == ("合计", Decimal("218.83"))
        shares = run(store, "shares-by-functional-class", district="410303", year=2021)
        assert (shares[0]["code"], shares[0]["amount"], shares[0]["sharePercent"]) == ("201", Decimal("394.40"), Decimal("90.66"))
        changes = run(store, "year-over-year-by-department", year=2022)  # 4350200.00 元 against 435.02 万元
        assert [(r["amount"], r["previousAmount"], r["change"], r["changePercent"]) for r in changes] == [(Decimal("435.02"), Decimal("435.02"), 0, 0)]


# ---- parameters --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "message"), [
    ("year", "20x1", "is not a four-digit year"),
    ("year", 2021.5, "is not text or a number"),
    ("code", "201 } UNION { ?s ?p ?o", "is not a classification or district code"),
    ("phase", "plan", "is not one of budget"),
])
def test_values_of_the_wrong_type_are_refused(name: str, value: object, message: str) -> None:
    query = library.get("line-across-districts") if name != "phase" else library.get("totals-by-district-year")
    with pytest.raises(library.ParameterError, match=message):
        query.bindings({name: value})


def test_parameter_types() -> None:
    query = library.parse("typed", "# title: t\n# param: a iri — x\n# param: b decimal — x\n# param: c integer — x\n# param: d level — x\nSELECT ?a ?b ?c ?d WHERE {}\n")
    bound = query.bindings({"a": "https://example.org/x", "b": "1.50", "c": 7, "d": "款"})
    assert [str(term) for term in bound.values()] == [
        "<https://example.org/x>", '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '"7"^^<http://www.w3.org/2001/XMLSchema#integer>', "<https://w3id.org/budgetgraph/def#level-kuan>",
    ]
    for name, value in (("a", "https://example.org/x> } ?s ?p ?o {"), ("a", "no scheme"), ("b", "NaN"), ("c", "1e3")):
        with pytest.raises(library.ParameterError):
            query.bindings({name: value})
    with pytest.raises(library.ParameterError, match="has no parameter e"):
        query.bindings({"e": 1})


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_bound_string_cannot_change_the_query(backend: str) -> None:
    """A string that would close the pattern and match every row if pasted into the text matches nothing."""
    query = library.parse("units", '# title: t\n# param: unit string — the unit of a table\n'
                                   'PREFIX bg: <https://w3id.org/budgetgraph/def#>\nSELECT ?unit ?table WHERE { ?table a bg:Table ; bg:unit ?unit }\n')
    with contextlib.ExitStack() as stack:
        store = new_store(backend, stack)
        ingest(SEED, store, BASE)
        assert [r["unit"] for r in library.run(store, query, {"unit": "万元"})] == ["万元"] * 8  # the seed's eight tables
        assert library.run(store, query, {"unit": '万元" } UNION { ?table ?p ?unit } #'}) == []


# ---- compare ----------------------------------------------------------------------------------------------

def test_compare_departments_over_years(store: GraphStore) -> None:
    comparison = compare(store, Selection(districts=("110101",), years=(2019, 2020), level="lei"))
    expected = sorted((code, b.year, wan(cents)) for b in (generated(0), generated(1)) for code, cents in class_totals(b).items())
    assert sorted((bar.code, bar.year, bar.amount) for bar in comparison.bars) == expected
    assert comparison.notes == []


def test_compare_districts_adds_their_departments_in_one_unit(store: GraphStore) -> None:
    comparison = compare(store, Selection(districts=("410303",), years=(2022,), level="kuan", by="district"))
    amounts = {bar.code: bar.amount for bar in comparison.bars}
    assert {bar.group for bar in comparison.bars} == {"洛阳市西工区"}
    # 20103: the 元 seed's 394.40 and 测试局's 60.00 + 21.00.
    assert amounts["20103"] == Decimal("475.40")


def test_compare_picks_departments_by_part_of_their_name(store: GraphStore) -> None:
    comparison = compare(store, Selection(departments=("测试局",), level="类"))
    # tests/data/inconsistent-budget.txt: 201 03 01 60.00 and 201 03 02 21.00; 208 05 05 20.00.
    assert [(bar.group, bar.year, bar.code, bar.amount) for bar in comparison.bars] == [
        ("洛阳市西工区测试局", 2022, "201", Decimal("81.00")), ("洛阳市西工区测试局", 2022, "208", Decimal("20.00")),
    ]


def test_the_chart_escapes_its_text() -> None:
    bars = [Bar("<部门> & \"合成\"", "110101", 2021, "201", "一般公共服务支出", Decimal("1.5")), Bar("b", "110101", 2021, "208", "x", Decimal(3))]
    svg = ET.fromstring(svg_chart(Comparison(bars), "a < b"))
    texts = [text.text for text in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "a < b" and '<部门> & "合成" 2021 201 一般公共服务支出' in texts
    widths = [int(rect.get("width", "")) for rect in svg.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths == [PLOT_WIDTH // 2, PLOT_WIDTH]


@needs_corpus
def test_a_real_document_in_yuan_compares_with_one_in_wan_yuan() -> None:
    """上海市普陀区人民政府办公室's 2025 budget prints 元; its answer key (../shared/corpus/expected) gives the cells."""
    key = json.loads(PUTUO_KEY.read_text(encoding="utf-8"))
    printed = {row["code"]: Decimal(row["values"]["合计"]) for table in key["tables"] if table["title"] == "部门支出预算总表" for row in table["rows"] if row.get("code")}
    store = EmbeddedStore()
    for document in (SEED, PUTUO):
        ingest(document, store, BASE)
    rows = {r["district"]: r["amount"] for r in run(store, "line-across-districts", code="2080505")}
    assert rows == {"310107": printed["2080505"] / 10000, "410303": Decimal("14.23")}  # 1763159.52 元 = 176.315952 万元
    classes = {r["code"]: r["amount"] for r in run(store, "expenditure-by-level", district="310107")}
    assert classes == {code: amount / 10000 for code, amount in printed.items() if len(code) == 3}


def test_a_code_that_changed_between_years_is_named() -> None:
    edition = "https://w3id.org/budgetgraph/code/function/2021/"
    rows = [
        {"code": "2010350", "year": 2021, "edition": edition + "2010350"},
        {"code": "2010350", "year": 2022, "edition": edition + "2010399"},
        {"code": "2010398", "year": 2023, "edition": edition + "2010399"},
    ]
    assert code_changes(rows) == [
        f"code 2010350 changed meaning between years: 2021 {edition}2010350; 2022 {edition}2010399",
        f"{edition}2010399 is printed under different codes: 2010350 in 2022; 2010398 in 2023",
    ]


def budgetgraph(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "budgetgraph.cli", *args], capture_output=True, text=True, check=check)


def test_compare_command_writes_csv_and_svg(store_path: Path, tmp_path: Path) -> None:
    table, chart = tmp_path / "compare.csv", tmp_path / "compare.svg"
    result = budgetgraph("compare", "--store", str(store_path), "--district", "410303", "--district", "110101", "--year", "2021",
                         "--level", "cofog", "--csv", str(table), "--chart", str(chart))
    assert "General public services" in result.stdout
    with table.open(encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines))
    assert {(r["group"], r["code"]): Decimal(r["amount_wan_yuan"]) for r in rows}[("洛阳市西工区政务服务和大数据管理局", "01")] == Decimal("394.4")
    svg = ET.parse(chart).getroot()
    namespace = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f"{namespace}rect")) == len(rows) > 0
    assert any("洛阳市西工区政务服务和大数据管理局 2021 01" in (text.text or "") for text in svg.iter(f"{namespace}text"))


def test_query_command_runs_a_library_query_with_parameters(store_path: Path) -> None:
    answer = budgetgraph("query", "line-across-districts", "--param", "code=2080505", "--param", "year=2021", "--store", str(store_path), "--format", "csv").stdout
    rows = list(csv.DictReader(answer.splitlines()))
    assert {r["district"]: Decimal(r["amount"]) for r in rows}["410303"] == Decimal("14.23")
    listing = budgetgraph("queries").stdout
    assert "line-across-districts: One 款 or 项 compared across districts" in listing and "--param code=<code> (default 2080505)" in listing
    refused = budgetgraph("query", "line-across-districts", "--param", "year=next", "--store", str(store_path), check=False)
    assert refused.returncode == 1 and "parameter year (year): 'next' is not a four-digit year" in refused.stderr


# ---- the client, against live servers -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph_with_seed() -> Iterator[GraphStore]:
    with contextlib.ExitStack() as stack:
        store = new_store("oxigraph-server", stack)
        ingest(SEED, store, BASE)
        yield store


def test_client_against_budgetgraph_and_a_plain_sparql_server(oxigraph_with_seed: GraphStore) -> None:
    with serving(create_app(oxigraph_with_seed, base=BASE)) as root:
        for endpoint in (f"{root}/sparql", oxigraph_with_seed.query_url):  # type: ignore[attr-defined]
            rows = Client(endpoint).rows("line-across-districts", code="2080505", year=2021)
            assert [(r["district"], r["year"], r["amount"]) for r in rows] == [("410303", 2021, Decimal("14.23"))]
            assert isinstance(rows[0]["year"], int) and isinstance(rows[0]["amount"], Decimal)


def test_client_dataframe_needs_pandas(oxigraph_with_seed: GraphStore) -> None:
    client = Client(oxigraph_with_seed.query_url)  # type: ignore[attr-defined]
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"pip install 'budgetgraph\[pandas\]'"):
            client.dataframe("totals-by-district-year")
    else:
        frame = client.dataframe("totals-by-district-year")
        assert frame["expenditure"].tolist() == [Decimal("435.02")]


def test_the_library_over_http(store: GraphStore) -> None:
    """GET /queries lists the library; GET /queries/NAME?… answers like /sparql, its values bound, never pasted."""
    with live_client(create_app(store, base=BASE)) as client:
        listed = {q["name"]: q for q in client.get("/queries").json()}
        assert set(listed) == set(library.queries())
        assert {p["name"] for p in listed["line-across-districts"]["parameters"]} >= {"code", "year"}
        answer = client.get("/queries/line-across-districts", params={"code": "2080505", "year": "2021"}, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200
        amounts = {b["district"]["value"]: Decimal(b["amount"]["value"]) for b in answer.json()["results"]["bindings"]}
        assert amounts == {r["district"]: r["amount"] for r in run(store, "line-across-districts", code="2080505", year=2021)}
        assert amounts["410303"] == Decimal("14.23")  # 9.40 + 4.83, the seed's two units
        as_csv = client.get("/queries/line-across-districts", params={"code": "2080505", "year": "2021", "format": "csv"})
        assert as_csv.headers["content-type"].startswith("text/csv") and len(as_csv.text.splitlines()) == len(amounts) + 1
        refused = client.get("/queries/line-across-districts", params={"year": '2021" } } DROP ALL #'})
        assert refused.status_code == 400 and "parameter year" in refused.text
        assert client.get("/queries/line-across-districts", params={"colour": "red"}).status_code == 400
        assert client.get("/queries/no-such-query").status_code == 404
