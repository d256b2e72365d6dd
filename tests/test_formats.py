"""One document, several formats: the seed parses to the same records from its text and from its XLSX, XLS, DOCX,
HTML and PDF renderings (tests/data/make_fixtures.py), every figure with the location its own format gives."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from budgetgraph.ingest import read_document
from budgetgraph.ingest.sentences import states_figure
from budgetgraph.records import BudgetDocument
from conftest import SEED

DATA = Path(__file__).parent / "data"
XLSX = DATA / "seed.xlsx"
RENDERINGS = {
    "seed.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "seed.xls": "application/vnd.ms-excel",
    "seed.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "seed.html": "text/html",
    "seed.pdf": "application/pdf",
    "seed-unruled.pdf": "application/pdf",
}
PLACE = {"location", "line", "page", "source", "sentence", "start", "end"}


def _content(document: BudgetDocument) -> object:
    """The records without where they were read (lines of a text file, rows of a sheet), and of the explanatory
    text its claims and the sentences that state a figure: formats break the text around the tables differently
    (a PDF keeps the stray unit lines and header fragments of tables it did not recognise as prose)."""
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in PLACE}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value
    content = strip(asdict(document))
    content["sentences"] = [sentence.text for sentence in document.sentences if states_figure(sentence)]  # type: ignore[index]
    return content


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_each_rendering_reads_as_the_text(seed: BudgetDocument, name: str) -> None:
    rendering = read_document(DATA / name)
    assert rendering.source.media_type == RENDERINGS[name]
    assert _content(rendering) == _content(seed)


def test_xlsx_locations_name_sheet_and_row() -> None:
    workbook = read_document(XLSX)
    first = workbook.tables[0]
    cell = first.rows[0].cells[0]
    assert (cell.location.page, cell.location.line, cell.location.column, str(cell.amount)) == (2, 6, "总计", "435.02")


def test_pdf_locations_name_page_and_line() -> None:
    printed = read_document(DATA / "seed.pdf")
    first = printed.tables[0]
    cell = first.rows[0].cells[0]
    assert (cell.location.page, str(cell.amount)) == (3, "435.02")
    pages = [table.rows[-1].cells[0].location.page for table in printed.tables if table.rows and table.rows[-1].cells]
    assert pages == sorted(pages) and pages[-1] > 3  # the pages each table ends on, in order


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    import zipfile

    from budgetgraph.errors import BudgetgraphError

    archive = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    with pytest.raises(BudgetgraphError, match="budget.xlsx.*application/zip documents are not supported yet"):
        read_document(archive)
    assert SEED.exists()


def test_html_spans_keep_cells_in_their_columns() -> None:
    from budgetgraph.ingest.html import read_html

    page = """<html><head><title>ignored</title><script>var x = "<td>1</td>";</script></head><body>
    <p>2022年部门支出总体情况表</p><table>
      <tr><td rowspan="2">科目编码</td><td colspan="2">基本支出</td></tr>
      <tr><td>小计</td><td>工资福利支出</td></tr>
      <tr><td>201</td><td>1,234.50</td><td>&lt;b&gt;</td></tr>
    </table></body></html>"""
    assert [line.cells for line in read_html(page)] == [
        ("2022年部门支出总体情况表",),
        ("科目编码", "基本支出", ""),
        ("", "小计", "工资福利支出"),
        ("201", "1,234.50", "<b>"),
    ]


VARIANTS = DATA / "variants" / "synthetic-variants-2023-final"  # 合成: 千元, negatives, names indented (variants/SOURCE.md)
GENERAL_BUDGET = DATA / "variants" / "synthetic-general-budget-income-expenditure-2023-final"  # 合成: 永川-style 决算 table
SUFFIXES = (".xlsx", ".xls", ".docx", ".html", ".pdf", "-unruled.pdf")


@pytest.mark.parametrize("stem, suffix", [(stem, suffix) for stem in (VARIANTS, GENERAL_BUDGET) for suffix in SUFFIXES])
def test_each_rendering_of_the_variants_reads_as_the_text(stem: Path, suffix: str) -> None:
    """The indentation survives as a cell's indent (XLSX), its leading full-width spaces (XLS, DOCX, HTML), or
    where a PDF's words start in the name column (ruled or not): every rendering gives the text's levels and
    parents, and the nested headers of the 一般公共预算财政拨款收入支出决算表 their columns."""
    assert _content(read_document(stem.parent / (stem.name + suffix))) == _content(read_document(stem.with_suffix(".txt")))
