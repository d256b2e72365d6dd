"""Real published PDFs (../shared/corpus): every table, row and cell against the answer keys checked twice."""

from __future__ import annotations

from dataclasses import replace

import json
from decimal import Decimal

import pytest

from budgetgraph.ingest import read_document
from budgetgraph.normalise import key
from budgetgraph.mapping import map_document
from budgetgraph.records import BudgetDocument, Phase, Table
from budgetgraph.validation import validate

from conftest import CORPUS

if not CORPUS.exists():
    pytest.skip(f"the corpus of real documents is not here: {CORPUS}", allow_module_level=True)
KEYS = sorted((CORPUS / "expected").glob("*.json"))


def _expected_rows(table: dict, side: str) -> list[tuple[str, str, dict[str, Decimal]]]:  # type: ignore[type-arg]
    return [
        (key(r["label"]), r.get("code") or "", {key(k): Decimal(v) for k, v in r["values"].items()})
        for r in table["rows"]
        if r.get("side", "") == side and r["values"]
    ]


def _parsed_rows(table: Table, side: str, columns: set[str]) -> list[tuple[str, str, dict[str, Decimal]]]:
    """Rows as the answer key writes them: a column by its header without the group header over all columns
    (the key's "合计" is our "收入预算/合计"), and no code on two-sided rows (we add the 类 code we recognise)."""
    def column(path: str) -> str:
        parts = key(path).split("/")
        return next("/".join(parts[i:]) for i in range(len(parts)) if "/".join(parts[i:]) in columns or i == len(parts) - 1)
    return [
        (key(r.label), "" if r.side else (r.function_code or r.economic_code or ""), {column(c.column): c.amount for c in r.cells if c.amount is not None})
        for r in table.rows
        if (r.side or "") == side and any(c.amount is not None for c in r.cells)
    ]


@pytest.fixture(scope="module", params=KEYS, ids=lambda p: p.stem)
def case(request: pytest.FixtureRequest) -> tuple[dict, BudgetDocument]:  # type: ignore[type-arg]
    answer = json.loads(request.param.read_text(encoding="utf-8"))
    return answer, read_document(CORPUS / answer["file"])


def test_metadata(case: tuple[dict, BudgetDocument]) -> None:  # type: ignore[type-arg]
    answer, doc = case
    assert doc.department == answer["department"]
    assert doc.scope == answer["scope"]
    assert f"{doc.city}{doc.district}" == answer["district"]
    assert doc.district_code == answer["district_code"]
    assert doc.fiscal_year == answer["fiscal_year"]
    assert doc.phase is Phase(answer["phase"])


def test_tables_cell_by_cell(case: tuple[dict, BudgetDocument]) -> None:  # type: ignore[type-arg]
    answer, doc = case
    assert len(doc.tables) == len(answer["tables"])
    for expected, table in zip(answer["tables"], doc.tables, strict=True):
        assert key(expected["title"]) in key(table.title)
        assert table.unit == expected["unit"]
        assert table.page == expected["pages"][0]
        assert table.is_empty == bool(expected.get("empty"))
        if "note" in expected:
            assert table.notes == (expected["note"],)
        columns = {key(c) for c in expected["columns"]}
        for side in ("收入", "支出") if "side_columns" in expected else ("",):
            assert _parsed_rows(table, side, columns) == _expected_rows(expected, side), (table.title, side)


def test_every_amount_keeps_its_page(case: tuple[dict, BudgetDocument]) -> None:  # type: ignore[type-arg]
    answer, doc = case
    for expected, table in zip(answer["tables"], doc.tables, strict=True):
        pages = {c.location.page for r in table.rows for c in r.cells if c.amount is not None}
        assert pages <= set(expected["pages"]), table.title


def test_consistent_documents_get_no_findings(case: tuple[dict, BudgetDocument]) -> None:  # type: ignore[type-arg]
    """The answer keys found no inconsistency in these documents: neither may budgetgraph."""
    answer, doc = case
    assert answer["inconsistencies"] == []
    report = validate(map_document(doc, "http://127.0.0.1:8000/"))
    assert report.findings == ()


def test_final_accounts_read_every_table_with_phases_and_balances() -> None:
    """The 2024 决算 of 普陀区财政局 (no answer key): every template table is read; the 三公 table's 预算数 and 决算数
    columns become observations of two phases; 本年收入合计 is the year's total and 总计 the grand total."""
    from budgetgraph.records import RowRole, TableKind

    doc = read_document(CORPUS / "putuo-finance-2024-final-dept.pdf")
    assert (doc.department, doc.fiscal_year, doc.phase, doc.district_code) == ("上海市普陀区财政局", 2024, Phase.FINAL_ACCOUNTS, "310107")
    assert doc.unread == ()
    assert [t.kind for t in doc.tables] == [
        TableKind.INCOME_EXPENDITURE_SUMMARY, TableKind.INCOME_SUMMARY, TableKind.EXPENDITURE_SUMMARY,
        TableKind.FISCAL_GRANT_SUMMARY, TableKind.GENERAL_BUDGET_EXPENDITURE, TableKind.GENERAL_BUDGET_BASIC_EXPENDITURE,
        TableKind.THREE_PUBLIC, TableKind.GOVERNMENT_FUND_EXPENDITURE, TableKind.STATE_CAPITAL_EXPENDITURE,
    ]
    three_public = doc.tables_of(TableKind.THREE_PUBLIC)[0]
    assert [(r.phase, {c.measure: c.amount for c in r.cells if c.amount is not None}) for r in three_public.rows] == [
        (Phase.BUDGET, {"total": Decimal("0.95"), "officialReception": Decimal("0.95")}),
        (Phase.FINAL_ACCOUNTS, {}),
    ]
    summary = doc.tables_of(TableKind.INCOME_EXPENDITURE_SUMMARY)[0]
    roles = {(r.side, r.label): (r.role, r.cells[0].amount if r.cells else None) for r in summary.rows if r.role is not RowRole.ITEM}
    assert roles[("收入", "本年收入合计")] == (RowRole.TOTAL, Decimal("2946.25"))
    assert roles[("支出", "本年支出合计")] == (RowRole.TOTAL, Decimal("2940.05"))
    assert roles[("收入", "总计")] == roles[("支出", "总计")] == (RowRole.GRAND_TOTAL, Decimal("2995.39"))
    basic = doc.tables_of(TableKind.GENERAL_BUDGET_BASIC_EXPENDITURE)[0]
    assert {r.economic_code for r in basic.rows} >= {"301", "30101", "302", "30201"}  # both halves of the page


def test_final_accounts_differ_only_by_rounding() -> None:
    """Its tables are in 万元 rounded from 元: the differences found between them are of 0.01 or 0.02, within the
    rounding of the figures summed, and reported as information. (Its text's two errors: tests/test_claims.py.)"""
    full = validate(map_document(read_document(CORPUS / "putuo-finance-2024-final-dept.pdf"), "http://127.0.0.1:8000/"))
    report = replace(full, findings=tuple(f for f in full.findings if f.section is None))
    gaps = {abs(Decimal(f.published) - Decimal(f.derived)) for f in report.findings if f.published and f.derived}
    assert report.conforms and len(report.findings) == 10 and len(full.findings) == 12
    assert gaps <= {Decimal("0.01"), Decimal("0.02")}
    assert {f.severity for f in report.findings} == {"Info"}  # rounding, reported apart from the warnings
    assert {f.shape.rsplit("#", 1)[1] for f in report.findings} == {
        "TableTotalRoundingShape", "ClassHierarchyRoundingShape", "AgreementLineRoundingShape",
    }
