"""Plain text extracted from a PDF, tables as tab-separated lines: decoding and splitting into lines."""

from __future__ import annotations

from dataclasses import dataclass

from budgetgraph.errors import BudgetgraphError

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Line:
    """A line of text or a table row: its cells keep their column positions."""

    number: int  # 1-based line of the file, or of the page when ``page`` is set
    cells: tuple[str, ...]  # cells, stripped
    page: int | None = None
    prose: bool = False  # known to be running text, not a table row (a PDF line outside any ruled table)
    extents: tuple[tuple[float, float], ...] | None = None  # each cell's x0 and x1 on a PDF page without rules

    @property
    def place(self) -> str:
        return f"page {self.page}, line {self.number}" if self.page is not None else f"line {self.number}"

    @property
    def text(self) -> str:
        return "".join(self.cells)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


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
        cells = tuple(cell.strip() for cell in raw.split("\t"))
        if any(cells):
            lines.append(Line(number, cells))
    return lines
