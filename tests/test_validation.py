"""The SHACL report: the seed's genuine inconsistencies, and nothing else; each constraint fires on a mutation."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph

from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.mapping.triples import Triples
from budgetgraph.validation import Finding, ValidationReport, validate
from budgetgraph.validation.shacl import sparql_constraints, validate_with_pyshacl
from conftest import BASE, CORPUS, ROOT, SEED, needs_corpus

SHAPES = "https://w3id.org/budgetgraph/shapes#"
INCONSISTENT = Path(__file__).parent / "data" / "inconsistent-budget.txt"
SHARES = "主要用于以下方面：一般公共服务(类)支出394.40万元，占90.7%；社会保障和就业支出16.99万元，占4%；卫生健康支出12.6万元，占2.8%；住房保障（类）支出11.03万元，占2.5%。"


def test_seed_warnings_are_the_genuine_inconsistencies(seed_rdf: MappedDocument) -> None:
    report = validate(seed_rdf)
    assert report.conforms
    assert report.of_severity("Violation") == []
    assert sorted(f.message for f in report.findings) == sorted([
        "第二部分 > 一、收入支出预算总体情况说明 (line 101): “西工区政数局2021年收入总计435.02万元，支出总计435.02万元，与2020年预算相比，收入增加120.82万元，增长38.4%。”"
        " states 收入 38.4%, but 120.82 / (435.02 − 120.82) = 38.5% (at the 1 decimals stated)",
        "第二部分 > 一、收入支出预算总体情况说明 (line 101): “主要原因：去年大数据局刚成立，无正式人员，因此无预算；支出增加120.82万元，增长38.4%。”"
        " states 支出 38.4%, but 120.82 / (435.02 − 120.82) = 38.5% (at the 1 decimals stated)",
        "第二部分 > 四、财政拨款收入支出预算总体情况说明 (line 113): “与2020年相比，一般公共预算收支预算增加120.82万元，增长38.4%，主要原因：去年大数据局刚成立，无正式人员，因此无基本预算；"
        "政府性基金收支预算增加0万元，增长0%。” states 一般公共预算收支预算 38.4%, but 120.82 / (435.02 − 120.82) = 38.5% (at the 1 decimals stated)",
        f"第二部分 > 五、一般公共预算支出预算情况说明 (line 119): “{SHARES}” states 卫生健康支出 占 2.8%, but 12.6 / 435.02 = 2.9% (at the 1 decimals stated)",
        "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 项目支出 252.08 ≠ the sum of its parts 90.38",
        "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 一般性项目 90.38 万元 ≠ 2021年部门支出总体情况表 合计 一般性项目 92.98 万元",
    ])
    assert {f.severity for f in report.findings} == {"Warning"}


def _with_graph(mapped: MappedDocument, graph: Graph) -> MappedDocument:
    """The mapped document with its own graph replaced."""
    triples = Triples()
    for triple in graph:
        triples.add(triple)
    return replace(mapped, triples=triples, _ntriples={})


def _mutated(tmp_path: Path, old: str, new: str) -> MappedDocument:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path = tmp_path / "mutated.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return map_document(read_document(path), BASE)


# One number changed in the seed, and every finding it adds: the constraint aimed at, with both figures, and
# the others the same change necessarily breaks (a row that no longer adds up also breaks its table's total).
MUTATIONS = [
    ("住房公积金\t3.63\t3.63\t3.63", "住房公积金\t3.73\t3.63\t3.63", {
        ("RowTotalShape", "2021年部门支出总体情况表 row 14 (住房公积金): 总计 3.73 ≠ 基本支出 + 项目支出 = 3.63"),
        ("TableTotalShape", "2021年部门支出总体情况表 row 1 (合计): 总计 435.02 ≠ the sum of the table's lines 435.12"),
        ("UnitSubtotalShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 总计 99.73 ≠ the sum of the unit's lines 99.83"),
    }),
    ("住房公积金\t3.63\t3.63\t3.63", "住房公积金\t3.63\t3.63\t3.53", {
        ("RowPartsShape", "2021年部门支出总体情况表 row 14 (住房公积金): 基本支出 3.63 ≠ the sum of its parts 3.53"),
        ("TableTotalShape", "2021年部门支出总体情况表 row 1 (合计): 工资福利支出 170.01 ≠ the sum of the table's lines 169.91"),
        ("UnitSubtotalShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 工资福利支出 53.49 ≠ the sum of the unit's lines 53.39"),
    }),
    # 0.01 more on a consistent row: the sums above it are off by no more than rounding of 万元 figures can explain.
    ("住房公积金\t3.63\t3.63\t3.63", "住房公积金\t3.64\t3.64\t3.64", {
        ("TableTotalRoundingShape", "2021年部门支出总体情况表 row 1 (合计): 基本支出 182.94 ≠ the sum of the table's lines 182.95, within the rounding of 10 figures in 万元 (at most 0.055)"),
        ("TableTotalRoundingShape", "2021年部门支出总体情况表 row 1 (合计): 工资福利支出 170.01 ≠ the sum of the table's lines 170.02, within the rounding of 9 figures in 万元 (at most 0.05)"),
        ("TableTotalRoundingShape", "2021年部门支出总体情况表 row 1 (合计): 总计 435.02 ≠ the sum of the table's lines 435.03, within the rounding of 11 figures in 万元 (at most 0.06)"),
        ("UnitSubtotalRoundingShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 基本支出 59.03 ≠ the sum of the unit's lines 59.04, within the rounding of 4 figures in 万元 (at most 0.025)"),
        ("UnitSubtotalRoundingShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 工资福利支出 53.49 ≠ the sum of the unit's lines 53.5, within the rounding of 4 figures in 万元 (at most 0.025)"),
        ("UnitSubtotalRoundingShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 总计 99.73 ≠ the sum of the unit's lines 99.74, within the rounding of 5 figures in 万元 (at most 0.03)"),
    }),
    ("30202\t印刷费\t3.40", "30202\t印刷费\t3.50", {
        ("TableTotalShape", "2021年机关运行经费 row 1 (合计): 金额 218.83 ≠ the sum of the table's lines 218.93"),
    }),
    # A finding quotes its sentence: the 卫生健康 share's finding, already there, now quotes the changed sentence.
    ("社会保障和就业支出 16.99 万元，占 4%", "社会保障和就业支出 16.99 万元，占 5%", {
        ("ClaimShareShape", f"第二部分 > 五、一般公共预算支出预算情况说明 (line 119): “{SHARES.replace('占4%', '占5%')}” states 社会保障和就业支出 占 5%, but 16.99 / 435.02 = 4% (at the 0 decimals stated)"),
        ("ClaimShareShape", f"第二部分 > 五、一般公共预算支出预算情况说明 (line 119): “{SHARES.replace('占4%', '占5%')}” states 卫生健康支出 占 2.8%, but 12.6 / 435.02 = 2.9% (at the 1 decimals stated)"),
    }),
    ("专项收入\t\t四、公共安全\t", "专项收入\t\t四、公共安全\t1.00", {
        ("TableTotalShape", "2021年财政拨款收支总体情况表 row 31 (支出合计): 总计 435.02 ≠ the sum of the table's lines 436.02"),
    }),
    ("113001\t洛阳市西工区政务服务和大数据管理局\t99.73", "113001\t洛阳市西工区政务服务和大数据管理局\t99.83", {
        ("RowTotalShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 总计 99.83 ≠ 基本支出 + 项目支出 = 99.73"),
        ("UnitSubtotalShape", "2021年部门支出总体情况表 row 9 (洛阳市西工区政务服务和大数据管理局): 总计 99.83 ≠ the sum of the unit's lines 99.73"),
        ("UnitsTotalShape", "2021年部门支出总体情况表 row 1 (合计): 总计 435.02 ≠ the sum of the budget units 435.12"),
    }),
    ("435.02\t182.94\t170.01\t12.93", "435.02\t182.95\t170.01\t12.93", {
        ("AgreementTotalShape", "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 基本支出 182.95 万元 ≠ 2021年部门支出总体情况表 合计 基本支出 182.94 万元"),
        ("RowPartsShape", "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 基本支出 182.95 ≠ the sum of its parts 182.94"),
        ("RowTotalShape", "西工区部门（单位）整体支出绩效目标申报审批表 row 6 (支出预算): 总计 435.02 ≠ 基本支出 + 项目支出 = 435.03"),
    }),
    ("机关运行经费支出预算218.83万元", "机关运行经费支出预算218.93万元", {
        ("ClaimAmountShape", "第二部分 > 十、其他重要事项情况说明 > （一）机关运行经费支出情况 (line 149): “西工区政数局2021年机关运行经费支出预算218.93万元，主要保障机构正常运转及正常履职需要。”"
         " states 机关运行经费支出预算 218.93 万元, but 2021年机关运行经费 row 合计 prints 218.83 万元 (218.83 万元 at the 2 decimals stated)"),
    }),
]


@pytest.mark.parametrize(("old", "new", "expected"), MUTATIONS, ids=[m[1][:24] for m in MUTATIONS])
def test_a_changed_number_adds_exactly_its_findings(tmp_path: Path, seed_rdf: MappedDocument, old: str, new: str, expected: set[tuple[str, str]]) -> None:
    before = {f.message for f in validate(seed_rdf).findings}
    added = {(f.shape.removeprefix(SHAPES), f.message) for f in validate(_mutated(tmp_path, old, new)).findings if f.message not in before}
    assert added == expected


def test_the_inconsistent_fixture_breaks_each_constraint_where_planted() -> None:
    """tests/data/inconsistent-budget.txt (synthetic) plants one error per rule; the report names each."""
    report = validate(map_document(read_document(INCONSISTENT), BASE))
    by_shape: dict[str, list[str]] = {}
    for finding in report.findings:
        by_shape.setdefault(finding.shape.removeprefix(SHAPES), []).append(finding.message)
    assert by_shape["ClassHierarchyShape"] == [
        "2022年一般公共预算支出情况表 row 2 (201 一般公共服务支出): 一般性项目 22 ≠ the sum of its lines 20",
        "2022年一般公共预算支出情况表 row 2 (201 一般公共服务支出): 总计 82 ≠ the sum of its lines 80",
        "2022年一般公共预算支出情况表 row 2 (201 一般公共服务支出): 项目支出 22 ≠ the sum of its lines 20",
    ]
    assert by_shape["AgreementLineShape"] == [
        "2022年财政拨款收支总体情况表 row 1 (201 一、一般公共服务): 一般公共预算 80 万元 ≠ 2022年一般公共预算支出情况表, lines under 201: 总计 82 万元"
    ]
    assert by_shape["AgreementTotalShape"] == ["2022年财政拨款收支总体情况表 row 3 (收入合计): 金额 101 万元 ≠ 2022年财政拨款收支总体情况表 支出合计 总计 100 万元"]
    assert by_shape["FunctionalCodeShape"] == ["2022年一般公共预算支出情况表 row 6 (不存在的类): 299 is not a 类 or 款 of the 2022 支出功能分类科目"]
    classes = "主要用于以下方面：一般公共服务(类)支出80.00万元，占80.0%；社会保障和就业支出21.00万元，占21.0%。"
    assert sorted(by_shape["ClaimAmountShape"]) == [
        f"(no heading) (line 6): “{classes}” states 一般公共服务(类)支出 80 万元, but 2022年一般公共预算支出情况表 row 一般公共服务支出 prints 82 万元 (82 万元 at the 2 decimals stated)",
        f"(no heading) (line 6): “{classes}” states 社会保障和就业支出 21 万元, but 2022年财政拨款收支总体情况表 row 八、社会保障和就业 prints 20 万元 (20 万元 at the 2 decimals stated)",
        "(no heading) (line 7): “一般公共预算收支预算101.00万元。” states 一般公共预算收支预算 101 万元, but 2022年一般公共预算支出情况表 row 合计 prints 100 万元 (100 万元 at the 2 decimals stated)",
        "(no heading) (line 7): “测试局2022年机关运行经费支出预算10.00万元。” states 机关运行经费支出预算 10 万元, but 2022年机关运行经费 row 合计 prints 11 万元 (11 万元 at the 2 decimals stated)",
    ]
    assert by_shape["PrintedComparisonShape"] == ["2022年国有资本经营预算支出情况表 row 2 (其他社会保障和就业支出), column 增减额: prints -3.00, but 10 − 12 = -2 (at the 2 decimals printed)"]
    assert by_shape["UnreadTableShape"] == ["2022年政府性基金支出情况表 (line 69) was recognised but not read: unknown column header '神秘列' in 2022年政府性基金支出情况表"]
    assert report.conforms


def test_the_validation_store_is_rebuilt_and_reports_the_same(seed_rdf: MappedDocument, monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-memory store keeps what it removes, so it is built anew once enough has been removed; the
    documents validated after a rebuild (their code lists loaded again) get the same report as before it."""
    from budgetgraph.validation import shacl

    inconsistent = map_document(read_document(INCONSISTENT), BASE)
    first = [validate(seed_rdf), validate(inconsistent)]
    monkeypatch.setattr(shacl._Scratch, "REMOVED_QUADS_BEFORE_REBUILD", 1000)
    stores = []
    for _ in range(3):
        assert [validate(seed_rdf), validate(inconsistent)] == first
        stores.append(shacl._SCRATCH.store)
        assert shacl._SCRATCH.removed <= 1000 + len(seed_rdf.triples) + len(inconsistent.triples)
    assert len({id(store) for store in stores}) == 3


