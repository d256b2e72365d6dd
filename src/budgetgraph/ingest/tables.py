"""Template tables from tab-separated lines: where each table starts, its header, and its rows as records."""

from __future__ import annotations

import re
from decimal import Decimal
from dataclasses import dataclass, replace
from itertools import zip_longest

from budgetgraph.codelists import class_code_for_name
from budgetgraph.errors import BudgetgraphError, UnsupportedLayout
from budgetgraph.ingest.amounts import NO_FIGURE, NOT_APPLICABLE, parse_amount
from budgetgraph.normalise import key, squeeze
from budgetgraph.ingest.layout import UNIT_LINE, measure_for, table_kind, without_numbering
from budgetgraph.ingest.references import amount_columns, comparison_columns, comparison_kind, printed_comparison
from budgetgraph.ingest.columns import align_columns, indent_first_column
from budgetgraph.ingest.hierarchy import indented_hierarchy
from budgetgraph.ingest.text import Line, indent_of
from budgetgraph.records import Cell, Location, Phase, Row, RowRole, Table, TableKind

YEAR_TOTAL = re.compile(r"^本年(收入|支出)合计$")
SENTENCE = re.compile(r"[。；，]")
HEADER_UNIT = re.compile(r"\((万元|千元|元)\)$")
NOTE = re.compile(r"^\s*(注|说明)\s*[:：]")
ENUMERATED = re.compile(r"^(\d+、|[(（]\d+[)）]|其中[:：])")
CLASS_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
TOTAL_LABELS = {"合计", "总计", "收入合计", "支出合计", "收入总计", "支出总计"}
# Tables by 经济分类 whatever their headers say: 机关运行经费, and 基本支出 (工资福利支出, 商品和服务支出, …).
ECONOMIC_TABLES = (TableKind.OPERATING_COSTS, TableKind.GENERAL_BUDGET_BASIC_EXPENDITURE)
# A row that counts instead of amounts (相关统计数 of a 三公 table): 公务用车保有量(辆), 公务接待批次(批).
COUNT_LABEL = re.compile(r"[(（](?P<unit>个|人次|人|辆|批次|批|次|台|套)[)）]$")
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
    """A table starts at a known title followed, within four lines, by its unit line (单位：万元, alone, at the
    end of a line such as 编制部门：… 单位：元, or in the last cell of a row that names the department first, as
    spreadsheets print it: 部门:… | | 单位:元)."""
    starts: list[tuple[int, TableKind, str, int]] = []
    for index, line in enumerate(lines):
        if (kind := _titled_kind(line)) is None:
            continue
        for offset, following in enumerate(lines[index + 1 : index + 5], start=index + 1):
            if unit := _unit_line(following):
                starts.append((index, kind, unit.group(1), offset + 1))
                break
            if _titled_kind(following) is not None:
                break  # the title printed again (a page heading, then the table's own): the nearer one starts it
        else:
            # no unit line: the unit stated in a column header right under the title ("预算数(万元)")
            header = next((ln for ln in lines[index + 1 : index + 3] if len(ln.filled) > 1), None)
            units = {m.group(1) for c in (header.filled if header else []) if (m := HEADER_UNIT.search(key(c)))}
            if len(units) == 1:
                starts.append((index, kind, units.pop(), index + 1))
    blocks = []
    for position, (index, kind, unit, body_start) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        blocks.append(TableBlock(kind, lines[index], unit, indent_first_column(align_columns(_until_prose(lines[body_start:end])))))
    return blocks


def first_table_title(lines: list[Line]) -> Line | None:
    """The first line that titles a template table, whether or not a table could start there."""
    return next((line for line in lines if _titled_kind(line) is not None), None)


def _titled_kind(line: Line) -> TableKind | None:
    """The template table a line titles, if it is a title."""
    return table_kind(line.text) if _is_title(line) else None


def _unit_line(line: Line) -> re.Match[str] | None:
    """The unit a line states, if it is a unit line: its text, or its last cell after cells without amounts."""
    cells = line.filled
    if len(cells) == 1:
        return UNIT_LINE.search(squeeze(line.text))
    if cells and not any(parse_amount(c) is not None for c in cells):
        return UNIT_LINE.search(squeeze(cells[-1]))
    return None


def _is_title(line: Line) -> bool:
    """A title stands alone on its line and is not a sentence ("…分项见下表。" only mentions a table)."""
    return len(line.filled) == 1 and not SENTENCE.search(line.text) and len(squeeze(line.text)) <= 60


