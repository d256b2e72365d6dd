"""Comparisons a researcher asks for: districts or departments, years, one phase, one classification level.

The figures come from the library queries ``expenditure-by-level`` (类, 款, 项) and ``expenditure-by-cofog``, which
read published rows and convert every amount to 万元, answered from the observation table by DuckDB where the store
has one (the same answers, faster at scale), else by SPARQL; this module picks, groups and writes them (table,
CSV, SVG).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from budgetgraph import library
from budgetgraph.analytic.questions import Analytics
from budgetgraph.store import GraphStore

COFOG = "cofog"
LEVELS = {"lei": "类", "kuan": "款", "xiang": "项", COFOG: "COFOG"}
PHASES = ("budget", "revised-budget", "final-accounts")
GROUPINGS = ("department", "district")
COLUMNS = ("group", "district", "year", "code", "name", "amount_wan_yuan")


@dataclass(frozen=True)
class Selection:
    districts: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # parts of department names: 统计局 picks every 统计局
    years: tuple[int, ...] = ()
    phase: str = "budget"
    level: str = "lei"  # lei, kuan, xiang (or 类, 款, 项), or cofog
    by: str = "department"  # or district: the departments of a district added up


@dataclass(frozen=True)
class Bar:
    group: str  # the department, or the district
    district: str
    year: int
    code: str
    name: str
    amount: Decimal  # 万元


@dataclass(frozen=True)
class Comparison:
    bars: list[Bar]
    notes: list[str] = field(default_factory=list)  # codes that do not mean the same in every year compared


def compare(store: GraphStore, selection: Selection, analytics: Analytics | None = None) -> Comparison:
    if selection.by not in GROUPINGS:
        raise library.ParameterError(f"compare by one of {', '.join(GROUPINGS)}, not {selection.by!r}")
    cofog = selection.level == COFOG
    query = library.get("expenditure-by-cofog" if cofog else "expenditure-by-level")
    fixed = {"phase": selection.phase} | ({} if cofog else {"level": selection.level})
    rows = []
    for district in selection.districts or (None,):
        for year in selection.years or (None,):
            chosen = {name: value for name, value in (("district", district), ("year", year)) if value is not None}
            values = fixed | chosen
            answered = analytics.answers(query.name, values) if analytics is not None else None
            rows += library.run(store, query, values) if answered is None else answered
    if selection.departments:
        rows = [r for r in rows if any(part in str(r["department"]) for part in selection.departments)]
    return Comparison(_bars(rows, selection.by), code_changes(rows))


def _bars(rows: Iterable[dict[str, object]], by: str) -> list[Bar]:
    totals: dict[tuple[str, str, int, str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        group = str(row["department"] if by == "department" else row["districtName"])
        totals[group, str(row["district"]), cast(int, row["year"]), str(row["code"]), str(row["name"])] += cast(Decimal, row["amount"])
    bars = [Bar(*key, amount) for key, amount in totals.items()]
    return sorted(bars, key=lambda bar: (bar.code, bar.year, bar.district, bar.group))


def code_changes(rows: Iterable[dict[str, object]]) -> list[str]:
    """What a reader must know when one code is compared over years: the functional scheme is one per year, each
    year's code pointing to the concept of the edition it stands for (skos:exactMatch). A code that stands for
    different concepts in different years, or a concept printed under different codes, is named."""
    years_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in rows:
        years_of[str(row["code"]), str(row["edition"])].add(cast(int, row["year"]))
    notes = []
    for code in sorted({code for code, _ in years_of}):
        meanings = {edition: years for (c, edition), years in years_of.items() if c == code}
        if len(meanings) > 1:
            notes.append(f"code {code} changed meaning between years: " + "; ".join(f"{_years(y)} {e}" for e, y in sorted(meanings.items())))
    for edition in sorted({edition for _, edition in years_of}):
        codes = {code: years for (code, e), years in years_of.items() if e == edition}
        if len(codes) > 1:
            notes.append(f"{edition} is printed under different codes: " + "; ".join(f"{code} in {_years(y)}" for code, y in sorted(codes.items())))
    return notes


def _years(years: set[int]) -> str:
    return ", ".join(map(str, sorted(years)))


def table_rows(comparison: Comparison) -> list[list[str]]:
    return [[bar.group, bar.district, str(bar.year), bar.code, bar.name, str(bar.amount)] for bar in comparison.bars]


def csv_text(comparison: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(table_rows(comparison))
    return out.getvalue()


def write_csv(comparison: Comparison, path: Path) -> None:
    path.write_text(csv_text(comparison), encoding="utf-8", newline="")


# The chart's geometry, in SVG user units.
BAR_HEIGHT, GAP, MARGIN, PLOT_WIDTH, CHAR_WIDTH, FONT_SIZE = 18, 6, 10, 480, 13, 12


def svg_chart(comparison: Comparison, title: str) -> str:
    """A horizontal bar chart, one bar per compared figure, labelled and valued; plain SVG, every text escaped."""
    labels = [f"{bar.group} {bar.year} {bar.code} {bar.name}" for bar in comparison.bars]
    label_width = CHAR_WIDTH * max((len(label) for label in labels), default=0)
    largest = max((bar.amount for bar in comparison.bars), default=Decimal(0))
    scale = Decimal(PLOT_WIDTH) / largest if largest > 0 else Decimal(0)
    top = MARGIN + 2 * FONT_SIZE
    width = 2 * MARGIN + label_width + PLOT_WIDTH + 12 * CHAR_WIDTH
    height = top + len(labels) * (BAR_HEIGHT + GAP) + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{MARGIN}" y="{MARGIN + FONT_SIZE}" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, bar) in enumerate(zip(labels, comparison.bars, strict=True)):
        y = top + index * (BAR_HEIGHT + GAP)
        length = max(0, round(bar.amount * scale))
        x = MARGIN + label_width
        middle = y + BAR_HEIGHT // 2 + FONT_SIZE // 3
        parts += [
            f'<text x="{x - 6}" y="{middle}" text-anchor="end">{escape(label)}</text>',
            f'<rect x="{x}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#4c72b0"><title>{escape(label)}: {bar.amount} 万元</title></rect>',
            f'<text x="{x + length + 6}" y="{middle}">{escape(str(bar.amount))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def chart_title(selection: Selection) -> str:
    level = LEVELS.get(selection.level, selection.level)
    years = ", ".join(map(str, selection.years)) or "all years"
    return f"Expenditure by {level}, {selection.phase}, {years} (万元)"


def parse_years(values: Sequence[str]) -> tuple[int, ...]:
    """Years as given on the command line or the page: 2021, or a range 2019-2023 (four digits each, so a range
    stays short)."""
    years: list[int] = []
    for value in values:
        if not re.fullmatch(r"[0-9]{4}(-[0-9]{4})?", value):
            raise library.ParameterError(f"year: {value!r} is not a year (2021) or a range (2019-2023)")
        first, _, last = value.partition("-")
        years += range(int(first), int(last or first) + 1)
    return tuple(years)
