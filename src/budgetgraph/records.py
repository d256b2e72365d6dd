"""Typed records passed between the pipeline's stages: what a budget document says, and where it says it.

``ingest`` produces a :class:`BudgetDocument`; ``mapping`` turns it into RDF. Every amount is a ``Decimal`` in
the unit the table was published in, and carries the :class:`Location` it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class Phase(Enum):
    """The budget phase a document reports (OpenBudgets.eu: approved, revised, executed); a table may print another
    phase's amounts beside its own: a 决算's 预算数, a 预算's 上年执行数 (the year's expected outturn, before its 决算)."""

    BUDGET = "预算"
    REVISED_BUDGET = "调整预算"
    EXECUTION = "执行数"
    FINAL_ACCOUNTS = "决算"


class TableKind(Enum):
    """The Ministry of Finance template tables budgetgraph recognises; the value is the URI slug."""

    INCOME_EXPENDITURE_SUMMARY = "income-expenditure-summary"  # 部门收支总表 / 财务收支预算总表 (two-sided)
    INCOME_SUMMARY = "income-summary"  # 部门收入总表
    EXPENDITURE_SUMMARY = "expenditure-summary"  # 部门支出总体情况表 / 支出预算总表
    FISCAL_GRANT_SUMMARY = "fiscal-grant-summary"  # 财政拨款收支总体情况表 (two-sided)
    GENERAL_BUDGET_EXPENDITURE = "general-budget-expenditure"  # 一般公共预算支出情况表
    GENERAL_BUDGET_BASIC_EXPENDITURE = "general-budget-basic-expenditure"  # 一般公共预算基本支出表 (经济分类)
    THREE_PUBLIC = "three-public"  # 一般公共预算"三公"经费支出情况表
    GOVERNMENT_FUND_EXPENDITURE = "government-fund-expenditure"  # 政府性基金预算支出情况表
    STATE_CAPITAL_EXPENDITURE = "state-capital-expenditure"  # 国有资本经营预算支出情况表
    PERFORMANCE_TARGETS = "performance-targets"  # 部门（单位）整体支出绩效目标申报审批表
    OPERATING_COSTS = "operating-costs"  # 机关运行经费


class RowRole(Enum):
    """What a row stands for in its table; sums are checked between roles."""

    TOTAL = "total"  # 合计 / 总计 of the whole table (in a 决算 summary: 本年收入合计, 本年支出合计)
    GRAND_TOTAL = "grand-total"  # a 决算 summary's 总计: the year's total with the balances carried in or out
    UNIT_SUBTOTAL = "unit-subtotal"  # a budget unit's own total row
    LINE = "line"  # a classified line (functional or economic code)
    ITEM = "item"  # a named item without a code (三公 items, 收入 sources, 绩效 summary)


@dataclass(frozen=True)
class Location:
    """Where a value was read: file, page (for paged formats), line (of the file, or of the page), table, row
    and column."""

    file: str
    line: int
    table: int | None = None
    row: int | None = None
    column: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class SourceFile:
    path: str
    name: str
    sha256: str
    media_type: str


@dataclass(frozen=True)
class BudgetUnit:
    """A 预算单位: code unique within its district's finance system."""

    code: str
    name: str


@dataclass(frozen=True)
class Cell:
    """One amount cell: ``amount`` is None when the cell is printed blank."""

    column: str  # the column header path, nested headers joined by "/"
    measure: str  # the measure slug the column stands for (ontology term)
    amount: Decimal | None
    text: str
    location: Location
    confidence: Decimal | None = None  # read by OCR: how sure it is of the text (0–1); 0 when that is no amount


@dataclass(frozen=True)
class PrintedComparison:
    """A cell that compares a row's amount of ``measure`` with the same row's amount of ``base_phase`` and
    ``base_year`` (决算数为预算数的%, 增减额, 增减%): COMPLETION and GROWTH state a percentage, CHANGE an amount in
    the table's unit."""

    kind: ClaimKind
    measure: str
    base_phase: Phase | None
    base_year: int | None
    value: Decimal | None
    text: str
    column: str
    location: Location

    @property
    def decimals(self) -> int:
        return decimals_of(self.value)


@dataclass(frozen=True)
class Row:
    number: int  # 1-based within the table's body
    label: str  # as printed, spaces inside words removed
    role: RowRole
    cells: tuple[Cell, ...]
    line: int
    page: int | None = None
    function_code: str | None = None  # joined 类/款/项 code, e.g. 2010350
    economic_code: str | None = None  # 部门预算支出经济分类, e.g. 30201
    unit_code: str | None = None  # the budget unit the row belongs to
    side: str | None = None  # 收入 or 支出 in two-sided tables
    section: str | None = None  # a named part of a composite table (绩效表: 年度主要工作内容, 收入预算)
    description: str | None = None  # free text printed with the row (a task's content and period)
    phase: Phase | None = None  # set when a table prints this row's amounts of several phases (预算数 | 决算数)
    year: int | None = None  # set when they are of another fiscal year than the document's (上年执行数)
    unit: str | None = None  # what the row counts in (辆, 人, 批), when it counts instead of amounts (相关统计数)
    level: int | None = None  # in a classification printed as names only, indented: 1 (类), 2 (款), 3 (项)
    parent: int | None = None  # …and the number of the row it is indented under
    comparisons: tuple[PrintedComparison, ...] = ()  # what the row prints comparing this phase's amount with another's

    def amount(self, measure: str) -> Decimal | None:
        return next((c.amount for c in self.cells if c.measure == measure), None)