def _until_prose(lines: list[Line]) -> list[Line]:
    """A table ends where running text begins (a PDF's next section), notes under it excepted."""
    start = next((i for i, ln in enumerate(lines) if not ln.prose), len(lines))  # captions before it ("预算12表") stay
    end = next((i for i, ln in enumerate(lines) if i > start and ln.prose and not NOTE.match(ln.text)), len(lines))
    return lines[:end]


def _is_numbering(line: Line) -> bool:
    """The column-number row under some headers: "** ** 1 2 3 …", "栏次 1 栏次 2"."""
    return all(re.fullmatch(r"\*+|\d{1,2}|栏\s*次", cell.strip()) for cell in line.filled)


def _is_header(line: Line) -> bool:
    """No amounts, and no enumerated row label first ("其中:一般公共预算安排数" further right heads a column)."""
    first = line.filled[:1]
    return not any(parse_amount(c) is not None for c in line.filled) and not any(
        ENUMERATED.match(c.strip()) or CLASS_ORDINAL.match(c.strip()) for c in first
    )


def split_header(lines: list[Line]) -> tuple[list[Line], list[Line], tuple[str, ...]]:
    """Header lines are the leading lines with neither amounts nor enumerated labels. Numbering rows, a header
    repeated on a continuation page, and notes under the table (注：…) are not rows; the notes are returned."""
    header: list[Line] = []
    rows = [ln for ln in lines if not _is_numbering(ln)]
    notes = tuple(ln.text for ln in rows if len(ln.filled) == 1 and NOTE.match(ln.text))
    rows = [ln for ln in rows if ln.text not in notes]
    for position, line in enumerate(rows):
        if not _is_header(line):
            repeated = {ln.cells for ln in header}
            body = [ln for ln in rows[position:] if ln.cells not in repeated]
            return (*_unmerge_code_header(header, body), notes)
        header.append(line)
    return header, [], notes


LINE_NUMBER_HEADERS = {"行次", "栏次"}


def _without_line_numbers(header: list[Line], body: list[Line], notes: tuple[str, ...]) -> tuple[list[Line], list[Line], tuple[str, ...]]:
    """The 决算 templates number their rows in 行次 columns ("一、一般公共预算财政拨款收入 | 1 | 440.55"): those
    columns are no figures of the table, so they are dropped from the header and every row."""
    paths = column_paths(header)
    drop = {i for i, path in enumerate(paths) if key(path.split("/")[-1]) in LINE_NUMBER_HEADERS}
    if not drop:
        return header, body, notes
    def kept(line: Line) -> Line:
        return replace(line, cells=tuple(c for i, c in enumerate(line.cells) if i not in drop))
    return [kept(line) for line in header], [kept(line) for line in body], notes


def _unmerge_code_header(header: list[Line], body: list[Line]) -> tuple[list[Line], list[Line]]:
    """Some tables print 类 款 项 in the cells of their total row (merged header cells): move them to the header."""
    first = body[0]
    if not {"类", "款"} <= {key(c) for c in first.cells}:
        return header, body
    labels = tuple(c if key(c) in CODE_HEADERS else "" for c in first.cells)
    rest = tuple("" if key(c) in CODE_HEADERS else c for c in first.cells)
    return [*header, Line(first.number, labels, first.page)], [replace(first, cells=rest, start=None, extents=None), *body[1:]]


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


