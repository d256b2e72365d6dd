"""Columns from positions: the rows of a table printed without rules, lined up in the table's columns.

A PDF page without ruling lines gives each line's texts with their extents (``Line.extents``). The table's
columns are the extents of the texts of its rows that hold figures (amounts, codes), merged where they overlap;
a heading over columns no figure fills (an empty column) adds its own. Each text then goes to the first column it
overlaps, so a heading that spans several columns sits in the first of them, blank after it, as merged cells do
in every other format.

A names-only classification shows its 款 and 项 by indenting them, blank space that a PDF's text layer does not
keep: the indentation is where each text of the first column starts, measured from the leftmost start in that
column, in steps of one character (``indent_steps``), and it is kept as leading full-width spaces as the other
formats keep it.
"""

from __future__ import annotations

import re

from budgetgraph.ingest.text import Line, cell_text

FIGURE = re.compile(r"[-−△]?[\d,]+(\.\d+)?%?|\([\d,]+(\.\d+)?\)|-")
Extent = tuple[float, float]


def align_columns(lines: list[Line]) -> list[Line]:
    """The lines with their cells in the table's columns; lines without extents are left as they are."""
    positioned = [line for line in lines if line.extents]
    if not positioned:
        return lines
    columns = _columns(positioned)
    steps = iter(indent_steps([_first_column_start(line, columns[0]) for line in positioned]))
    return [_placed(line, columns, next(steps)) if line.extents else line for line in lines]


def indent_steps(starts: list[tuple[float, float] | None]) -> list[int]:
    """How far each text of a column is indented, from its start and character size (x0, size), in characters
    from the leftmost start; 0 where there is no text."""
    leftmost = min((x0 for x0, _ in filter(None, starts)), default=0.0)
    return [round((start[0] - leftmost) / start[1]) if start else 0 for start in starts]


def _first_column_start(line: Line, column: Extent) -> tuple[float, float] | None:
    extent = (line.extents or ())[0]
    return (extent[0], line.size or 1.0) if _overlap(extent, column) else None


def _columns(lines: list[Line]) -> list[Extent]:
    with_figures = [line for line in lines if any(FIGURE.fullmatch(cell) for cell in line.cells)]
    columns = _merged([extent for line in with_figures for extent in line.extents or ()])
    for line in lines:
        for extent in line.extents or ():
            if not any(_overlap(extent, column) for column in columns):
                columns = _merged([*columns, extent])
    return columns


def _merged(extents: list[Extent]) -> list[Extent]:
    merged: list[Extent] = []
    for start, end in sorted(extents):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(a: Extent, b: Extent) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _placed(line: Line, columns: list[Extent], indent: int) -> Line:
    cells = [""] * len(columns)
    for text, extent in zip(line.cells, line.extents or ()):
        index = next(i for i, column in enumerate(columns) if _overlap(extent, column))
        cells[index] = f"{cells[index]} {text}".strip()
    cells[0] = cell_text(cells[0], indent)
    return Line(line.number, tuple(cells), line.page, line.prose)
