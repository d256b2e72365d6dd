"""Template tables from tab-separated lines: where each table starts, its header, and its rows as records."""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetgraph.codelists import class_code_for_name
from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest.amounts import key, parse_amount, squeeze
from budgetgraph.ingest.layout import UNIT_LINE, measure_for, table_kind
from budgetgraph.ingest.text import Line
from budgetgraph.records import Cell, Location, Row, RowRole, Table, TableKind

ENUMERATED = re.compile(r"^(\d+、|[(（]\d+[)）]|其中[:：])")
CLASS_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
TOTAL_LABELS = {"合计", "总计", "收入合计", "支出合计", "收入总计", "支出总计"}
LABEL_HEADERS = {"单位名称", "科目名称", "单位(科目名称)", "单位名称(科目)", "项目"}
CODE_HEADERS = {"类", "款", "项", "科目编码"}
UNIT_CODE_HEADER = "单位代码"


@dataclass(frozen=True)
class TableBlock:
    """The lines of one table: title, unit line, and everything up to the next table."""

    kind: TableKind
    title: Line
    unit: str
    lines: list[Line]


def find_tables(lines: list[Line]) -> list[TableBlock]:
    """A table starts at a known title followed, within four lines, by its unit line (单位：万元)."""
    starts: list[tuple[int, TableKind, str, int]] = []
    for index, line in enumerate(lines):
        if len(line.filled) != 1 or (kind := table_kind(line.text)) is None:
            continue
        for offset, following in enumerate(lines[index + 1 : index + 5], start=index + 1):
            if unit := UNIT_LINE.match(squeeze(following.text)):
                starts.append((index, kind, unit.group(1), offset + 1))
                break
    blocks = []
    for position, (index, kind, unit, body_start) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        blocks.append(TableBlock(kind, lines[index], unit, lines[body_start:end]))
    return blocks


def _is_numbering(line: Line) -> bool:
    """The column-number row under some headers: "** ** 1 2 3 …"."""
    return all(re.fullmatch(r"\*+|\d{1,2}", cell) for cell in line.filled)


def _is_header(line: Line) -> bool:
    return not any(parse_amount(c) is not None or ENUMERATED.match(c) or CLASS_ORDINAL.match(c) for c in line.filled)


