"""The 部门（单位）整体支出绩效目标表: a form, not a grid. Its sections are found by their printed labels and
read in reading order, because extraction shifts its cells between columns from one line to the next."""

from __future__ import annotations

import re
from decimal import Decimal

from budgetgraph.errors import UnsupportedLayout
from budgetgraph.ingest.amounts import parse_amount
from budgetgraph.normalise import key, squeeze
from budgetgraph.ingest.layout import PART_OF, measure_for
from budgetgraph.ingest.tables import TableBlock
from budgetgraph.ingest.text import Line
from budgetgraph.records import Cell, Goal, Indicator, Location, PerformancePlan, Row, RowRole, Table, Target

# 二级指标 → 一级指标, the Ministry of Finance's indicator framework (财预〔2020〕10号).
LEVEL2 = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "质量目标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益": "效益指标",
    "经济效益指标": "效益指标",
    "社会效益": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "可持续发展影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
}
LEVEL1 = {"产出指标", "效益指标", "满意度指标"}
SECTION_LABELS = re.compile(r"^(产出指标\(.*\)|年度绩效目标|一级指标|二级指标|三级指标|指标值)$")
TARGET = re.compile(r"^(?P<cmp>[≥≤><=＞＜≈约]?)\s*(?P<value>\d+(\.\d+)?)\s*(?P<unit>%|‰|万元|元|人次|人|份|天|次|个|台|套|件|项|辆|小时|年|月|日|户|家|册|本|场|处|平方米|公里|米|篇|期|批)?$")
TASK_MEASURES = ("总金额", "财政资金", "其他资金")
SUMMARY_SECTIONS = {"单位年度收入预算(万元)": "收入预算", "单位年度支出预算(万元)": "支出预算"}
SUMMARY_STOP = ("三公经费合计", "固定资产", "年度预算测算依据", "参与目标设置人员")


def parse_target(text: str) -> Target:
    """A printed target: "≥95%" → (≥, 95, %); "7人" → (=, 7, 人); "按质按量" stays qualitative.

    >>> parse_target("≥95%")
    Target(text='≥95%', comparator='≥', value=Decimal('95'), unit='%')
    """
    folded = squeeze(text).replace("＞", ">").replace("＜", "<").replace("约", "≈")
    match = TARGET.fullmatch(folded)
    if not match:
        return Target(text)
    return Target(text, match["cmp"] or "=", Decimal(match["value"]), match["unit"])


def parse_performance(block: TableBlock, number: int, file: str) -> tuple[Table, PerformancePlan]:
    lines = block.lines
    def index_of(label: str, start: int = 0) -> int | None:
        return next((i for i in range(start, len(lines)) if any(key(c).startswith(label) for c in lines[i].filled)), None)

    tasks_at, goals_at, indicators_at = index_of("任务名称"), index_of("年度总体目标"), index_of("一级指标")
    summary_at = index_of("整体目标设置说明") or index_of("单位年度收入预算")
    if None in (tasks_at, goals_at, indicators_at, summary_at):
        raise UnsupportedLayout("绩效目标表 without its task, goal or indicator sections", file=file, place=block.title.place)
    assert tasks_at is not None and goals_at is not None and indicators_at is not None and summary_at is not None
    unit_code, unit_name = _identity(lines[:tasks_at])
    rows: list[Row] = []
    for line in lines[tasks_at + 1 : goals_at]:
        if row := _task_row(line, len(rows) + 1, number, file):
            rows.append(row)
    goals = tuple(_goal(line, file) for line in lines[goals_at:indicators_at] if len(_texts(line)) >= 2)
    indicators = _indicators(lines[indicators_at + 1 : summary_at], file)
    rows.extend(_summary_rows(lines[summary_at:], len(rows), number, file))
    table = Table(number, block.kind, squeeze(block.title.text), block.unit, TASK_MEASURES, tuple(rows), block.title.number)
    return table, PerformancePlan(number, unit_code, unit_name, goals, indicators)


def _texts(line: Line) -> list[str]:
    """Filled cells without the section labels printed in the form's left margin."""
    return [squeeze(c) for c in line.filled if not SECTION_LABELS.match(key(c)) and key(c) not in {"年度主要工作内容", "年度总体目标"}]


def _identity(lines: list[Line]) -> tuple[str | None, str | None]:
    code = name = None
    for line in lines:
        cells = line.filled
        for position, cell in enumerate(cells[:-1]):
            if key(cell) == "预算编码":
                code = cells[position + 1]
            if key(cell) == "部门(单位)名称":
                name = squeeze(cells[position + 1])
    return code, name


def _task_row(line: Line, row_number: int, table: int, file: str) -> Row | None:
    texts = [c for c in _texts(line) if parse_amount(c) is None]
    amounts = [c for c in line.filled if parse_amount(c) is not None]
    if not amounts or not texts:
        return None
    cells = tuple(
        Cell(column, measure_for(column) or "", parse_amount(text), text, Location(file, line.number, table, row_number, column, line.page))
        for column, text in zip(TASK_MEASURES, amounts, strict=False)
    )
    description = "；".join(texts[1:]) or None
    return Row(row_number, texts[0], RowRole.ITEM, cells, line.number, section="年度主要工作内容", description=description)


def _goal(line: Line, file: str) -> Goal:
    name, description = _texts(line)[:2]
    return Goal(name, description, Location(file, line.number, page=line.page))


def _indicators(lines: list[Line], file: str) -> tuple[Indicator, ...]:
    level1, level2 = "", ""
    found = []
    for line in lines:
        names = []
        for cell in _texts(line):
            folded = key(cell)
            if folded in LEVEL1:
                level1 = folded
            elif folded in LEVEL2:
                level2, level1 = folded, LEVEL2[folded]
            else:
                names.append(cell)
        if len(names) >= 2 and level2:
            found.append(Indicator(level1, level2, names[-2], parse_target(names[-1]), Location(file, line.number, page=line.page)))
    return tuple(found)


def _summary_rows(lines: list[Line], numbered: int, table: int, file: str) -> list[Row]:
    """"单位年度收入预算" and "…支出预算": labels over several lines, then one line of amounts in the same order."""
    rows: list[Row] = []
    section: str | None = None
    labels: list[str] = []
    for line in lines:
        first = key(line.filled[0])
        if first.startswith(SUMMARY_STOP):
            section = None
        elif first in SUMMARY_SECTIONS:
            section, labels = SUMMARY_SECTIONS[first], []
        elif section and any(parse_amount(c) is not None for c in line.cells):
            number = numbered + len(rows) + 1
            cells = tuple(
                Cell(label, measure_for(label) or "", parse_amount(text), text, Location(file, line.number, table, number, label, line.page))
                for label, text in zip(_tree_order(labels), line.cells, strict=False)
            )
            side = "收入" if section == "收入预算" else "支出"
            rows.append(Row(number, section, RowRole.TOTAL, cells, line.number, line.page, side=side, section=section))
            section = None
        elif section:
            labels.extend(squeeze(c) for c in line.filled if not key(c).startswith("其中"))
    return rows


def _tree_order(labels: list[str]) -> list[str]:
    """The order the amounts are printed in: each part right after its whole (基本支出, 人员支出, 日常公用支出,
    项目支出, …), whereas the labels, stacked over lines, are read whole-first."""
    parts = {label for label in labels if measure_for(label) in PART_OF}
    ordered = []
    for label in labels:
        if label not in parts:
            ordered.append(label)
            ordered.extend(p for p in labels if p in parts and PART_OF[measure_for(p) or ""] == measure_for(label))
    return ordered
