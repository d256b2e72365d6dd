"""What a claim's subject names in the document's own tables: a total of a template table, a part of the 三公, or
a functional line named by its code or by its names (类, 款, 项)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetgraph.codelists import FORMER_CLASS_NAMES, class_code_for_name
from budgetgraph.records import Phase, Row, RowRole, Table, TableKind, TableReference

TOTAL_ROLES = (RowRole.GRAND_TOTAL, RowRole.TOTAL)
THREE_PUBLIC_PARTS = (
    ("因公出国（境）费", "overseasTravel"),
    ("公务用车购置及运行(维护)?费", "officialVehicles"),
    ("公务用车购置费", "vehiclePurchase"),
    ("公务用车运行(维护)?费", "vehicleOperation"),
    ("公务接待费", "officialReception"),
)


@dataclass(frozen=True)
class Total:
    """A subject's tail, and where a table prints it: (table kind, row role, side, measure), tried in order."""

    pattern: re.Pattern[str]
    places: tuple[tuple[TableKind, tuple[RowRole, ...], str | None, str], ...]


def _total(pattern: str, *places: tuple[TableKind, tuple[RowRole, ...], str | None, str]) -> Total:
    return Total(re.compile(f"(?:{pattern})$"), places)


K = TableKind
GRAND = (RowRole.GRAND_TOTAL, RowRole.TOTAL)
YEAR = (RowRole.TOTAL,)
# Most specific first: the first pattern that matches a subject's end decides.
TOTALS = (
    _total(r"机关运行经费(支出)?(预算)?", (K.OPERATING_COSTS, YEAR, None, "amount"), (K.THREE_PUBLIC, (RowRole.TOTAL, RowRole.ITEM), None, "operatingCosts")),
    _total(r"“?三公”?经费(财政拨款)?(支出)?(预算|决算)?数?", (K.THREE_PUBLIC, (RowRole.TOTAL, RowRole.ITEM), None, "total"), (K.THREE_PUBLIC, YEAR, None, "amount")),
    _total(r"财政拨款收入?支出?总计|财政拨款收支总计", (K.FISCAL_GRANT_SUMMARY, GRAND, "支出", "total")),
    _total(r"收入支出总计|收支总计|收入总计", (K.INCOME_EXPENDITURE_SUMMARY, GRAND, "收入", "amount")),
    _total(r"支出总计", (K.INCOME_EXPENDITURE_SUMMARY, GRAND, "支出", "amount")),
    _total(r"(本年)?收入合计|收入预算", (K.INCOME_SUMMARY, YEAR, None, "total"), (K.INCOME_EXPENDITURE_SUMMARY, YEAR, "收入", "amount")),
    _total(r"一般公共预算(财政)?(拨款)?基本支出", (K.GENERAL_BUDGET_EXPENDITURE, YEAR, None, "basicExpenditure")),
    _total(r"一般公共预算(财政)?(拨款)?项目支出", (K.GENERAL_BUDGET_EXPENDITURE, YEAR, None, "projectExpenditure")),
    _total(r"一般公共预算(财政)?(拨款)?(支出|收支)(预算|决算)?", (K.GENERAL_BUDGET_EXPENDITURE, YEAR, None, "total")),
    _total(r"政府性基金(预算)?(财政)?(拨款)?(安排的)?支出(预算|决算)?", (K.GOVERNMENT_FUND_EXPENDITURE, YEAR, None, "total")),
    _total(r"国有资本经营(预算)?(财政)?(拨款)?(安排的)?支出(预算|决算)?", (K.STATE_CAPITAL_EXPENDITURE, YEAR, None, "total")),
    _total(r"财政拨款支出(预算|决算)?", (K.FISCAL_GRANT_SUMMARY, YEAR, "支出", "total")),
    _total(r"财政拨款收入", (K.INCOME_SUMMARY, YEAR, None, "fiscalGrant")),
    _total(r"事业收入", (K.INCOME_SUMMARY, YEAR, None, "institutionRevenue")),
    _total(r"(事业单位)?经营收入", (K.INCOME_SUMMARY, YEAR, None, "businessRevenue")),
    _total(r"其他收入", (K.INCOME_SUMMARY, YEAR, None, "otherRevenue")),
    _total(r"(本年)?支出合计|支出预算", (K.EXPENDITURE_SUMMARY, YEAR, None, "total")),
    _total(r"基本支出", (K.EXPENDITURE_SUMMARY, YEAR, None, "basicExpenditure")),
    _total(r"项目支出", (K.EXPENDITURE_SUMMARY, YEAR, None, "projectExpenditure")),
    _total(r"人员经费", (K.GENERAL_BUDGET_BASIC_EXPENDITURE, YEAR, None, "personnelExpenditure")),
    _total(r"(日常)?公用经费", (K.GENERAL_BUDGET_BASIC_EXPENDITURE, YEAR, None, "publicExpenditure")),
)
NAME_PATH = re.compile(r"(?P<class>[^（）“”\-—]+?)（类）(?:(?P<item>[^（）]+?)（款）)?(?:(?P<entry>[^（）]+?)（项）)?")
DASHED_PATH = re.compile(r"“?(?P<class>[^“”\-—]+)[-—](?P<item>[^“”\-—]+)(?:[-—](?P<entry>[^“”\-—]+))?”?科目")
FUNCTION_CODE = re.compile(r"(?<!\d)(?P<code>2\d{2}(?:\d{2}){0,2})(?!\d)")
CLASS_NAME = re.compile(r"(?P<class>[\u4e00-\u9fff]+?)(?:\(类\)|（类）)?支出$")


