"""Columns and indentation from positions: the rows of a table printed without rules, lined up in the table's
columns; the indentation of the first column of any PDF table.

A PDF page without ruling lines gives each line's texts with their extents (``Line.extents``). The table's
columns are the extents of the texts of its rows that hold figures (amounts, codes), merged where they overlap;
a heading over columns no figure fills (an empty column) adds its own. Each text then goes to the first column it
overlaps, so a heading that spans several columns sits in the first of them, blank after it, as merged cells do
in every other format.

A names-only classification shows its 款 and 项 by indenting them, blank space that a PDF's text layer does not
keep: ``indent_first_column`` measures it from where the name in each row's first cell starts (``Line.start``),
in characters from the leftmost name's start among the table's rows (over all its pages: a continued page may
hold no 类), and keeps it as leading full-width spaces, as the other formats keep it.

A table whose rules, or whose figures' positions, split a column in two (a merged header cell over two ruled
columns, figures set further right from row to row: 江苏省's 部门预算 tables, ruled or not) is read with each such
pair as one column: ``merge_split_columns`` joins adjacent columns that no row fills both of, unless both have
headings of their own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from budgetgraph.ingest.amounts import parse_amount
from budgetgraph.ingest.text import Line, cell_text

FIGURE = re.compile(r"[-−△]?[\d,]+(\.\d+)?%?|\([\d,]+(\.\d+)?\)|-")
Extent = tuple[float, float]


def align_columns(lines: list[Line]) -> list[Line]:
    """The lines with their cells in the table's columns; lines without extents are left as they are."""
    positioned = [line for line in lines if line.extents]
    if not positioned:
        return lines
    columns = _columns(positioned)
    placed = iter(_merged_lines([_placed(line, columns) for line in positioned]))
    return [next(placed) if line.extents else line for line in lines]


def merge_split_columns(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The rows with each run of adjacent columns that no row fills more than one of made one column, but for two
    columns that both have a heading (text in a row without figures: a header line) of their own."""
    width = max((len(row) for row in rows), default=0)
    padded = [row + ("",) * (width - len(row)) for row in rows]
    headings = [row for row in padded if not any(FIGURE.fullmatch(cell) for cell in row)]
    headed = [any(row[column] for row in headings) for column in range(width)]
    groups: list[list[int]] = []
    for column in range(width):
        if groups and not _both_headed(headed, groups[-1], column) and not _both_filled(padded, groups[-1], column):
            groups[-1].append(column)
        else:
            groups.append([column])
    return [tuple("".join(row[c] for c in group) for group in groups) for row in padded]


def _both_headed(headed: list[bool], group: list[int], column: int) -> bool:
    return headed[column] and any(headed[c] for c in group)


def _both_filled(rows: list[tuple[str, ...]], group: list[int], column: int) -> bool:
    return any(row[column] and any(row[c] for c in group) for row in rows)


def _merged_lines(lines: list[Line]) -> list[Line]:
    return [replace(line, cells=cells) for line, cells in zip(lines, merge_split_columns([line.cells for line in lines]))]


def indent_first_column(lines: list[Line]) -> list[Line]:
    """The lines with the name in their first cell indented as far as it starts right of the leftmost name's start
    (an amount or a code there is set as its column sets figures, which says nothing of levels)."""
    starts = [_name_start(line) for line in lines]
    known = [start for start in starts if start]
    if not known:
        return lines
    leftmost = min(x0 for x0, _ in known)
    return [_indented(line, start[0] - leftmost, start[1]) if start else line for line, start in zip(lines, starts)]


def _name_start(line: Line) -> tuple[float, float] | None:
    return line.start if line.start and parse_amount(line.cells[0]) is None else None


def _indented(line: Line, offset: float, size: float) -> Line:
    return replace(line, cells=(cell_text(line.cells[0], round(offset / size)), *line.cells[1:]))


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


def _column_of(extent: Extent, columns: list[Extent]) -> int:
    """The first column a text overlaps; for a text that overlaps none (of no width, at a column's edge), the nearest."""
    nearest = min(range(len(columns)), key=lambda i: max(columns[i][0] - extent[1], extent[0] - columns[i][1]))
    return next((i for i, column in enumerate(columns) if _overlap(extent, column)), nearest)


def _placed(line: Line, columns: list[Extent]) -> Line:
    cells = [""] * len(columns)
    for text, extent in zip(line.cells, line.extents or ()):
        index = _column_of(extent, columns)
        cells[index] = f"{cells[index]} {text}".strip()
    starts_first_column = bool(line.extents) and _overlap(line.extents[0], columns[0])
    start = line.start if starts_first_column else None
    return Line(line.number, tuple(cells), line.page, line.prose, start=start, confidences=line.confidences)