def test_documents_validated_from_several_threads_at_once_get_their_own_reports(seed_rdf: MappedDocument) -> None:
    """Each calling thread (the service's, say) validates in a store of its own: no report takes another's findings."""
    documents = [seed_rdf, map_document(read_document(INCONSISTENT), BASE)] * 4
    alone = [validate(document) for document in documents]
    assert len({report.findings for report in alone}) == 2
    with ThreadPoolExecutor(4) as callers:
        assert list(callers.map(validate, documents)) == alone


def test_a_structural_violation_blocks_the_load(seed_rdf: MappedDocument) -> None:
    from rdflib import Literal

    from budgetgraph.mapping.uris import BG

    graph = seed_rdf.graph.__class__()
    graph += seed_rdf.graph
    row = next(graph.subjects(BG.rowNumber, None))
    graph.set((row, BG.unit, Literal("美元")))
    broken = _with_graph(seed_rdf, graph)
    report = validate(broken)
    assert not report.conforms
    assert [f.focus for f in report.of_severity("Violation")] == [str(row)]


def test_store_engine_agrees_with_pyshacl() -> None:
    """pySHACL, evaluating every shape itself, is the reference for the set-at-a-time SPARQL engine. The fixture
    breaks every constraint at least once; pySHACL needs over a minute for it (it re-runs each constraint's
    subqueries per focus node), so the real documents are compared by count in the benchmarks instead."""
    mapped = map_document(read_document(INCONSISTENT), BASE)
    fast = validate(mapped)
    # the shapes of figures read by OCR need a scan: tests/test_scanned_pdfs.py compares them with pySHACL
    planted = {c.shape.removeprefix(SHAPES) for c in sparql_constraints() if "Rounding" not in c.shape and "Figure" not in c.shape}
    assert {f.shape.removeprefix(SHAPES) for f in fast.findings} == planted
    reference = validate_with_pyshacl(mapped)
    assert sorted(map(_comparable, fast.findings)) == sorted(map(_comparable, reference.findings))