def function_line(subject: str, rows: list[Row]) -> tuple[str | None, str | None]:
    """The functional code a subject names (by code, by its 类/款/项 names, or by a 类 name alone) and the former 类
    name it uses, if any; (None, None) when it names no line."""
    if (match := FUNCTION_CODE.search(subject)) and any(row.function_code == match["code"] for row in rows):
        return match["code"], None
    if (match := NAME_PATH.search(subject) or DASHED_PATH.search(subject)) is not None:
        names = [match[group] for group in ("class", "item", "entry") if match[group]]
        if code := _by_names(names, rows):
            return code, _former(names[0])
    if (match := CLASS_NAME.search(subject.replace("(类)", "").replace("（类）", ""))) and (code := class_code_for_name(match["class"] + "支出", exact=True)):
        return code, _former(match["class"])
    return None, None


def _former(class_name: str) -> str | None:
    stem = re.sub(r"支出$", "", class_name.strip("“”"))
    return stem if stem in FORMER_CLASS_NAMES else None


def _by_names(names: list[str], rows: list[Row]) -> str | None:
    """The code whose row, and whose parents' rows, bear these names (类 first)."""
    labels = {row.function_code: _label(row.label) for row in rows if row.function_code}
    class_code = class_code_for_name(names[0], exact=True)
    for code, label in labels.items():
        if len(code) != 1 + 2 * len(names) or label != _label(names[-1]):
            continue
        if class_code and code[:3] != class_code:
            continue
        if len(names) == 3 and labels.get(code[:5]) not in (None, _label(names[1])):
            continue
        return code
    return class_code if len(names) == 1 else None


def _label(name: str) -> str:
    return re.sub(r"^[一二三四五六七八九十]+、|\s|（类）|（款）|（项）", "", name.strip("“”"))


def reference(subject: str, phase: tuple[Phase, Phase], code: str | None, tables: tuple[Table, ...]) -> TableReference | None:
    """The table cell a subject (or the functional line ``code``) is printed in, for ``phase``: the claim's and the
    document's; None when no table
    prints it (a 决算's tables print the outturn: its 年初预算 is in a table only where a row says 预算)."""
    if code:
        return _line(code, phase, tables)
    for part, measure in THREE_PUBLIC_PARTS:
        if re.search(f"{part}(支出)?(预算|决算)?(数)?$", subject):
            return _three_public_part(part, measure, phase, tables)
    for total in TOTALS:
        if total.pattern.search(subject):
            return next((ref for place in total.places if (ref := _total_cell(place, phase, tables))), None)
    return None


def _line(code: str, phase: tuple[Phase, Phase], tables: tuple[Table, ...]) -> TableReference | None:
    kinds = ((K.GENERAL_BUDGET_EXPENDITURE, "total"), (K.EXPENDITURE_SUMMARY, "total"), (K.FISCAL_GRANT_SUMMARY, "generalBudget"))
    for kind, measure in kinds:
        for table in (t for t in tables if t.kind is kind):
            row = next((r for r in table.rows if r.function_code == code and r.side in (None, "支出") and _phase_fits(r, phase) and r.amount(measure) is not None), None)
            if row:
                return TableReference(table.number, row, measure)
    return None


def _total_cell(place: tuple[TableKind, tuple[RowRole, ...], str | None, str], phase: tuple[Phase, Phase], tables: tuple[Table, ...]) -> TableReference | None:
    kind, roles, side, measure = place
    for table in (t for t in tables if t.kind is kind):
        if not table.rows:
            return TableReference(table.number, None, measure)
        for role in roles:
            rows = [r for r in table.rows if r.role is role and (side is None or r.side == side) and _phase_fits(r, phase)]
            if rows and any(c.measure == measure for c in rows[0].cells):
                return TableReference(table.number, rows[0], measure)
    return None


def _three_public_part(part: str, measure: str, phase: tuple[Phase, Phase], tables: tuple[Table, ...]) -> TableReference | None:
    """A 三公 part: a column of a table that prints the parts side by side, or a row of one that lists them."""
    for table in (t for t in tables if t.kind is K.THREE_PUBLIC):
        for row in table.rows:
            if not _phase_fits(row, phase):
                continue
            if any(c.measure == measure for c in row.cells):
                return TableReference(table.number, row, measure)
            if re.search(part.replace("费", "费用?"), _label(row.label)) and row.cells:
                return TableReference(table.number, row, row.cells[0].measure)
    return None


def _phase_fits(row: Row, phase: tuple[Phase, Phase]) -> bool:
    """Whether a row prints an amount of the claim's phase (the row's own phase, else the document's) and of the
    document's year (not a 上年执行数)."""
    wanted, printed = phase
    return row.year is None and (row.phase is wanted if row.phase else printed is wanted)
