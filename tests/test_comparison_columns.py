"""A table that prints a row's 预算数 beside its 决算数, or this year's beside the year before's (上年执行数, 上年预算数),
and compares them (决算数为预算数的%, 增减额, 增减%, 比上年增减%), as many districts print them, is read whole: each
amount an observation of its own year and phase, each printed comparison checked against the two amounts. A
comparison with an amount the table does not print is reported unread, naming the column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BASE
from rdflib import XSD, Literal

from budgetgraph import library
from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.mapping.uris import BG
from budgetgraph.pipeline import ingest
from budgetgraph.records import ClaimKind, Phase, TableKind
from budgetgraph.store import EmbeddedStore
from budgetgraph.validation import validate

FIXTURE = Path(__file__).parent / "data" / "variants" / "synthetic-general-budget-income-expenditure-2023-final.txt"
BESIDE_LAST_YEAR = Path(__file__).parent / "data" / "variants" / "synthetic-beside-last-year-2024-budget.txt"
HEADING = "重庆市永川区合成示范局（合成）2023年度部门决算"
TITLE = "表5：一般公共预算财政拨款支出决算表"
COMPARED = f"""
{TITLE}

单位：万元

科目编码\t科目名称\t预算数\t决算数\t增减额\t决算数为预算数的%
\t合计\t840.00\t832.47\t-7.53\t99.10
201\t一般公共服务支出\t710.00\t702.44\t-7.56\t98.94
208\t社会保障和就业支出\t84.67\t84.67\t0.00\t100.00
221\t住房保障支出\t45.33\t45.36\t0.03\t100.07
"""
BUDGET = {"合计": "840.00", "一般公共服务支出": "710.00", "社会保障和就业支出": "84.67", "住房保障支出": "45.33"}
FINAL = {"合计": "832.47", "一般公共服务支出": "702.44", "社会保障和就业支出": "84.67", "住房保障支出": "45.36"}


def _document(tmp_path: Path, table: str) -> Path:
    document = tmp_path / "compared.txt"
    document.write_text(FIXTURE.read_text(encoding="utf-8") + table, encoding="utf-8")
    return document


def test_each_phase_is_read_as_its_own_rows_and_each_comparison_with_the_later(tmp_path: Path) -> None:
    read = read_document(_document(tmp_path, COMPARED))
    assert not read.unread
    table = read.tables[-1]
    assert table.kind is TableKind.GENERAL_BUDGET_EXPENDITURE
    amounts = {phase: {r.label: str(r.amount("amount")) for r in table.rows if r.phase is phase} for phase in Phase}
    assert amounts == {Phase.BUDGET: BUDGET, Phase.REVISED_BUDGET: {}, Phase.EXECUTION: {}, Phase.FINAL_ACCOUNTS: FINAL}
    assert {r.year for r in table.rows} == {None}  # both of the document's year
    assert all(not r.comparisons for r in table.rows if r.phase is Phase.BUDGET)
    housing = next(r for r in table.rows if r.label == "住房保障支出" and r.phase is Phase.FINAL_ACCOUNTS)
    change, rate = housing.comparisons
    assert (change.kind, change.value, change.base_phase, change.measure) == (ClaimKind.CHANGE, Decimal("0.03"), Phase.BUDGET, "amount")
    assert (rate.kind, rate.text, rate.decimals, rate.location.column) == (ClaimKind.COMPLETION, "100.07", 2, "决算数为预算数的%")


def test_a_document_that_agrees_with_itself_has_no_finding_and_each_wrong_figure_one(tmp_path: Path) -> None:
    assert validate(map_document(read_document(_document(tmp_path, COMPARED)), BASE)).findings == ()
    planted = COMPARED.replace("\t100.07", "\t100.70").replace("\t-7.56\t", "\t-7.65\t").replace("\t99.10", "\t99.01")
    messages = sorted(f.message for f in validate(map_document(read_document(_document(tmp_path, planted)), BASE)).findings)
    assert messages == [
        "一般公共预算财政拨款支出决算表 row 1 (合计), column 决算数为预算数的%: prints 99.01, but 832.47 / 840 × 100 = 99.1 (at the 2 decimals printed)",
        "一般公共预算财政拨款支出决算表 row 2 (一般公共服务支出), column 增减额: prints -7.65, but 702.44 − 710 = -7.56 (at the 2 decimals printed)",
        "一般公共预算财政拨款支出决算表 row 4 (住房保障支出), column 决算数为预算数的%: prints 100.70, but 45.36 / 45.33 × 100 = 100.07 (at the 2 decimals printed)",
    ]


def test_the_comparisons_are_linked_to_both_observations(tmp_path: Path) -> None:
    graph = map_document(read_document(_document(tmp_path, COMPARED)), BASE).graph
    (comparison,) = [c for c in graph.subjects(BG.columnHeader, Literal("增减额")) if str(c).endswith("/row/4/final-accounts/comparison/1")]
    current, base = graph.value(comparison, BG.about), graph.value(comparison, BG.comparedWith)
    assert str(current).endswith("/row/4/final-accounts") and str(base).endswith("/row/4/budget")
    assert (graph.value(current, BG.amount), graph.value(base, BG.amount)) == (Literal(Decimal("45.36")), Literal(Decimal("45.33")))


def test_budget_against_final_accounts_by_line_in_one_document(tmp_path: Path) -> None:
    document = tmp_path / "only-compared.txt"
    document.write_text(f"{HEADING}\n{COMPARED}", encoding="utf-8")  # the only table of its kind
    store = EmbeddedStore()
    ingest(document, store, BASE)
    rows = [r for r in library.run(store, library.queries()["execution-rate-by-line"]) if r["table"] == "一般公共预算支出情况表"]
    assert [(r["line"], r["budget"], r["final"], r["ratePercent"]) for r in rows] == [
        ("201", Decimal("710"), Decimal("702.44"), Decimal("98.94")),
        ("208", Decimal("84.67"), Decimal("84.67"), Decimal("100")),
        ("221", Decimal("45.33"), Decimal("45.36"), Decimal("100.07")),
        ("合计", Decimal("840"), Decimal("832.47"), Decimal("99.1")),
    ]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("科目编码\t科目名称\t决算数\t比上年增长%", "compares a row's amounts of two phases or years"),
        ("科目编码\t科目名称\t决算数\t决算数为预算数的%", "compares a row's amounts of two phases or years"),
        ("科目编码\t科目名称\t预算数\t决算数\t比上年增长%", "compares with the year before, which the table does not print"),
    ],
)
def test_a_comparison_with_an_amount_the_table_does_not_print_is_reported_unread(tmp_path: Path, header: str, reason: str) -> None:
    figures = "\t840.00" * (header.count("\t") - 3)
    table = f"\n{TITLE}\n\n单位：万元\n\n{header}\n\t合计{figures}\t832.47\t99.10\n201\t一般公共服务支出{figures}\t702.44\t98.94\n"
    read = read_document(_document(tmp_path, table))
    assert [t.title for t in read.tables] == ["一般公共预算财政拨款收入支出决算表"]
    (unread,) = read.unread
    assert (unread.kind, unread.title) == (TableKind.GENERAL_BUDGET_EXPENDITURE, TITLE)
    assert reason in unread.reason


def test_a_document_whose_only_table_is_unread_keeps_the_unit_it_prints(tmp_path: Path) -> None:
    document = tmp_path / "only-compared.txt"
    refused = f"\n{TITLE}\n\n单位：元\n\n科目编码\t科目名称\t决算数\t比上年增长%\n\t合计\t832.47\t9.10\n"
    document.write_text(f"{HEADING}\n{refused}", encoding="utf-8")
    read = read_document(document)
    assert (read.tables, len(read.unread), read.amount_unit) == ((), 1, "元")


def test_last_years_amounts_are_observations_of_their_own_year_and_phase(tmp_path: Path) -> None:
    read = read_document(BESIDE_LAST_YEAR)
    summary, general = read.tables
    assert {(r.year, r.phase) for r in summary.rows} == {(2023, Phase.BUDGET), (None, Phase.BUDGET)}
    assert {(r.year, r.phase) for r in general.rows} == {(2023, Phase.EXECUTION), (None, Phase.BUDGET)}
    last_year = next(r for r in summary.rows if r.label == "一般公共服务支出" and r.year == 2023)
    assert [(c.column, c.measure, str(c.amount)) for c in last_year.cells] == [("上年预算数/总计", "total", "700.00")]
    (growth,) = next(r for r in general.rows if r.label == "合计" and r.year is None).comparisons
    assert (growth.kind, growth.value, growth.base_year, growth.base_phase) == (ClaimKind.GROWTH, Decimal("2.44"), 2023, Phase.EXECUTION)
    graph = map_document(read, BASE).graph
    (executed,) = [o for o in graph.subjects(BG.phase, BG["phase-execution"]) if str(o).endswith("/table/2/row/2/2023/execution")]
    assert graph.value(executed, BG.fiscalYear) == Literal("2023", datatype=XSD.gYear)
    assert graph.value(executed, BG.amount) == Literal(Decimal("705.00"))
    assert validate(map_document(read, BASE)).findings == ()
    wrong = tmp_path / BESIDE_LAST_YEAR.name
    wrong.write_text(BESIDE_LAST_YEAR.read_text(encoding="utf-8").replace("\t12.89", "\t12.98"), encoding="utf-8")
    (finding,) = validate(map_document(read_document(wrong), BASE)).findings
    assert finding.message == (
        "一般公共预算支出情况表 row 3 (社会保障和就业支出), column 比上年增减%: prints 12.98, but (84.67 − 75) / 75 × 100 = 12.89 (at the 2 decimals printed)"
    )


def test_the_year_befores_columns_change_no_answer_of_the_library(tmp_path: Path) -> None:
    """Every library query answers a document the same with or without the columns of the year before: they are
    amounts of 2023, not of the document's 2024. (But the one that lists them, amounts-by-year-and-phase.)"""
    text = BESIDE_LAST_YEAR.read_text(encoding="utf-8")
    without = tmp_path / "without-last-year.txt"
    without.write_text("\n".join(_without_columns(line) for line in text.split("\n")), encoding="utf-8")
    answers = []
    for path in (BESIDE_LAST_YEAR, without):
        store = EmbeddedStore()
        ingest(path, store, BASE)
        answers.append({name: library.run(store, query) for name, query in library.queries().items() if name != "amounts-by-year-and-phase"})
    assert answers[0] == answers[1]
    assert answers[0]["totals-by-district-year"] and answers[0]["expenditure-by-level"]  # the document was answered at all