def _comparable(finding: Finding) -> tuple[str, str, str, str]:
    """rdflib prints a decimal as published (21.00), pyoxigraph canonically (21): compare numbers by value."""
    message = re.sub(r"\d+(\.\d+)?", lambda m: str(Decimal(m.group(0)).normalize()), finding.message)
    return (finding.focus, finding.severity, finding.shape, message)


def test_a_query_lists_the_documents_with_warnings_and_their_largest_gap() -> None:
    from decimal import Decimal

    from budgetgraph.pipeline import ingest
    from budgetgraph.store import EmbeddedStore
    from conftest import ROOT

    store = EmbeddedStore()
    for path in (SEED, INCONSISTENT):
        ingest(path, store, BASE)
    query = (ROOT / "queries" / "documents-with-warnings.rq").read_text(encoding="utf-8")
    rows = [(s["title"].value, int(s["warnings"].value), Decimal(s["largestGap"].value)) for s in store.query(query)]
    assert rows == [
        ("洛阳市西工区测试局 部门 2022 年度部门预算", 33, Decimal("10")),  # completion: 90% stated, 80% derived
        ("西工区政务服务和大数据局 部门 2021 年度部门预算", 6, Decimal("161.70")),  # 项目支出 252.08 against its parts 90.38
    ]


