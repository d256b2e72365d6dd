"""The 相关统计数 of a 三公 table (公务用车保有量(辆), 公务接待批次(批), 因公出国(境)人数(人)) are counts, not money:
each an observation of bg:count in the unit its row names, which no library query adds to an amount. The layout is
the one 岳阳县's departments publish (上年执行数 beside 本年预算数, the counts under the amounts)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import BASE
from rdflib import Literal

from budgetgraph import library
from budgetgraph.analytic.rows import stored_rows
from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.mapping.uris import BG
from budgetgraph.pipeline import ingest
from budgetgraph.store import EmbeddedStore

FIXTURE = Path(__file__).parent / "data" / "variants" / "synthetic-three-public-with-counts-2017-budget.txt"
YUEYANG = Path(__file__).resolve().parents[1] / "data" / "real" / "yueyang-taichuangyuan-2017-budget.html"


def test_a_count_is_an_observation_of_its_own_unit_and_no_amount() -> None:
    read = read_document(FIXTURE)
    (table,) = read.tables
    counted = {(r.label, r.unit, r.year): r.cells[0].amount for r in table.rows if r.unit}
    assert counted[("4.公务用车保有量(辆)", "辆", None)] == Decimal("1")
    assert counted[("5.公务接待批次(批)", "批", 2016)] == Decimal("12")
    assert {c.measure for r in table.rows if r.unit for c in r.cells} == {"count"}
    graph = map_document(read, BASE).graph
    (vehicles,) = [o for o in graph.subjects(BG["count"], None) if str(o).endswith("/row/11/budget")]
    assert graph.value(vehicles, BG["count"]).toPython() == Decimal("1")
    assert graph.value(vehicles, BG.unit) == Literal("辆") and graph.value(vehicles, BG.amount) is None


def test_no_library_query_adds_a_count_to_money(tmp_path: Path) -> None:
    without = tmp_path / "without-counts.txt"
    text = FIXTURE.read_text(encoding="utf-8")
    without.write_text(text[: text.index("二、相关统计数")], encoding="utf-8")
    answers = []
    for path in (FIXTURE, without):
        store = EmbeddedStore()
        ingest(path, store, BASE)
        answers.append({name: library.run(store, query) for name, query in library.queries().items()})
    assert answers[0] == answers[1]
    spent = {(r["year"], str(r["category"]).rsplit("-", 1)[-1]): r["amount"] for r in answers[0]["three-public-over-time"]}
    assert spent == {(2017, "reception"): Decimal("15"), (2017, "vehicles"): Decimal("10")}  # 元 in 万元; 2016's is 执行数


def test_the_observation_table_holds_a_count_without_an_amount_in_wan_yuan() -> None:
    store = EmbeddedStore()
    dataset = str(ingest(FIXTURE, store, BASE).mapped.dataset)
    rows = stored_rows(store, dataset).to_pylist()
    counts = [r for r in rows if r["measure"] == "count"]
    assert counts and all(r["amount_wan_yuan"] is None and r["unit"] in {"个", "人", "辆", "批"} for r in counts)
    assert {(r["row_label"], r["amount_year"], r["amount"]) for r in counts if r["unit"] == "辆"} == {("4.公务用车保有量(辆)", 2016, Decimal("1")), ("4.公务用车保有量(辆)", 2017, Decimal("1"))}


def test_the_page_岳阳县台创园_published_reads_whole() -> None:
    """The key, read from the page (tests/data/real/SOURCE.md): 2016年执行数 printed blank, the 2017 budget's
    amounts in 元 and its 相关统计数."""
    read = read_document(YUEYANG)
    assert (read.district_code, read.fiscal_year, read.unread) == ("430621", 2017, ())
    (table,) = read.tables
    assert (table.unit, table.columns) == ("元", ("项目", "2016年执行数", "2017年预算数"))
    assert all(c.amount is None for r in table.rows if r.year == 2016 for c in r.cells)
    printed = {(r.label, c.measure, r.unit): c.amount for r in table.rows if r.year is None for c in r.cells if c.amount is not None}
    assert printed == {
        ("一、支出合计", "amount", None): Decimal("250000"), ("2、公务接待费", "amount", None): Decimal("150000"),
        ("3、公务用车费", "amount", None): Decimal("100000"), ("其中:(1)公务用车运行维护费", "amount", None): Decimal("100000"),
        ("1.因公出国(境)团组数(个)", "count", "个"): Decimal("0"), ("2.因公出国(境)人数(人)", "count", "人"): Decimal("0"),
        ("4.公务用车保有量(辆)", "count", "辆"): Decimal("1"), ("5.公务接待批次(批)", "count", "批"): Decimal("10"),
        ("6.公务接待人数(人)", "count", "人"): Decimal("500"),
    }
