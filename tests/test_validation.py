"""The SHACL report: the seed's genuine inconsistencies, and nothing else; each constraint fires on a mutation."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.validation import validate
from budgetgraph.validation.shacl import sparql_constraints, validate_with_pyshacl
from conftest import BASE, SEED

SHAPES = "https://w3id.org/budgetgraph/shapes#"


def test_seed_warnings_are_the_genuine_inconsistencies(seed_rdf: MappedDocument) -> None:
    report = validate(seed_rdf)
    assert report.conforms
    assert report.of_severity("Violation") == []
    assert sorted(f.message for f in report.findings) == sorted([
        "narrative, line 95: 收入 增长 38.4% but 120.82 / (435.02 − 120.82) = 38.5% (rounded to the 1 decimals stated)",
        "narrative, line 95: 支出 增长 38.4% but 120.82 / (435.02 − 120.82) = 38.5% (rounded to the 1 decimals stated)",
        "narrative, line 111: 一般公共预算收支预算 增长 38.4% but 120.82 / (435.02 − 120.82) = 38.5% (rounded to the 1 decimals stated)",
        "narrative, line 117: 卫生健康支出 占 2.8% but 12.6 / 435.02 = 2.9% (rounded to the 1 decimals stated)",
        "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 项目支出 252.08 ≠ the sum of its parts 90.38",
        "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 一般性项目 90.38 万元 ≠ 2021年部门支出总体情况表 合计 一般性项目 92.98 万元",
    ])
    assert {f.severity for f in report.findings} == {"Warning"}


def _mutated(tmp_path: Path, old: str, new: str) -> MappedDocument:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path = tmp_path / "mutated.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return map_document(read_document(path), BASE)


@pytest.mark.parametrize(
    ("old", "new", "shape", "message"),
    [
        # 一般公共预算支出情况表 row 201 03 01: 总计 46.64 → 46.65 breaks 总计 = 基本 + 项目 and the unit and table sums.
        ("2021年一般公共预算支出情况表", None, None, None),
    ][:0]
    + [
        ("住房公积金\t3.63\t3.63\t3.63", "住房公积金\t3.64\t3.63\t3.63", "RowTotalShape",
         "2021年部门支出总体情况表 row 14 (住房公积金): 总计 3.64 ≠ 基本支出 + 项目支出 = 3.63"),
        ("住房公积金\t3.63\t3.63\t3.63", "住房公积金\t3.63\t3.63\t3.53", "RowPartsShape",
         "2021年部门支出总体情况表 row 14 (住房公积金): 基本支出 3.63 ≠ the sum of its parts 3.53"),
        ("30202\t印刷费\t3.40", "30202\t印刷费\t3.50", "TableTotalShape",
         "2021年机关运行经费 row 1 (合计): 金额 218.83 ≠ the sum of the table's lines 218.93"),
        ("社会保障和就业支出 16.99 万元，占 4%", "社会保障和就业支出 16.99 万元，占 5%", "NarrativeShareShape",
         "narrative, line 117: 社会保障和就业支出 占 5% but 16.99 / 435.02 = 4% (rounded to the 0 decimals stated)"),
        ("专项收入\t\t四、公共安全\t", "专项收入\t\t四、公共安全\t1.00", "TableTotalShape",
         "2021年财政拨款收支总体情况表 row 31 (支出合计): 总计 435.02 ≠ the sum of the table's lines 436.02"),
    ],
)
def test_each_constraint_fires_on_its_mutation(tmp_path: Path, old: str, new: str, shape: str, message: str) -> None:
    seed_findings = {f.message for f in validate(map_document(read_document(SEED), BASE)).findings}
    new_findings = [f for f in validate(_mutated(tmp_path, old, new)).findings if f.message not in seed_findings]
    assert message in [f.message for f in new_findings if f.shape == SHAPES + shape]


def test_unit_subtotal_constraint(tmp_path: Path) -> None:
    mapped = _mutated(tmp_path, "208\t05\t06\t106001\t机关事业单位职业年金缴费支出\t0.61\t0.61\t0.61", "208\t05\t06\t106001\t机关事业单位职业年金缴费支出\t0.71\t0.71\t0.71")
    messages = [f.message for f in validate(mapped).findings if f.shape == SHAPES + "UnitSubtotalShape"]
    assert "2021年部门支出总体情况表 row 2 (洛阳市西工区行政服务中心): 总计 335.29 ≠ the sum of the unit's lines 335.39" in messages


def test_a_structural_violation_blocks_the_load(seed_rdf: MappedDocument) -> None:
    from rdflib import Literal

    from budgetgraph.mapping.uris import BG

    graph = seed_rdf.graph.__class__()
    graph += seed_rdf.graph
    row = next(graph.subjects(BG.rowNumber, None))
    graph.set((row, BG.unit, Literal("美元")))
    broken = MappedDocument(seed_rdf.dataset, seed_rdf.graph_name, graph, seed_rdf.shared)
    report = validate(broken)
    assert not report.conforms
    assert [f.focus for f in report.of_severity("Violation")] == [str(row)]


def test_store_engine_agrees_with_pyshacl_on_the_seed(seed_rdf: MappedDocument) -> None:
    """pySHACL, evaluating every shape itself, is the reference for the set-at-a-time SPARQL engine."""
    assert len(sparql_constraints()) == 13
    fast = validate(seed_rdf)
    reference = validate_with_pyshacl(seed_rdf)
    key = lambda f: (f.focus, f.severity, f.shape, f.message)  # noqa: E731
    assert sorted(map(key, fast.findings)) == sorted(map(key, reference.findings))
