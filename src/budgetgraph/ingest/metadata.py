"""Who published a document, where, for which year and phase."""

from __future__ import annotations

import re
from collections import Counter

from budgetgraph.codelists import District, find_district
from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest.amounts import squeeze
from budgetgraph.ingest.text import Line
from budgetgraph.records import BudgetUnit, Phase, PerformancePlan, RowRole, Table

YEAR = re.compile(r"(20\d{2})\s*年")


def document_title(lines: list[Line]) -> str:
    return " ".join(lines[0].text.split()) if lines else ""


def fiscal_year(title: str, file: str) -> int:
    if match := YEAR.search(title):
        return int(match.group(1))
    raise BudgetgraphError("the title states no fiscal year (expected e.g. '2021 年度部门预算')", file=file, place="line 1")


def phase(title: str) -> Phase:
    if "决算" in title:
        return Phase.FINAL_ACCOUNTS
    if "调整预算" in title:
        return Phase.REVISED_BUDGET
    return Phase.BUDGET


def budget_units(tables: list[Table]) -> tuple[BudgetUnit, ...]:
    """The units that have their own subtotal rows, in order of first appearance."""
    units: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            if row.role is RowRole.UNIT_SUBTOTAL and row.unit_code:
                units.setdefault(row.unit_code, row.label)
    return tuple(BudgetUnit(code, name) for code, name in units.items())


def department(title: str, plan: PerformancePlan | None, units: tuple[BudgetUnit, ...]) -> tuple[str, str | None]:
    """The department's full name and code: the 绩效目标表 states both; else the unit named in the title."""
    if plan and plan.unit_name:
        return plan.unit_name, plan.unit_code
    head = squeeze(title.split("部门")[0])
    named = [u for u in units if head and head in u.name]
    if named:
        return named[0].name, named[0].code
    return head or title, None


def district(texts: list[str], file: str) -> District:
    for text in texts:
        if found := find_district(text):
            return found
    raise BudgetgraphError("cannot tell which district published the document (no known district name in its title or department)", file=file, place="line 1")


def amount_unit(tables: list[Table]) -> str:
    counts = Counter(t.unit for t in tables)
    return counts.most_common(1)[0][0] if counts else "万元"
