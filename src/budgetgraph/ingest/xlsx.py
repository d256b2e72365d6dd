"""Excel workbooks (XLSX): every sheet row by row, cells in their columns, into the same ``Line`` stream the
text and PDF readers make. A sheet is a "page": locations read "page 3, line 12" for sheet 3, row 12."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from budgetgraph.ingest.damaged import parsing
from budgetgraph.ingest.text import Line, cell_text

DECIMALS = re.compile(r"\.(0+)")


def read_xlsx(data: bytes, file: str) -> list[Line]:
    with parsing("XLSX workbook", file):
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    lines = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        for row in sheet.iter_rows():
            cells = tuple(_text(cell) for cell in row)
            if any(cells):
                lines.append(Line(row[0].row, cells, page=number))
    return lines


def _text(cell: Cell) -> str:
    """A cell as it is printed: numbers with the decimals their format shows (9.40, not 9.4)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        return str(value)
    if isinstance(value, (int, float)):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if match := DECIMALS.search(cell.number_format or ""):
            amount = amount.quantize(Decimal(1).scaleb(-len(match.group(1))))
        return str(amount)
    return cell_text(str(value), int(cell.alignment.indent or 0))
