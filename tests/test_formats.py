"""One document, several formats: the seed parses to the same records from its text and from an XLSX rendering
(tests/data/make_fixtures.py), every figure with the location its own format gives."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from budgetgraph.ingest import read_document
from budgetgraph.records import BudgetDocument
from conftest import SEED

XLSX = Path(__file__).parent / "data" / "seed.xlsx"
PLACE = {"location", "line", "page", "source"}


def _content(document: BudgetDocument) -> object:
    """The records without where they were read (lines of a text file, rows of a sheet)."""
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in PLACE}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value
    return strip(asdict(document))


def test_xlsx_rendering_reads_as_the_text(seed: BudgetDocument) -> None:
    workbook = read_document(XLSX)
    assert workbook.source.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert _content(workbook) == _content(seed)


def test_xlsx_locations_name_sheet_and_row() -> None:
    workbook = read_document(XLSX)
    first = workbook.tables[0]
    cell = first.rows[0].cells[0]
    assert (cell.location.page, cell.location.line, cell.location.column, str(cell.amount)) == (2, 6, "总计", "435.02")


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    import zipfile

    import pytest

    from budgetgraph.errors import BudgetgraphError

    archive = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    with pytest.raises(BudgetgraphError, match="budget.xlsx.*application/zip documents are not supported yet"):
        read_document(archive)
    assert SEED.exists()
