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

WRAPPED_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n|\n(?=[\u3000-\u9fff\uff00-\uffef])")
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
    prose = [line for line in outside.extract_text_lines() if line["text"].strip() and not PAGE_NUMBER.match(line["text"])]
    text_width = (max([page.width / 2, *(line["x1"] for line in prose), *(table.bbox[2] for table in tables)]), page.width / 2)
    items: list[tuple[float, tuple[str, ...], bool]] = [(top, (text,), True) for top, text in _paragraphs(prose, *text_width)]
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            texts = tuple(_unwrap(cell or "") for cell in cells)
            if any(texts):
                items.append((row.bbox[1], texts, False))
    items.sort(key=lambda item: item[0])
    return [Line(index, cells, page=number, prose=prose) for index, (_, cells, prose) in enumerate(items, start=1)]


def _unwrap(cell: str) -> str:
    """A cell's text on one line: a line break inside Chinese text goes (it only wrapped a word), elsewhere it is
    a space, and runs of spaces are one."""
    return " ".join(WRAPPED_CJK.sub("", cell).split())


def _has_gap(chars: list[dict], width: float) -> bool:  # type: ignore[type-arg]
    """Whether the line has a blank wider than ``width``: two texts set apart (编制部门 … 单位：元), not prose."""
    return any(after["x0"] - before["x1"] > width for before, after in zip(chars, chars[1:]))


def _paragraphs(lines: list[dict], right_edge: float, shortest: float) -> list[tuple[float, str]]:  # type: ignore[type-arg]
    """Join the lines a paragraph wrapped into, as a text extraction reads it (the seed's layout): a line at
    least ``shortest`` wide that spans from the left margin (or a first-line indent) to ``right_edge`` (that of
    the page's text and tables) goes on in the next line when that one starts at the left margin. Titles,
    centred or right-aligned lines, and lines of texts set apart, stay apart."""
    left_edge = min((line["x0"] for line in lines), default=0.0)
    paragraphs: list[tuple[float, str]] = []
    runs_on = False
    for line in lines:
        text = line["text"].strip()
        size = max((char["size"] for char in line["chars"]), default=10.0)
        if runs_on and line["x0"] <= left_edge + size / 2:
            top, before = paragraphs[-1]
            paragraphs[-1] = (top, before + text)
        else:
            paragraphs.append((line["top"], text))
        spans = line["x0"] <= left_edge + 3 * size and line["x1"] >= right_edge - 2 * size
        runs_on = spans and line["x1"] - line["x0"] >= shortest and not _has_gap(line["chars"], 2 * size)
    return paragraphs
