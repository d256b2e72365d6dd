"""Which fiscal year and phase each amount column of a table is of, and which columns compare two of them.

Most tables print the document's own amounts. Some print others beside them: a 决算 its 预算数 (三公经费/合计/决算数,
or 预算数 | 决算数), a 预算 the year before (上年预算数, 2025年执行数 | 2026年预算数). Each column's reference is read
from its header: a level naming a year and a phase (2025年执行数, 上年预算数/合计), or a last level naming a phase
(…/决算数), or a whole one-level header naming a phase (预算数, 决算数) where the table prints more than one. A table that prints
only the document's own amounts has no reference at all, so its rows are named as they always were.

A comparison column (决算数为预算数的%, 增减额, 增减%) compares a row's amounts of the table's two references: the
later (by year, then phase: 预算, 调整预算, 执行数, 决算) with the earlier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetgraph.errors import BudgetgraphError, UnsupportedLayout
from budgetgraph.ingest.amounts import NO_FIGURE, parse_amount
from budgetgraph.ingest.layout import PHASE_COLUMNS, measure_for, split_phase
from budgetgraph.normalise import key, squeeze
from budgetgraph.records import ClaimKind, Location, Phase, PrintedComparison

# A header level naming a year and a phase: 2025年执行数, 上年预算数, 本年预算数, 2024年度决算数.
YEAR_LEVEL = re.compile(r"(?P<year>上年|本年|\d{4}年)度?(?P<phase>年初预算|预算|预计执行|执行|决算)数?")
YEAR_PHASES = {"年初预算": Phase.BUDGET, "预算": Phase.BUDGET, "预计执行": Phase.EXECUTION, "执行": Phase.EXECUTION, "决算": Phase.FINAL_ACCOUNTS}
PREVIOUS_YEAR = "比上年"
COMPARISONS: tuple[tuple[re.Pattern[str], ClaimKind], ...] = (
    (re.compile(r"决算数?(为|占)(年初|调整|全年)?预算数?的?(百分比|比例|%)?(\(%\))?|(预算)?(完成|执行)(率|比例|%)(\(%\))?"), ClaimKind.COMPLETION),
    (re.compile(r"(比上年)?(增、?减|增加)(额|数|金额)?(\((万元|千元|元)\))?"), ClaimKind.CHANGE),
    (re.compile(r"(比上年)?(增、?减|增长|增幅)(率|幅度|比例)?(%|\(%\))|(比上年)?(增、?减|增长)(率|幅度)"), ClaimKind.GROWTH),
)
PHASE_ORDER = (Phase.BUDGET, Phase.REVISED_BUDGET, Phase.EXECUTION, Phase.FINAL_ACCOUNTS)


@dataclass(frozen=True)
class Reference:
    """The fiscal year (None: the document's) and the phase (None: the document's) of a column's amounts."""

    year: int | None = None
    phase: Phase | None = None


OWN = Reference()


@dataclass(frozen=True)
class AmountColumn:
    measure_path: str  # the header path without a last level that names a phase
    reference: Reference


@dataclass(frozen=True)
class ComparisonColumn:
    index: int
    path: str
    kind: ClaimKind
    measure: str
    reference: Reference  # of the later amount, whose row holds the comparison
    base: Reference  # of the earlier amount, which it is compared with


def comparison_kind(path: str) -> ClaimKind | None:
    """What a column's last header level says it compares (完成率, 增减额, 增减%), or None."""
    last = key(path.split("/")[-1])
    return next((kind for pattern, kind in COMPARISONS if pattern.fullmatch(last)), None)


def amount_columns(paths: dict[int, str], fiscal_year: int, phase: Phase) -> dict[int, AmountColumn]:
    """Each amount column's measure path and reference, for a document of ``fiscal_year`` and ``phase``."""
    columns = {i: _column(path, fiscal_year) for i, path in paths.items()}
    bare = {i: found for i, path in paths.items() if "/" not in path and (found := PHASE_COLUMNS.get(key(path)))}
    if len(set(bare.values())) > 1:
        columns.update({i: AmountColumn(paths[i], Reference(None, found)) for i, found in bare.items()})
    references = {column.reference for column in columns.values()}
    if references <= {OWN, Reference(None, phase)} and not any(split_phase(path)[1] for path in paths.values()):
        return {i: AmountColumn(column.measure_path, OWN) for i, column in columns.items()}  # the document's own only
    return columns


def _column(path: str, fiscal_year: int) -> AmountColumn:
    measure_path, phase = split_phase(path)
    for part in measure_path.split("/"):
        if match := YEAR_LEVEL.fullmatch(key(part)):
            printed = match["year"]
            year = fiscal_year - 1 if printed == "上年" else fiscal_year if printed == "本年" else int(printed[:4])
            return AmountColumn(measure_path, Reference(None if year == fiscal_year else year, YEAR_PHASES[match["phase"]]))
    return AmountColumn(measure_path, Reference(None, phase))


def comparison_columns(
    paths: list[str], columns: dict[int, AmountColumn], measures: dict[int, str | None], document: tuple[int, Phase], title: str, place: str, file: str,
) -> list[ComparisonColumn]:
    """The columns that compare a row's amounts of the table's two references; each compares the measure its
    outer header names, if it names one, else the first one both references print."""
    indices = [i for i, path in enumerate(paths) if i not in columns and comparison_kind(path)]
    if not indices:
        return []
    printed = {column.reference for column in columns.values()}
    if len(printed) != 2:
        raise UnsupportedLayout(
            f"column {paths[indices[0]]!r} of {title} compares a row's amounts of two phases or years (预算数 and 决算数, "
            "上年执行数 and 本年预算数), but the table does not print two", file=file, place=place,
        )
    fiscal_year, phase = document
    base, current = sorted(printed, key=lambda r: (r.year or fiscal_year, PHASE_ORDER.index(r.phase or phase)))
    both = [m for i, m in measures.items() if columns[i].reference == base and m and any(columns[j].reference == current and measures[j] == m for j in measures)]
    result = []
    for i in indices:
        path = paths[i]
        if PREVIOUS_YEAR in key(path) and (base.year != fiscal_year - 1 or current.year is not None):
            raise UnsupportedLayout(f"column {path!r} of {title} compares with the year before, which the table does not print", file=file, place=place)
        outer = measure_for(path.rsplit("/", 1)[0]) if "/" in path else None  # 合计/增减%; not 比上年增、减情况/增、减金额
        measure = outer or next(iter(both), None)
        if measure not in both:
            raise UnsupportedLayout(f"column {path!r} of {title}: no amount printed for both to compare", file=file, place=place)
        result.append(ComparisonColumn(i, path, comparison_kind(path), measure, current, base))  # type: ignore[arg-type]
    return result


def printed_comparison(column: ComparisonColumn, text: str, location: Location, title: str, place: str) -> PrintedComparison:
    figure = text.strip().removesuffix("%")
    value = parse_amount(figure)
    if value is None and squeeze(figure) not in NO_FIGURE:
        raise BudgetgraphError(f"{text!r} in column {column.path!r} of {title} is not a figure", file=location.file, place=place)
    return PrintedComparison(column.kind, column.measure, column.base.phase, column.base.year, value, text, column.path, location)