@dataclass(frozen=True)
class Table:
    number: int  # order in the document, from 1
    kind: TableKind
    title: str
    unit: str  # 万元, 元 or 千元, as published
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    line: int
    page: int | None = None
    notes: tuple[str, ...] = ()  # text printed under the table ("注：…故本表为空表")

    @property
    def is_empty(self) -> bool:
        return not any(c.amount is not None for r in self.rows for c in r.cells)


@dataclass(frozen=True)
class UnreadTable:
    """A table recognised by its title whose body could not be read: reported, never silently dropped."""

    number: int
    kind: TableKind
    title: str
    place: str
    reason: str


@dataclass(frozen=True)
class Target:
    """An indicator's target, parsed from its printed value; ``value`` is None for qualitative targets."""

    text: str
    comparator: str | None = None  # ≥ ≤ > < = ≈
    value: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Indicator:
    """A performance indicator: 一级 > 二级 > 三级 path and its target."""

    level1: str
    level2: str
    name: str
    target: Target
    location: Location


@dataclass(frozen=True)
class Goal:
    name: str
    description: str
    location: Location


@dataclass(frozen=True)
class PerformancePlan:
    """The 部门（单位）整体支出绩效目标表: who, what for, and the indicators; its amounts are rows of its table."""

    table: int
    unit_code: str | None
    unit_name: str | None
    goals: tuple[Goal, ...]
    indicators: tuple[Indicator, ...]


class ClaimKind(Enum):
    """What a claim of the explanatory text states; the value is the URI slug."""

    AMOUNT = "amount"  # 收入总计 435.02 万元
    CHANGE = "change"  # 比2024年预算减少2,389.52万元 (signed)
    GROWTH = "growth"  # 增长 38.4%, 下降1.87% (signed)
    SHARE = "share"  # 占 42.1%
    COMPLETION = "completion"  # 完成年初预算的98.20%
    RELATION = "relation"  # 决算数小于预算数, 与2024年预算持平
    ABSENCE = "absence"  # 无“三公”经费财政拨款支出, 故本表为空表


@dataclass(frozen=True)
class Sentence:
    """A sentence of the explanatory text as printed, with the heading path of its section and its place:
    ``start`` and ``end`` are character offsets in its paragraph, which starts at ``location``."""

    text: str
    section: str  # e.g. "第三部分 … > 三、支出决算情况说明"; "" before the first heading
    location: Location
    start: int
    end: int


@dataclass(frozen=True)
class TableReference:
    """The table figure a claim is about: a row's cell, or a table printed without rows (空表)."""

    table: int
    row: Row | None
    measure: str


@dataclass(frozen=True)
class Claim:
    """One thing a sentence states, with what it is about and what it is relative to."""

    kind: ClaimKind
    subject: str  # what the claim is about, as the text names it
    sentence: int  # index in BudgetDocument.sentences
    text: str  # the words that state it, as printed
    start: int  # character offsets of ``text`` in the sentence
    value: Decimal | None = None
    unit: str | None = None  # 元, 万元, 亿元 or %, as printed
    phase: Phase | None = None  # the phase an amount is of (年初预算 in a 决算), when the text names one
    relation: str | None = None  # 大于, 小于, 等于 or 持平
    base_year: int | None = None  # the year the text compares with (比2024年预算 → 2024; 上年 → the year before)
    base_phase: str | None = None  # what of that year: 预算, 执行数, 决算
    base: int | None = None  # index of the claim this one is relative to: a share's whole, a growth's change,
    #   a completion's or relation's budget amount
    part: int | None = None  # a share's part, a change's current amount, a completion's or relation's outturn
    function_code: str | None = None  # the functional line it names
    former_name: str | None = None  # a 类 named by a name the code list has since replaced
    about: TableReference | None = None

    @property
    def decimals(self) -> int:
        return decimals_of(self.value)


def decimals_of(value: Decimal | None) -> int:
    """The decimals a figure is printed with: 2 for 98.20."""
    exponent = value.as_tuple().exponent if value is not None else 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True)
class BudgetDocument:
    source: SourceFile
    title: str
    department: str
    department_code: str | None
    scope: str  # 部门 (a department with its units) or 单位 (one unit)
    province: str | None
    city: str | None
    district: str
    district_code: str
    fiscal_year: int
    phase: Phase
    amount_unit: str
    budget_units: tuple[BudgetUnit, ...]
    tables: tuple[Table, ...]
    sentences: tuple[Sentence, ...] = ()
    claims: tuple[Claim, ...] = ()
    performance: PerformancePlan | None = None
    unread: tuple[UnreadTable, ...] = field(default_factory=tuple)

    def tables_of(self, kind: TableKind) -> list[Table]:
        return [t for t in self.tables if t.kind is kind]
