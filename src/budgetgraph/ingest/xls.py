"""Legacy Excel workbooks (XLS, BIFF): read like XLSX, a sheet a "page", numbers with their printed decimals."""

from __future__ import annotations

import re
from decimal import Decimal

import xlrd

from budgetgraph.ingest.damaged import parsing
from budgetgraph.ingest.text import Line, cell_text

DECIMALS = re.compile(r"\.(0+)")


def read_xls(data: bytes, file: str) -> list[Line]:
    with parsing("XLS workbook", file):
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    lines = []
    for number, sheet in enumerate(book.sheets(), start=1):
        for row in range(sheet.nrows):
            with parsing("XLS workbook", file, f"page {number}, line {row + 1}"):  # a cell's format records may be damaged
                cells = tuple(_text(book, sheet.cell(row, column)) for column in range(sheet.ncols))
            if any(cells):
                lines.append(Line(row + 1, cells, page=number))
    return lines


def _text(book: xlrd.Book, cell: xlrd.sheet.Cell) -> str:
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        amount = Decimal(repr(cell.value))
        number_format = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
        if match := DECIMALS.search(number_format):
            amount = amount.quantize(Decimal(1).scaleb(-len(match.group(1))))
        elif amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))
        return str(amount)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return cell_text(str(cell.value), book.xf_list[cell.xf_index].alignment.indent_level)
