"""Word documents (DOCX): paragraphs and tables in the order the body holds them, into ``Line``s; a table row
is one line whose cells keep their columns (a cell merged across columns is read once, the rest blank)."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest.text import Line, cell_text


def read_docx(data: bytes, file: str) -> list[Line]:
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BudgetgraphError(f"not a readable DOCX document: {error}", file=file) from error
    rows: list[tuple[str, ...]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            rows.append((block.text.strip(),))
        elif isinstance(block, DocxTable):
            rows.extend(_table_rows(block))
    return [Line(number, cells) for number, cells in enumerate(rows, start=1) if any(cells)]


def _table_rows(table: DocxTable) -> list[tuple[str, ...]]:
    found = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            cells.append("" if cell._tc is previous else cell_text(cell.text))
            previous = cell._tc
        found.append(tuple(cells))
    return found