def _without_columns(line: str) -> str:
    """A line of the fixture without its year-before columns: the 3rd of both tables, the 5th of the second."""
    cells = line.split("\t")
    if len(cells) == 6:
        return "\t".join(cells[:2] + cells[3:])
    if len(cells) == 5:
        return "\t".join(cells[:2] + cells[3:4])
    return line


def test_a_documents_years_and_phases_side_by_side_line_by_line() -> None:
    store = EmbeddedStore()
    ingest(BESIDE_LAST_YEAR, store, BASE)
    rows = library.run(store, library.queries()["amounts-by-year-and-phase"])
    general = [(r["line"], r["year"], str(r["phase"]).rsplit("-", 1)[-1], r["amount"]) for r in rows if r["table"] == "一般公共预算支出情况表"]
    assert general == [
        ("合计", 2023, "execution", Decimal("820")), ("合计", 2024, "budget", Decimal("840")),
        ("201", 2023, "execution", Decimal("705")), ("201", 2024, "budget", Decimal("710")),
        ("208", 2023, "execution", Decimal("75")), ("208", 2024, "budget", Decimal("84.67")),
        ("221", 2023, "execution", Decimal("40")), ("221", 2024, "budget", Decimal("45.33")),
    ]
    assert {r["table"] for r in rows} == {"一般公共预算支出情况表", "部门支出总体情况表"}
    (dataset,) = {r["dataset"] for r in rows}
    assert library.run(store, library.queries()["amounts-by-year-and-phase"], {"dataset": dataset}) == rows
