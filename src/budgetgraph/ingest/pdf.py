"""PDF with a text layer: tables from their ruling lines (pdfplumber), the text around them line by line.

The result is the same ``Line`` stream the text reader makes: a table row is one line whose cells keep their
column positions (merged cells are blank), so one table layer reads every format.
"""

from __future__ import annotations

import io
import re

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest.text import Line

PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$")


def read_pdf(data: bytes, file: str) -> list[Line]:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError, ValueError) as error:
        raise BudgetgraphError(f"not a readable PDF: {error}", file=file) from error
    with pdf:
        if not any(page.chars for page in pdf.pages):
            raise BudgetgraphError(
                f"the PDF has no text layer on any of its {len(pdf.pages)} pages (a scan?): OCR it first", file=file
            )
        return [line for number, page in enumerate(pdf.pages, start=1) for line in _page_lines(page, number)]


def _page_lines(page: pdfplumber.page.Page, number: int) -> list[Line]:
    """Text lines and table rows of one page in reading order (top to bottom)."""
    tables = page.find_tables()
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    items: list[tuple[float, tuple[str, ...], bool]] = [
        (line["top"], (line["text"].strip(),), True)
        for line in outside.extract_text_lines()
        if line["text"].strip() and not PAGE_NUMBER.match(line["text"])
    ]
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            texts = tuple(" ".join((cell or "").split()) for cell in cells)
            if any(texts):
                items.append((row.bbox[1], texts, False))
    items.sort(key=lambda item: item[0])
    return [Line(index, cells, page=number, prose=prose) for index, (_, cells, prose) in enumerate(items, start=1)]
