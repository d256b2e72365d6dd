"""PDF with a text layer: tables from their ruling lines (pdfplumber), the text around them line by line.

The result is the same ``Line`` stream the text reader makes: a table row is one line whose cells keep their
column positions (merged cells are blank), so one table layer reads every format.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from functools import cached_property

import pdfplumber

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest.columns import merge_split_columns
from budgetgraph.ingest.damaged import parsing
from budgetgraph.ingest.ocr import scanned_pages
from budgetgraph.ingest.text import Line

WRAPPED_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n|\n(?=[\u3000-\u9fff\uff00-\uffef])")
COLUMN_GAP = 1.2  # character sizes: a wider blank between two texts of a line sets them in different columns
SENTENCE = re.compile(r"[。；]")
SENTENCE_END = re.compile(r"[。；！？]\s*$")
UNIT_LINE = re.compile(r"单位[:：]\s*[千万]?元\s*$")
LAST_FIGURE = re.compile(r"\s[-−]?[\d,]+\.\d+\s*$")
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$")
# Points by which characters of one line may differ in top: some PDFs set their Latin digits in another font
# whose box starts 4–5 points lower than the Chinese around it (the 决算 of the corpus: "总计 万元" above "2995.39"),
# which pdfplumber's default of 3 reads as a line of its own.
LINE_TOLERANCE = 5


def read_pdf(data: bytes, file: str) -> list[Line]:
    with parsing("PDF", file):  # a page tree pdfminer cannot walk fails closing the PDF too: it is not closed
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    with pdf:
        _parse_objects(pages, file)
        scanned = scanned_pages(pages, file)
        if not any(page.chars for page in pages) and not any(page.chars for page in scanned.values()):
            raise BudgetgraphError(f"the PDF has no text on any of its {len(pages)} pages, in a text layer or by OCR", file=file)
        return [line for number, page in enumerate(pages, start=1) for line in _page_lines(scanned.get(number - 1, page), number)]


def _parse_objects(pages: list[pdfplumber.page.Page], file: str) -> None:
    """Each page's objects parsed (pdfplumber keeps them): where pdfminer fails on a damaged page."""
    for number, page in enumerate(pages, start=1):
        with parsing("PDF", file, f"page {number}"):
            page.objects  # parsed on first access


def _page_lines(page: pdfplumber.page.Page, number: int) -> list[Line]:
    """Text lines and table rows of one page in reading order (top to bottom).

    A page with ruled tables gives their rows from the rules, and its other lines as text. A page without rules
    that sets a table gives each line's cells (but a sentence's) as the texts its blanks set apart, with their
    extents, so that the table reader can line the cells of a table up in columns (``ingest.columns``).
    """
    tables = page.find_tables()
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    lines = [line for line in outside.extract_text_lines(y_tolerance=LINE_TOLERANCE) if line["text"].strip() and not PAGE_NUMBER.match(line["text"])]
    right_edge = max([page.width / 2, *(line["x1"] for line in lines), *(table.bbox[2] for table in tables)])
    paragraphs = _paragraphs(lines, right_edge, page.width / 2)
    by_position = not tables and _has_table(lines)
    items = [
        _positioned(p[0], page.width)
        if len(p) == 1 and (by_position and not SENTENCE.search(p[0]["text"]) or tables and _is_row_outside_rules(p[0]))
        else _prose(p)
        for p in paragraphs
    ]
    ink = _Ink(page)
    for table in tables:
        extracted = [tuple(_unwrap(cell or "") for cell in cells) for cells in table.extract()]
        texts = merge_split_columns(extracted)
        for row, raw, cells in zip(table.rows, extracted, texts, strict=True):
            if any(cells):
                confidences = _confidences(zip(raw, (ink.within(bbox) if bbox else [] for bbox in row.cells), strict=True))
                items.append((row.bbox[1], Line(0, cells, start=_first_word_start(ink, row.cells[0]), confidences=confidences)))
    items.sort(key=lambda item: item[0])
    return [replace(line, number=index, page=number) for index, (_, line) in enumerate(items, start=1)]


def _has_table(lines: list[dict]) -> bool:  # type: ignore[type-arg]
    """Whether a page without rules sets a table: three lines in a row of texts set apart, none a sentence (a
    page of running text may set a figure apart from its words, but not line after line); or, after a table's
    unit line (单位：万元), one such line (its header): a small table alone on its page ("三公" with blank rows,
    an empty one)."""
    run = 0
    after_unit = False
    for line in lines:
        tabular = _is_tabular(line)
        run = run + 1 if tabular else 0
        if run == 3 or tabular and after_unit:
            return True
        after_unit = after_unit or bool(UNIT_LINE.search(line["text"]))
    return False


def _is_tabular(line: dict) -> bool:  # type: ignore[type-arg]
    """Texts set apart, none a sentence."""
    return _has_gap(line["chars"], COLUMN_GAP * _size(line)) and not SENTENCE.search(line["text"])


def _is_row_outside_rules(line: dict) -> bool:  # type: ignore[type-arg]
    """A line of a ruled page that is a table row all the same (the first row of a table continued on this page,
    above its rules): tabular, ending with a figure."""
    return _is_tabular(line) and bool(LAST_FIGURE.search(line["text"]))


def _prose(paragraph: list[dict]) -> tuple[float, Line]:  # type: ignore[type-arg]
    return paragraph[0]["top"], Line(0, ("".join(line["text"].strip() for line in paragraph),), prose=True)