def _broken(seed_rdf: MappedDocument) -> MappedDocument:
    """The seed with one break of each SHACL Core component the shapes use."""
    from rdflib import RDFS, BNode, Graph, Literal, URIRef
    from rdflib.namespace import PROV, SKOS, XSD

    from budgetgraph.mapping.uris import BG

    graph = Graph()
    graph += seed_rdf.graph
    rows = sorted(graph.subjects(BG.rowNumber, None))
    graph.remove((rows[0], RDFS.label, None))  # minCount
    graph.add((seed_rdf.dataset, BG.fiscalYear, Literal("2022", datatype=XSD.gYear)))  # maxCount
    graph.set((rows[1], BG.rowNumber, Literal("二")))  # datatype
    graph.set((rows[2], BG.unit, Literal("美元")))  # in
    graph.set((rows[3], PROV.wasDerivedFrom, seed_rdf.dataset))  # class
    graph.set((seed_rdf.dataset, BG.department, Literal("政数局")))  # nodeKind
    source = graph.value(seed_rdf.dataset, BG.sourceDocument)
    graph.set((source, BG.sha256, Literal("not-a-digest")))  # pattern
    # Edge cases of the one-pass core checks: a language-tagged string where xsd:string is required, a literal
    # where a class is, a blank node where an IRI is, an IRI against a pattern, and a triple the document
    # repeats from a shared graph (the union holds it once: no second value for maxCount).
    graph.set((source, BG.fileName, Literal("预算.txt", lang="zh")))  # datatype
    graph.set((rows[4], BG.table, Literal("table 1")))  # class
    graph.set((rows[5], BG.budgetUnit, BNode()))  # nodeKind
    department = graph.value(seed_rdf.dataset, BG.department)
    district = next(s for s, p, _ in seed_rdf.shared[next(n for n in seed_rdf.shared if "/district/" in n)] if p == SKOS.notation)
    graph.add((district, SKOS.notation, URIRef(f"{district}#notation")))  # pattern, on an IRI; maxCount
    graph += [t for t in seed_rdf.shared[next(n for n in seed_rdf.shared if "/department/" in n)] if t[0] == department]
    return _with_graph(seed_rdf, graph)


