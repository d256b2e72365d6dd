"""The seed document: every amount cell reaches the records and the graph, on its own row and column."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from budgetgraph.mapping import MappedDocument
from budgetgraph.mapping.uris import BG
from budgetgraph.records import BudgetDocument, Phase, RowRole, TableKind
from conftest import SEED, SHARED_SEED

AMOUNT_CELL = re.compile(r"\d+\.\d{1,2}")


def source_amount_cells() -> list[tuple[int, int, Decimal]]:
    """(line, column, amount) of every amount cell in the annexed tables, read straight from the file."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    annex = max(i for i, line in enumerate(lines) if line.startswith("附件"))
    return [
        (number, column, Decimal(cell.strip()))
        for number, line in enumerate(lines[annex:], start=annex + 1)
        for column, cell in enumerate(line.split("\t"))
        if AMOUNT_CELL.fullmatch(cell.strip())
    ]


@pytest.mark.skipif(not SHARED_SEED.exists(), reason=f"the shared seed is not here: {SHARED_SEED}")
def test_bundled_seed_is_the_shared_seed() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_metadata(seed: BudgetDocument) -> None:
    assert seed.department == "洛阳市西工区政务服务和大数据管理局"
    assert seed.department_code == "113001"
    assert (seed.province, seed.city, seed.district, seed.district_code) == ("河南省", "洛阳市", "西工区", "410303")
    assert seed.fiscal_year == 2021
    assert seed.phase is Phase.BUDGET
    assert seed.amount_unit == "万元"
    assert [(u.code, u.name) for u in seed.budget_units] == [
        ("106001", "洛阳市西工区行政服务中心"),
        ("113001", "洛阳市西工区政务服务和大数据管理局"),
    ]


def test_every_table_is_found_in_order(seed: BudgetDocument) -> None:
    assert [t.kind for t in seed.tables] == [
        TableKind.EXPENDITURE_SUMMARY,
        TableKind.FISCAL_GRANT_SUMMARY,
        TableKind.GENERAL_BUDGET_EXPENDITURE,
        TableKind.THREE_PUBLIC,
        TableKind.GOVERNMENT_FUND_EXPENDITURE,
        TableKind.STATE_CAPITAL_EXPENDITURE,
        TableKind.PERFORMANCE_TARGETS,
        TableKind.OPERATING_COSTS,
    ]
    assert [t.is_empty for t in seed.tables] == [False, False, False, True, True, True, False, False]


def test_182_amount_cells_each_on_its_source_line(seed: BudgetDocument) -> None:
    source = source_amount_cells()
    assert len(source) == 182
    parsed = [(c.location.line, c.amount) for t in seed.tables for r in t.rows for c in r.cells if c.amount is not None]
    assert Counter(parsed) == Counter((line, amount) for line, _, amount in source)
    assert all(a.as_tuple() == b.as_tuple() for (_, a), (_, _, b) in zip(sorted(parsed), sorted(source, key=lambda s: (s[0], s[2]))))


def test_every_amount_is_in_the_graph_on_its_row(seed_rdf: MappedDocument) -> None:
    """Each source line's amounts are exactly the measures of the observation(s) read from that line."""
    g = seed_rdf.graph
    measures = {p for p in g.predicates() if str(p).startswith(str(BG))} & {
        BG[m] for m in ("total", "basicExpenditure", "wagesAndBenefits", "subsidiesToHouseholds", "goodsAndServices",
                        "projectExpenditure", "generalProjects", "specialProjects", "otherProjects", "personnelProjects",
                        "personnelExpenditure", "publicExpenditure", "generalBudget", "fiscalGrant", "amount", "fiscalFunds")
    }
    in_graph: Counter[tuple[int, Decimal]] = Counter()
    for obs, line in g.subject_objects(BG.sourceLine):
        if (obs, None, BG.BudgetObservation) in g or (obs, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), BG.BudgetObservation) in g:
            for measure in measures:
                for value in g.objects(obs, measure):
                    in_graph[(int(line), Decimal(str(value)))] += 1
    assert in_graph == Counter((line, amount) for line, _, amount in source_amount_cells())


def _observation(seed_rdf: MappedDocument, table: int, row: int, side: str = "") -> URIRef:
    return URIRef(f"{seed_rdf.dataset}/table/{table}/row/{row}{side}")