def parse_grid(block: TableBlock, number: int, file: str, document: tuple[int, Phase]) -> Table:
    """A table whose rows line up with its header: coded expenditure tables, 三公, 机关运行经费; in a document of
    ``document``'s fiscal year and phase, which the columns of other years and phases are told from."""
    header, body, notes = _without_line_numbers(*split_header(block.lines))
    paths = column_paths(header)
    paths, body = _stack_blocks(paths, body)
    roles = [_column_role(path) for path in paths]
    columns = amount_columns({i: p for i, p in enumerate(paths) if roles[i] == "amount"}, *document)
    measures = _with_meetings_and_training({i: measure_for(column.measure_path) for i, column in columns.items()}, paths)
    unknown = [paths[i] for i, m in measures.items() if m is None and paths[i]]
    if unknown:
        label = unknown[0].split("/")[-1]
        where = next((line for line in header if label in map(squeeze, line.cells)), header[0])
        raise UnsupportedLayout(f"unknown column header {unknown[0]!r} in {block.title.text}", file=file, place=where.place)
    comparisons = comparison_columns(paths, columns, measures, document, block.title.text, block.title.place, file)
    economic = block.kind in ECONOMIC_TABLES or "经济" in block.title.text or any("经济分类" in p for p in paths)
    heads = [_head(line, roles) for line in body]
    uncoded = [(n, h.label, h.indent) for n, h in enumerate(heads, start=1) if _row_role(h.label, h.code, h.unit_code) is RowRole.ITEM]
    places = indented_hierarchy(uncoded, functional=not economic)
    rows = []
    current_unit: str | None = None
    for row_number, (line, head) in enumerate(zip(body, heads), start=1):
        cells = list(line.cells) + [""] * (len(paths) - len(line.cells))
        place = places.get(row_number)
        label, unit_code = head.label, head.unit_code
        code = head.code or (place.code if place else None) or ""
        role = _row_role(label, code, unit_code)
        counted = COUNT_LABEL.search(label)
        if role is RowRole.UNIT_SUBTOTAL:
            current_unit = unit_code
        for reference in dict.fromkeys(column.reference for column in columns.values()):
            values = tuple(
                _cell(block, number, row_number, line, paths[i], "count" if counted else measure, cells[i], file)
                for i, measure in measures.items()
                if measure is not None and columns[i].reference == reference
            )
            location = Location(file, line.number, number, row_number, None, line.page)
            rows.append(
                Row(
                    number=row_number,
                    label=label,
                    role=role,
                    cells=values,
                    line=line.number,
                    page=line.page,
                    function_code=code or None if not economic else None,
                    economic_code=code or None if economic else None,
                    unit_code=unit_code or (current_unit if role is RowRole.LINE else None),
                    phase=reference.phase,
                    year=reference.year,
                    unit=counted["unit"] if counted else None,
                    level=place.level if place else None,
                    parent=place.parent if place else None,
                    comparisons=tuple(
                        printed_comparison(column, cells[column.index], replace(location, column=column.path), block.title.text, line.place)
                        for column in comparisons if column.reference == reference
                    ),
                )
            )
    return _table(block, number, paths, rows, notes)


@dataclass(frozen=True)
class _Head:
    """What a row's first cells say: its code, budget unit, label, and how far the label is indented."""

    code: str
    unit_code: str | None
    label: str
    indent: int


def _head(line: Line, roles: list[str]) -> _Head:
    cells = list(line.cells) + [""] * (len(roles) - len(line.cells))
    def of(role: str) -> list[str]:
        return [cells[i] for i, r in enumerate(roles) if r == role]
    code = "".join(c.strip() for c in of("code"))
    unit_code = next((c.strip() for c in of("unit-code") if c), None)
    label = squeeze(" ".join(of("label")))
    indent = next((indent_of(c) for c in of("code") + of("label") if c), 0)
    if not code.isdigit():
        label, code = squeeze(code) + label, ""
    if not code and not unit_code and not label:
        label = squeeze(next((c for c in cells if c and parse_amount(c) is None), ""))
    return _Head(code, unit_code, label, indent)


def _stack_blocks(paths: list[str], body: list[Line]) -> tuple[list[str], list[Line]]:
    """Two copies of the same columns side by side (经济分类 301 on the left, 302 on the right) are one table
    printed in two halves: read the left half down, then the right."""
    half = len(paths) // 2
    if half < 2 or len(paths) % 2 or paths[:half] != paths[half:]:
        return paths, body
    def part(line: Line, start: int) -> Line:
        cells = (tuple(line.cells) + ("",) * len(paths))[start : start + half]
        return replace(line, cells=cells, start=None, extents=None)
    halves = [part(line, 0) for line in body] + [part(line, half) for line in body]
    return paths[:half], [line for line in halves if any(line.cells)]


def _table(block: TableBlock, number: int, paths: list[str], rows: list[Row], notes: tuple[str, ...]) -> Table:
    title = squeeze(without_numbering(block.title.text))
    columns = tuple(p for p in paths if p)
    return Table(number, block.kind, title, block.unit, columns, tuple(rows), block.title.number, block.title.page, notes)