def split_header(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Header lines are the leading lines with neither amounts nor enumerated labels; numbering rows are dropped."""
    header: list[Line] = []
    for position, line in enumerate(lines):
        if _is_numbering(line):
            continue
        if not _is_header(line):
            return header, [ln for ln in lines[position:] if not _is_numbering(ln)]
        header.append(line)
    return header, []


def column_paths(header: list[Line]) -> list[str]:
    """Join nested headers top to bottom: a label spans to its right over cells left blank on its own line
    but labelled on a deeper line ("基本支出" over "小计 工资福利支出 …")."""
    width = max((len(line.cells) for line in header), default=0)
    grid = [[squeeze(c) for c in line.cells] + [""] * (width - len(line.cells)) for line in header]
    for depth, cells in enumerate(grid):
        for column in range(1, width):
            below = any(deeper[column] for deeper in grid[depth + 1 :])
            if not cells[column] and cells[column - 1] and below and not _starts_deeper_span(grid, depth, column):
                cells[column] = cells[column - 1]
    paths = []
    for column in range(width):
        parts: list[str] = []
        for cells in grid:
            if cells[column] and (not parts or parts[-1] != cells[column]):
                parts.append(cells[column])
        paths.append("/".join(parts))
    return paths


def _starts_deeper_span(grid: list[list[str]], depth: int, column: int) -> bool:
    """A label is not carried over a column that a shallower line already labels differently."""
    return any(grid[d][column] and grid[d][column] != grid[d][column - 1] for d in range(depth))


def parse_grid(block: TableBlock, number: int, file: str) -> Table:
    """A table whose rows line up with its header: coded expenditure tables, 三公, 机关运行经费."""
    header, body = split_header(block.lines)
    paths = column_paths(header)
    roles = [_column_role(path) for path in paths]
    measures = {i: measure_for(p) for i, p in enumerate(paths) if roles[i] == "amount"}
    unknown = [paths[i] for i, m in measures.items() if m is None and paths[i]]
    if unknown:
        raise BudgetgraphError(f"unknown column header {unknown[0]!r} in {block.title.text}", file=file, place=f"line {header[0].number}")
    economic = block.kind is TableKind.OPERATING_COSTS
    rows = []
    current_unit: str | None = None
    for row_number, line in enumerate(body, start=1):
        cells = list(line.cells) + [""] * (len(paths) - len(line.cells))
        code = "".join(cells[i] for i, role in enumerate(roles) if role == "code")
        unit_code = next((cells[i] for i, role in enumerate(roles) if role == "unit-code" and cells[i]), None)
        label = squeeze(" ".join(cells[i] for i, role in enumerate(roles) if role == "label"))
        if not code and not unit_code and not label:
            label = squeeze(next((c for c in cells if c and parse_amount(c) is None), ""))
        values = tuple(
            _cell(block, number, row_number, line, paths[i], measure, cells[i], file)
            for i, measure in measures.items()
            if measure is not None
        )
        role = _row_role(label, code, unit_code)
        if role is RowRole.UNIT_SUBTOTAL:
            current_unit = unit_code
        rows.append(
            Row(
                number=row_number,
                label=label,
                role=role,
                cells=values,
                line=line.number,
                function_code=code or None if not economic else None,
                economic_code=code or None if economic else None,
                unit_code=unit_code or (current_unit if role is RowRole.LINE else None),
            )
        )
    return Table(number, block.kind, squeeze(block.title.text), block.unit, tuple(p for p in paths if p), tuple(rows), block.title.number)


def parse_two_sided(block: TableBlock, number: int, file: str) -> Table:
    """收入 | 支出 side by side. Extraction drops empty cells unevenly, so each line is split at its 支出 label
    (an enumerated 类 name or 支出合计) rather than by position: what precedes is the 收入 side."""
    header, body = split_header(block.lines)
    paths = column_paths(header)
    second_item = [i for i, p in enumerate(paths) if p.endswith("项目")][1:2]
    if not second_item:
        raise BudgetgraphError("two-sided table without a 支出 项目 column", file=file, place=f"line {block.title.number}")
    spending_paths = [p.split("/", 1)[1] if p.startswith("支出/") else p for p in paths[second_item[0] + 1 :]]
    rows: list[Row] = []
    income_parent = ""
    for row_number, line in enumerate(body, start=1):
        cells = list(line.cells)
        split = next((i for i, c in enumerate(cells) if CLASS_ORDINAL.match(c) or key(c).rstrip(":") in {"支出合计", "支出总计"}), len(cells))
        income = [c for c in cells[:split] if c]
        income_labels = [squeeze(c) for c in income if parse_amount(c) is None]
        if income_labels:
            if cells[0]:
                income_parent = squeeze(cells[0])
            label = "/".join(dict.fromkeys([income_parent] + income_labels)) if not cells[0] else "/".join(income_labels)
            amounts = [c for c in income if parse_amount(c) is not None]
            column = paths[1] if len(paths) > 1 else "金额"
            values = tuple(_cell(block, number, row_number, line, column, "amount", a, file) for a in amounts[:1])
            rows.append(Row(row_number, label.rstrip(":："), _row_role(label.rstrip(":："), "", None), values, line.number, side="收入"))
        if split < len(cells):
            label = squeeze(cells[split]).rstrip(":：")
            values = tuple(
                _cell(block, number, row_number, line, path, measure_for(path) or "", text, file)
                for path, text in zip(spending_paths, cells[split + 1 :], strict=False)
            )
            code = class_code_for_name(label) if CLASS_ORDINAL.match(label) else None
            rows.append(Row(row_number, label, _row_role(label, code or "", None), values, line.number, function_code=code, side="支出"))
    return Table(number, block.kind, squeeze(block.title.text), block.unit, tuple(p for p in paths if p), tuple(rows), block.title.number)


def _column_role(path: str) -> str:
    last = key(path.split("/")[-1])
    first = key(path.split("/")[0])
    if last in CODE_HEADERS or first == "科目编码":
        return "code"
    if last == UNIT_CODE_HEADER:
        return "unit-code"
    if last in LABEL_HEADERS:
        return "label"
    return "amount" if path else "empty"


def _row_role(label: str, code: str, unit_code: str | None) -> RowRole:
    if code:
        return RowRole.LINE
    if unit_code:
        return RowRole.UNIT_SUBTOTAL
    if key(label).rstrip(":") in TOTAL_LABELS:
        return RowRole.TOTAL
    return RowRole.ITEM


def _cell(block: TableBlock, table: int, row: int, line: Line, column: str, measure: str, text: str, file: str) -> Cell:
    amount = parse_amount(text)
    if amount is None and squeeze(text) and squeeze(text) not in {"-", "—", "/"}:
        raise BudgetgraphError(f"{text!r} in column {column!r} of {block.title.text} is not an amount", file=file, place=f"line {line.number}")
    return Cell(column, measure, amount, text, Location(file, line.number, table, row, column))