def _positioned(line: dict, page_width: float) -> tuple[float, Line]:  # type: ignore[type-arg]
    """A line of a page without rules, its texts as cells with their extents; one wide text is prose."""
    if _has_gap(line["chars"], COLUMN_GAP * _size(line)):
        chunks = _chunks(line["chars"])
    else:
        chunks = [(line["text"].strip(), (line["x0"], line["x1"]), line["chars"])]
    wide = line["x1"] - line["x0"] >= page_width / 2
    cells, extents = tuple(text for text, _, _ in chunks), tuple(extent for _, extent, _ in chunks)
    start = (extents[0][0], _size(line))
    confidences = _confidences((text, chars) for text, _, chars in chunks)
    return line["top"], Line(0, cells, prose=len(chunks) == 1 and wide, extents=extents, start=start, confidences=confidences)


def _confidences(cells: Iterable[tuple[str, list[dict]]]) -> tuple[tuple[str, Decimal], ...]:  # type: ignore[type-arg]
    """Each filled cell's text with the least confidence of its characters, on a page read by OCR."""
    return tuple((text, min(c["confidence"] for c in chars)) for text, chars in cells if text and chars and "confidence" in chars[0])


class _Ink:
    """A page's inked characters in order of their top (sorted when a cell first asks), so that a cell's are
    found without a pass over the page."""

    def __init__(self, page: pdfplumber.page.Page) -> None:
        self.page = page

    @cached_property
    def chars(self) -> list[dict]:  # type: ignore[type-arg]
        return sorted((c for c in self.page.chars if c["text"].strip()), key=lambda c: c["top"])

    @cached_property
    def tops(self) -> list[float]:
        return [c["top"] for c in self.chars]

    def within(self, bbox: tuple[float, float, float, float]) -> list[dict]:  # type: ignore[type-arg]
        x0, top, x1, bottom = bbox
        rows = self.chars[bisect_left(self.tops, top) : bisect_left(self.tops, bottom)]
        return [c for c in rows if x0 <= c["x0"] < x1]


def _first_word_start(ink: _Ink, bbox: tuple[float, float, float, float] | None) -> tuple[float, float] | None:
    """Where a ruled cell's text starts (x0 of its first line's first character) and that character's size; a
    wrapped cell's later lines start at the cell's edge whatever the indentation, so only the first line counts."""
    chars = ink.within(bbox) if bbox is not None else []
    if not chars:
        return None
    first_line = min(c["top"] for c in chars)
    first = min((c for c in chars if c["top"] - first_line < c["size"] / 2), key=lambda c: c["x0"])
    return first["x0"], first["size"]


def _unwrap(cell: str) -> str:
    """A cell's text on one line: a line break inside Chinese text goes (it only wrapped a word), elsewhere it is
    a space, and runs of spaces are one."""
    return " ".join(WRAPPED_CJK.sub("", cell).split())


def _chunks(chars: list[dict]) -> list[tuple[str, tuple[float, float], list[dict]]]:  # type: ignore[type-arg]
    """The texts of a line that blanks wider than a character set apart, each with its extent (x0, x1); the
    spaces the PDF sets inside a text are kept ("总 计"), as a text extraction keeps them."""
    chunks: list[list[dict]] = []  # type: ignore[type-arg]
    for char in chars:
        if not char["text"].strip():
            if chunks:
                chunks[-1].append(char)
            continue
        ink = [c for c in chunks[-1] if c["text"].strip()] if chunks else []
        if ink and char["x0"] - ink[-1]["x1"] <= COLUMN_GAP * char["size"]:
            chunks[-1].append(char)
        else:
            chunks.append([char])
    return [
        (" ".join("".join(c["text"] for c in chunk).split()), (chunk[0]["x0"], max(c["x1"] for c in chunk if c["text"].strip())), chunk)
        for chunk in chunks
    ]


def _size(line: dict) -> float:  # type: ignore[type-arg]
    return max((char["size"] for char in line["chars"]), default=10.0)


def _has_gap(chars: list[dict], width: float) -> bool:  # type: ignore[type-arg]
    """Whether the line has a blank wider than ``width``: two texts set apart (编制部门 … 单位：元), not prose."""
    ink = [char for char in chars if char["text"].strip()]
    return any(after["x0"] - before["x1"] > width for before, after in zip(ink, ink[1:]))


def _is_heading_after_sentence(before: dict, line: dict) -> bool:  # type: ignore[type-arg]
    """A line after a full line that ends a sentence is a heading, not the paragraph's last words, when it ends
    no sentence itself (五、一般公共预算支出预算情况说明)."""
    return bool(SENTENCE_END.search(before["text"])) and not SENTENCE_END.search(line["text"])


def _paragraphs(lines: list[dict], right_edge: float, shortest: float) -> list[list[dict]]:  # type: ignore[type-arg]
    """Group the lines a paragraph wrapped into, as a text extraction reads it (the seed's layout): a line at
    least ``shortest`` wide that spans from the left margin (or a first-line indent) to ``right_edge`` (that of
    the page's text and tables) goes on in the next line when that one starts at the left margin. Titles,
    centred or right-aligned lines, and lines of texts set apart, stay apart."""
    left_edge = min((line["x0"] for line in lines), default=0.0)
    paragraphs: list[list[dict]] = []  # type: ignore[type-arg]
    runs_on = False
    for line in lines:
        size = _size(line)
        if runs_on and line["x0"] <= left_edge + size / 2 and not _is_heading_after_sentence(paragraphs[-1][-1], line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        spans = line["x0"] <= left_edge + 3 * size and line["x1"] >= right_edge - 2 * size
        runs_on = spans and line["x1"] - line["x0"] >= shortest and not _has_gap(line["chars"], 2 * size)
    return paragraphs
