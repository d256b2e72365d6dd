"""Property tests: random valid budget documents (benchmarks/generate.py: random departments, units, functional
lines, amounts, indicators; with and without 类/款 rows) rendered into every format read back as the same records
as their text, and the text reads back as the figures the generator drew."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import Budget, budget, render
from budgetgraph.ingest import read_document
from budgetgraph.records import BudgetDocument, TableKind
from test_formats import _content

sys.path.insert(0, str(Path(__file__).parent / "data"))
import make_fixtures  # noqa: E402  (the renderers of tests/data, beside their fixtures)

RENDERERS = {
    "xlsx": make_fixtures.render_xlsx,
    "xls": make_fixtures.render_xls,
    "docx": make_fixtures.render_docx,
    "html": make_fixtures.render_html,
}
PART_MEASURES = {
    "wages": "wagesAndBenefits", "subsidies": "subsidiesToHouseholds", "goods": "goodsAndServices",
    "general": "generalProjects", "special": "specialProjects",
}
documents = st.builds(lambda index, class_rows: (budget(11, index), class_rows), st.integers(0, 5_000), st.booleans())
many = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read_text(folder: Path, text: str) -> BudgetDocument:
    path = folder / "document.txt"
    path.write_text(text, encoding="utf-8")
    return read_document(path)


@many
@given(drawn=documents)
def test_the_text_reads_as_the_generator_drew_it(tmp_path: Path, drawn: tuple[Budget, bool]) -> None:
    b, class_rows = drawn
    document = _read_text(tmp_path, render(b, class_rows=class_rows))
    assert (document.department, document.fiscal_year, document.district_code) == (b.department.name, b.year, b.department.district.code)
    table = next(t for t in document.tables if t.kind is TableKind.GENERAL_BUDGET_EXPENDITURE)
    leaves = {(row.function_code, row.unit_code): row for row in table.rows if row.function_code and len(row.function_code) == 7}
    assert set(leaves) == {(line.code, line.unit) for line in b.lines}
    for line in b.lines:
        amounts = {cell.measure: cell.amount for cell in leaves[line.code, line.unit].cells if cell.amount is not None}
        drawn_parts = {PART_MEASURES.get(name, name): Decimal(cents) / 100 for name, cents in line.parts if cents}
        assert amounts["total"] == sum(drawn_parts.values())
        assert {m: a for m, a in amounts.items() if m in drawn_parts} == drawn_parts


@many
@given(drawn=documents, form=st.sampled_from(sorted(RENDERERS)))
def test_every_format_reads_as_the_text(tmp_path: Path, drawn: tuple[Budget, bool], form: str) -> None:
    b, class_rows = drawn
    text = render(b, class_rows=class_rows)
    rendered = tmp_path / f"document.{form}"
    RENDERERS[form](rendered, text)
    assert _content(read_document(rendered)) == _content(_read_text(tmp_path, text))


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=documents)
def test_pdf_printed_by_libreoffice_reads_as_the_text(tmp_path: Path, drawn: tuple[Budget, bool], ruled: bool) -> None:
    b, class_rows = drawn
    text = render(b, class_rows=class_rows)
    printed = tmp_path / "document.pdf"
    make_fixtures.render_pdf(printed, text, ruled=ruled)
    assert _content(read_document(printed)) == _content(_read_text(tmp_path, text))