def _violations(report: ValidationReport) -> list[tuple[str, str, str | None, str]]:
    return sorted((f.focus, f.shape.removeprefix(SHAPES), f.path, f.component.rsplit("#", 1)[1]) for f in report.of_severity("Violation"))


def test_core_checks_agree_with_pyshacl_on_every_component(seed_rdf: MappedDocument) -> None:
    broken = _broken(seed_rdf)
    ours = _violations(validate(broken))
    assert ours == _violations(validate_with_pyshacl(broken, sparql=False))
    assert len(ours) == 12
    assert {component for *_, component in ours} == {
        "MinCountConstraintComponent", "MaxCountConstraintComponent", "DatatypeConstraintComponent", "InConstraintComponent",
        "ClassConstraintComponent", "NodeKindConstraintComponent", "PatternConstraintComponent",
    }


@pytest.mark.parametrize(
    "path", [INCONSISTENT, *sorted((ROOT / "tests" / "data").glob("seed*")), *sorted((ROOT / "data" / "real").glob("*"))], ids=lambda p: p.name
)
def test_core_checks_agree_with_pyshacl_on_every_fixture(path: Path) -> None:
    """Every document fixture, in every format, and the real tables: the same violations (none, all being
    well formed) as pySHACL with the core shapes, validated one after another as a batch is (shared graphs
    stay loaded in the validation store between documents)."""
    mapped = map_document(read_document(path), BASE)
    assert _violations(validate(mapped)) == _violations(validate_with_pyshacl(mapped, sparql=False)) == []