def test_cells_sit_in_their_columns(seed_rdf: MappedDocument) -> None:
    """Hand-read from the seed: row, column, figure."""
    g = seed_rdf.graph
    def value(obs: URIRef, measure: str) -> Literal | None:
        return g.value(obs, BG[measure])
    row_2010350 = _observation(seed_rdf, 3, 3)  # 一般公共预算支出情况表, 201 03 50 事业运行
    assert value(row_2010350, "total") == Literal("307.06", datatype=XSD.decimal)
    assert value(row_2010350, "basicExpenditure") == Literal("95.68", datatype=XSD.decimal)
    assert value(row_2010350, "subsidiesToHouseholds") == Literal("0.08", datatype=XSD.decimal)
    assert value(row_2010350, "personnelProjects") == Literal("135.30", datatype=XSD.decimal)
    assert value(row_2010350, "specialProjects") is None  # printed blank
    assert str(g.value(row_2010350, BG.functionalClass)).endswith("/function/2021/2010350")
    assert str(g.value(row_2010350, BG.budgetUnit)).endswith("/unit/410303/106001")
    health = _observation(seed_rdf, 2, 10, "/expenditure")  # 财政拨款收支总体情况表, 十、卫生健康
    assert value(health, "generalBudget") == Literal("12.60", datatype=XSD.decimal)
    assert str(g.value(health, BG.functionalClass)).endswith("/function/2021/210")
    income = _observation(seed_rdf, 2, 2, "/income")
    assert str(g.value(income, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == "一般公共预算/财政拨款"
    assert value(_observation(seed_rdf, 8, 8), "amount") == Literal("161.70", datatype=XSD.decimal)  # 30226 劳务费
    assert str(g.value(_observation(seed_rdf, 8, 8), BG.economicClass)).endswith("/economic/2018/30226")
    spending = _observation(seed_rdf, 7, 6, "/expenditure")  # 绩效目标表, 单位年度支出预算
    assert value(spending, "personnelExpenditure") == Literal("170.01", datatype=XSD.decimal)
    assert value(spending, "publicExpenditure") == Literal("12.93", datatype=XSD.decimal)
    assert value(spending, "generalProjects") == Literal("90.38", datatype=XSD.decimal)


def test_row_roles(seed: BudgetDocument) -> None:
    table = seed.tables[0]
    assert [r.role for r in table.rows[:3]] == [RowRole.TOTAL, RowRole.UNIT_SUBTOTAL, RowRole.LINE]
    assert table.rows[2].function_code == "2010350"
    assert table.rows[2].unit_code == "106001"


def test_performance_indicators(seed: BudgetDocument) -> None:
    plan = seed.performance
    assert plan is not None and plan.unit_code == "113001"
    assert len(plan.goals) == 5
    assert len(plan.indicators) == 42
    satisfaction = [i for i in plan.indicators if i.level1 == "满意度指标"]
    assert [(i.name, i.target.comparator, i.target.value, i.target.unit) for i in satisfaction] == [
        ("内部办公人员满意度", "≥", Decimal("99"), "%"),
        ("办事群众满意度", "≥", Decimal("95"), "%"),
    ]
    assert Counter(i.level2 for i in plan.indicators)["成本指标"] == 5
    tasks = [r for r in seed.tables[6].rows if r.section == "年度主要工作内容"]
    assert [(r.label, r.amount("total")) for r in tasks] == [
        ("基本支出类", Decimal("182.94")),
        ("保障运转类", Decimal("81.18")),
        ("设备购置类", Decimal("9.2")),
        ("政府购买服务", Decimal("161.7")),
    ]


def test_claims_of_the_explanation(seed: BudgetDocument) -> None:
    shares = {(c.subject, c.value, seed.claims[c.base].subject) for c in seed.claims if c.kind.value == "share" and c.base is not None}
    assert ("卫生健康支出", Decimal("2.8"), "一般公共预算支出") in shares
    assert ("基本支出", Decimal("42.1"), "支出合计") in shares
    classes = {c.function_code: c.value for c in seed.claims if c.function_code}
    assert classes == {"201": Decimal("394.40"), "208": Decimal("16.99"), "210": Decimal("12.6"), "221": Decimal("11.03")}
    growth = next(c for c in seed.claims if c.kind.value == "growth")
    assert (growth.value, growth.base_year, growth.base_phase) == (Decimal("38.4"), 2020, "预算")
    assert seed.claims[growth.base].value == Decimal("120.82") and seed.claims[growth.part].subject == "收入总计"
    sentence = seed.sentences[growth.sentence]
    assert (sentence.section, sentence.location.line) == ("第二部分 > 一、收入支出预算总体情况说明", 101)
