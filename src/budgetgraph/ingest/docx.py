"""Word documents (DOCX): paragraphs and tables in the order the body holds them, into ``Line``s; a table row
is one line whose cells keep their columns (a cell merged across columns is read once, the rest blank)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from budgetgraph.ingest.damaged import parsing
from budgetgraph.ingest.text import Line, cell_text


def read_docx(data: bytes, file: str) -> list[Line]:
    with parsing("DOCX document", file):
        rows = _rows(Document(io.BytesIO(data)))
    return [Line(number, cells) for number, cells in enumerate(rows, start=1) if any(cells)]


def _rows(document: DocxDocument) -> list[tuple[str, ...]]:
    """Paragraphs and table rows; python-docx parses a part's XML when it opens the document, its elements'
    attributes (a span, a merge) when they are read, here."""
    rows: list[tuple[str, ...]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            rows.append((block.text.strip(),))
        elif isinstance(block, DocxTable):
            rows.extend(_table_rows(block))
    return rows


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