@pytest.mark.parametrize(
    "path",
    [SEED, *(pytest.param(CORPUS / name, marks=needs_corpus) for name in ("putuo-govoffice-2025-budget-dept.pdf", "putuo-finance-2024-final-dept.pdf"))],
    ids=lambda p: p.name,
)
def test_store_engine_agrees_with_pyshacl_on_real_documents(path: Path) -> None:
    """The real documents: the seed (its six warnings), a consistent budget (none), and a 决算 whose rounding
    notes exercise the rounding shapes the planted fixture leaves alone. pySHACL needs about a minute for each."""
    mapped = map_document(read_document(path), BASE)
    fast = validate(mapped)
    assert sorted(map(_comparable, fast.findings)) == sorted(map(_comparable, validate_with_pyshacl(mapped).findings))


@pytest.mark.parametrize(
    ("kind", "code", "measure", "expected"),
    [
        ("income-summary", "2010301", "fiscalGrant", {
            ("ClassHierarchyShape", "2025年部门收入预算总表 row 2 (20103 政府办公厅（室）及相关机构事务): 财政拨款 82096797.42 ≠ the sum of its lines 82096798.42"),
        }),
        ("fiscal-grant-summary", "201", "generalBudget", {
            ("AgreementLineShape", "2025年部门财政拨款收支预算总表 row 1 (201 一、一般公共服务支出): 一般公共预算 82096798.42 元 ≠ 2025年部门一般公共预算支出功能分类预算表, lines under 201: 总计 82096797.42 元"),
            ("TableTotalShape", "2025年部门财政拨款收支预算总表 row 5 (支出总计): 一般公共预算 91016775.35 ≠ the sum of the table's lines 91016776.35"),
        }),
    ],
)
@needs_corpus
def test_one_yuan_more_in_a_consistent_real_document(kind: str, code: str, measure: str, expected: set[tuple[str, str]]) -> None:
    """The Shanghai budget (0 findings) with one figure raised by 1 元: in 元 tables nothing is rounding."""
    from rdflib import Graph, Literal
    from rdflib.namespace import XSD

    from budgetgraph.mapping.uris import BG

    mapped = map_document(read_document(CORPUS / "putuo-govoffice-2025-budget-dept.pdf"), BASE)
    graph = Graph()
    graph += mapped.graph
    row = next(o for o in graph.subjects(BG.code, Literal(code)) if graph.value(graph.value(o, BG.table), BG.tableKind) == BG["table-" + kind])
    graph.set((row, BG[measure], Literal(str(Decimal(str(graph.value(row, BG[measure]))) + 1), datatype=XSD.decimal)))
    found = {(f.shape.removeprefix(SHAPES), f.message) for f in validate(_with_graph(mapped, graph)).findings}
    assert found == expected


def test_generated_consistent_documents_with_class_rows_get_no_findings(tmp_path: Path) -> None:
    """Regression: tables that print 类 and 款 rows above their 项 under each budget unit once made every unit
    subtotal look three times too small. Consistent synthetic documents (benchmarks/generate.py) get no findings."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "benchmarks.generate", "--out", str(tmp_path), "--count", "4", "--class-rows"], cwd=ROOT, check=True, capture_output=True)
    documents = sorted(tmp_path.glob("*.txt"))
    assert len(documents) == 4
    for path in documents:
        report = validate(map_document(read_document(path), BASE))
        assert report.findings == (), path.name
