"""Plain text extracted from a PDF, tables as tab-separated lines: decoding and splitting into lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgetgraph.errors import BudgetgraphError

ENCODINGS = ("utf-8-sig", "gb18030")
INDENT = "\u3000"  # a cell's indentation is kept as leading full-width spaces, one for each step
_WIDTHS = {"\u3000": 2, "\xa0": 1}  # a full-width space, a non-breaking space (&nbsp;): half-width units


@dataclass(frozen=True)
class Line:
    """A line of text or a table row: its cells keep their column positions."""

    number: int  # 1-based line of the file, or of the page when ``page`` is set
    cells: tuple[str, ...]  # cells, stripped
    page: int | None = None
    prose: bool = False  # known to be running text, not a table row (a PDF line outside any ruled table)
    extents: tuple[tuple[float, float], ...] | None = None  # each cell's x0 and x1 on a PDF page without rules
    start: tuple[float, float] | None = None  # a PDF row's first cell: where its text starts (x0), its characters' size
    confidences: tuple[tuple[str, Decimal], ...] = ()  # read by OCR: each cell's text and its least sure word's confidence

    @property
    def place(self) -> str:
        return f"page {self.page}, line {self.number}" if self.page is not None else f"line {self.number}"

    def confidence_of(self, text: str) -> Decimal | None:
        """How sure OCR is of a cell's text: a cell's own, or, for cells the reader has joined, the line's least."""
        if not self.confidences or not text:
            return None
        return min((c for t, c in self.confidences if t == text), default=min(c for _, c in self.confidences))

    @property
    def text(self) -> str:
        return "".join(self.cells)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


def cell_text(raw: str, steps: int = 0) -> str:
    """A cell stripped of surrounding whitespace, its indentation kept as leading full-width spaces: a names-only
    classification shows 款 and 项 by indenting them. Indentation is ``steps`` (a spreadsheet cell's indent) or the
    full-width and non-breaking spaces it starts with (two of the latter make one step); ordinary spaces are not
    indentation (HTML collapses them, extracted text pads with them)."""
    text = raw.strip()
    if not text:
        return ""
    lead = raw[: len(raw) - len(raw.lstrip())]
    return INDENT * (steps + sum(_WIDTHS.get(c, 0) for c in lead) // 2) + text


def indent_of(cell: str) -> int:
    """The indentation steps ``cell_text`` kept."""
    return len(cell) - len(cell.lstrip(INDENT))


def decode(data: bytes, file: str) -> str:
    """Decode UTF-8, else GB18030 (a superset of GBK and GB2312); anything else is an error naming the file."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BudgetgraphError("the text is neither UTF-8 nor GB18030/GBK", file=file)


def split_lines(text: str) -> list[Line]:
    """Every non-blank line with its number; cells keep their position so columns line up."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        cells = tuple(cell_text(cell) for cell in raw.split("\t"))
        if any(cells):
            lines.append(Line(number, cells))
    return lines