def parse_two_sided(block: TableBlock, number: int, file: str) -> Table:
    """收入 | 支出 side by side. Text extraction drops empty cells unevenly, so the 支出 side starts at the first
    label at or after the header's second 项目 column, not at that column exactly."""
    header, body, notes = _without_line_numbers(*split_header(block.lines))
    paths = column_paths(header)
    items = [i for i, p in enumerate(paths) if p.endswith("项目")]
    if len(items) < 2:
        raise UnsupportedLayout("two-sided table without a 支出 项目 column", file=file, place=block.title.place)
    spending_at = items[1]
    spending_paths = [p.split("/", 1)[1] if "/" in p else p for p in paths[spending_at + 1 :]]
    if unknown := [p for p in spending_paths if p and measure_for(p) is None]:
        raise UnsupportedLayout(f"unknown column header {unknown[0]!r} in {block.title.text}", file=file, place=header[-1].place)
    income_column = paths[items[0] + 1] if items[0] + 1 < spending_at else "金额"
    rows: list[Row] = []
    income_parent = ""
    for row_number, line in enumerate(body, start=1):
        cells = list(line.cells)
        split = next((i for i in range(spending_at, len(cells)) if cells[i] and parse_amount(cells[i]) is None), len(cells))
        income = [c for c in cells[:split] if c]
        income_labels = [squeeze(c) for c in income if parse_amount(c) is None]
        if income_labels:
            if cells[0]:
                income_parent = squeeze(cells[0])
            label = "/".join(income_labels) if cells[0] else "/".join(dict.fromkeys([income_parent] + income_labels))
            label = label.rstrip(":：")
            amounts = [c for c in income if parse_amount(c) is not None]
            values = tuple(_cell(block, number, row_number, line, income_column, "amount", a, file) for a in amounts[:1])
            rows.append(Row(row_number, label, _row_role(label, "", None), values, line.number, line.page, side="收入"))
        if split < len(cells):
            label = squeeze(cells[split]).rstrip(":：")
            values = tuple(
                _cell(block, number, row_number, line, path, measure_for(path) or "", text, file)
                # every headed column, blank where the line ends early; a blank column with no heading is no cell
                for path, text in zip_longest(spending_paths, cells[split + 1 :], fillvalue="")
                if path or text
            )
            code = class_code_for_name(label) if CLASS_ORDINAL.match(label) else None
            rows.append(Row(row_number, label, _row_role(label, code or "", None), values, line.number, line.page, function_code=code, side="支出"))
    return _table(block, number, paths, _with_grand_totals(rows), notes)


def _with_grand_totals(rows: list[Row]) -> list[Row]:
    """In a 决算 summary the year's total is 本年收入合计 / 本年支出合计, and 总计 adds the balances carried in
    or out: the year's total is the one its lines add up to."""
    sides_with_year_total = {r.side for r in rows if YEAR_TOTAL.match(key(r.label))}
    return [
        replace(r, role=RowRole.TOTAL) if YEAR_TOTAL.match(key(r.label))
        else replace(r, role=RowRole.GRAND_TOTAL) if r.role is RowRole.TOTAL and r.side in sides_with_year_total
        else r
        for r in rows
    ]


def _with_meetings_and_training(measures: dict[int, str | None], paths: list[str]) -> dict[int, str | None]:
    """A 三公 table that prints 会议费 and 培训费 beside the 三公 (江苏) heads their sum 合计 and the 三公's own total
    “三公”经费/小计: the 合计 is the sum of all three."""
    if "meetingFees" not in measures.values() or list(measures.values()).count("total") < 2:
        return measures
    return {i: "threePublicMeetingsAndTraining" if m == "total" and "三公" not in paths[i] else m for i, m in measures.items()}


def _column_role(path: str) -> str:
    parts = [key(part) for part in path.split("/")]
    if parts[-1] in CODE_HEADERS or any(part.endswith(("科目编码", "科目代码")) for part in parts):
        return "code"
    if parts[-1] == UNIT_CODE_HEADER:
        return "unit-code"
    if parts[-1] in LABEL_HEADERS or parts[-1].endswith("名称"):
        return "label"
    if comparison_kind(path):
        return "comparison"
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
    """A cell's amount; text that is no amount is an error of the document, or, read by OCR, a figure whose
    reading failed (confidence 0), kept to be reported."""
    amount = parse_amount(text)
    confidence = line.confidence_of(text)
    if amount is None and squeeze(text) not in NO_FIGURE and not NOT_APPLICABLE.match(key(text)):
        if confidence is None:
            raise BudgetgraphError(f"{text!r} in column {column!r} of {block.title.text} is not an amount", file=file, place=line.place)
        confidence = Decimal(0)
    return Cell(column, measure, amount, text, Location(file, line.number, table, row, column, line.page), confidence)
