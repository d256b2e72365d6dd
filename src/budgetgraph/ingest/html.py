"""HTML pages as government sites publish them: paragraphs and <table> rows in document order, into ``Line``s.
Cells spanning columns or rows are laid out on a grid, read once in their first cell and blank elsewhere."""

from __future__ import annotations

from html.parser import HTMLParser

from budgetgraph.ingest.text import Line, cell_text, indent_of

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br"}
HIDDEN = ("script", "style", "head")  # text a browser does not show in the page


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[tuple[str, ...], bool]] = []  # cells, and whether it is text outside any table
        self.text: list[str] = []
        self.table: list[list[str]] | None = None
        self.spans: dict[tuple[int, int], str] = {}  # grid cells a rowspan above has taken
        self.cell: list[str] | None = None
        self.colspan = self.rowspan = 1
        self.skip = 0  # inside <script>, <style> or <head>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.skip += 1
        elif tag == "table":
            self._flush_text()
            self.table, self.spans = [], {}
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            values = dict(attrs)
            self.colspan, self.rowspan = _span(values.get("colspan")), _span(values.get("rowspan"))
            self.cell = []
        elif tag in BLOCKS and self.table is None:
            self._flush_text()

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            self._place(_collapsed("".join(self.cell)))
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.rows.extend((tuple(row), False) for row in self.table)
            self.table = None
        elif tag in BLOCKS and self.table is None:
            self._flush_text()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.table is None:
            self.text.append(data)

    def _place(self, text: str) -> None:
        assert self.table is not None
        if not self.table:
            self.table.append([])  # a cell before any <tr> (or a table that began inside it) starts a row
        row_index, row = len(self.table) - 1, self.table[-1]
        while (row_index, len(row)) in self.spans:
            row.append(self.spans.pop((row_index, len(row))))
        start = len(row)
        row.extend([text] + [""] * (self.colspan - 1))
        for below in range(1, self.rowspan):
            for column in range(start, start + self.colspan):
                self.spans[(row_index + below, column)] = ""

    def _flush_text(self) -> None:
        text = " ".join("".join(self.text).split())
        if text:
            self.rows.append(((text,), True))
        self.text = []

    def close(self) -> None:
        super().close()
        self._flush_text()


def _collapsed(raw: str) -> str:
    """A cell's text with each run of whitespace made one space, as a browser shows it; its indentation (leading
    full-width or non-breaking spaces) kept."""
    text = cell_text(raw)
    depth = indent_of(text)
    return text[:depth] + " ".join(text[depth:].split())


def _span(value: str | None) -> int:
    return int(value) if value and value.isdecimal() and 0 < int(value) < 1000 else 1


def read_html(text: str) -> list[Line]:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    # text outside tables is running text: it ends a table above it (a note under it excepted)
    return [Line(number, cells, prose=prose) for number, (cells, prose) in enumerate(reader.rows, start=1) if any(cells)]
