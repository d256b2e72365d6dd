"""Who published a document, where, for which year and phase."""

from __future__ import annotations

import re
from collections import Counter

from budgetgraph.codelists import District, find_city, find_district, find_province
from budgetgraph.errors import BudgetgraphError
from budgetgraph.normalise import squeeze
from budgetgraph.ingest.layout import table_kind
from budgetgraph.ingest.text import Line
from budgetgraph.records import BudgetUnit, Phase, PerformancePlan, RowRole, Table

YEAR = re.compile(r"(20\d{2})\s*年")
BARE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
PUBLISHER = re.compile(r"^(预算主管部门|主管部门|预算单位|编制部门|编制单位|部门名称|单位名称|部门)[:：]\s*(?P<name>[^\s:：]+)")
TITLE_END = re.compile(r"^目\s*录$")
PHASE_WORD = re.compile(r"预算|决算")
DATE = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")  # a web page's publication date, not the fiscal year
SECTION = re.compile(r"^第[一二三四五六七八九十\d]+部分")  # "第二部分西宁市东方小学2016年度部门决算表"


def document_title(lines: list[Line]) -> str:
    """The cover: the first line, or the cover page's lines when the first does not name the year
    ("上海市普陀区财政局 / 年度部门决算 / 2024"); when the cover names no year either, the first heading that
    names a year and 预算 or 决算 (a page that opens with its contents, or holds one table: "施甸县2016年“三公”经费
    决算情况统计表")."""
    if not lines:
        return ""
    first = _spaced(lines[0])
    if YEAR.search(first):
        return first
    cover = _cover(lines)
    if BARE_YEAR.search(cover):
        return cover
    headings = (_spaced(line) for line in lines[:40] if len(line.filled) == 1 and len(squeeze(line.text)) <= 60)
    return next((heading for heading in headings if YEAR.search(heading) and PHASE_WORD.search(heading)), cover)


def _cover(lines: list[Line]) -> str:
    """The lines of the cover page up to its table of contents, a publisher line or a table (its title, or a row
    of cells); rows of cells before it (索引号 | … | 发布机构 | …) and dates are the web page's furniture."""
    cover: list[str] = []
    for line in lines[:6]:
        if len(line.filled) > 1 and not cover or DATE.match(squeeze(line.text)):
            continue
        if (
            TITLE_END.match(line.text.strip())
            or _publisher(line)
            or line.page not in (None, lines[0].page)
            or len(line.filled) > 1
            or table_kind(line.text) is not None
        ):
            break
        cover.append(_spaced(line))
    return " ".join(cover)


def _spaced(line: Line) -> str:
    """A line's text with its runs of blanks as one space, as a title is kept."""
    return " ".join(line.text.split())


def fiscal_year(title: str, file: str) -> int:
    if match := YEAR.search(title) or BARE_YEAR.search(title):
        return int(match.group(1))
    raise BudgetgraphError("the title states no fiscal year (expected e.g. '2021 年度部门预算')", file=file, place="line 1")


def scope(title: str) -> str:
    return "单位" if re.search(r"单位(预算|决算)", title) else "部门"


def publisher(lines: list[Line]) -> str | None:
    """The department or unit a cover or table heading names (预算主管部门：…, 编制单位：…)."""
    return next((match["name"] for line in lines if (match := _publisher(line))), None)


def _publisher(line: Line) -> re.Match[str] | None:
    """部门：… alone on its line, or in the first cell of a row (部门:… | | 单位:元)."""
    return PUBLISHER.match(line.filled[0].strip()) if line.filled else None


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


def department(title: str, named: str | None, plan: PerformancePlan | None, units: tuple[BudgetUnit, ...]) -> tuple[str, str | None]:
    """The department's full name and code: the 绩效目标表 states both; else a heading names it; else the unit
    named in the title."""
    if plan and plan.unit_name:
        return plan.unit_name, plan.unit_code
    if named:
        return named, next((u.code for u in units if u.name == named), None)
    head = re.sub(r"(\d{4})?年度?$", "", SECTION.sub("", squeeze(title.split("部门")[0])))
    # the name before the year ("南通市国资委2016年财政拨款…"), or after it ("2015年桂林市司法局部门…")
    before, *after = re.split(r"\d{4}年度?", head, maxsplit=1)
    head = before or (re.split(r"财政拨款|“?三公|一般公共预算|[区市县]本级", after[0])[0] if after else head)
    matching = [u for u in units if head and head in u.name]
    if matching:
        return matching[0].name, matching[0].code
    return head or title, None


def district(texts: list[str], file: str) -> District:
    for text in texts:
        if found := find_district(text):
            return found
    for text in texts:  # a city's own department (桂林市司法局) names no county-level division
        if found := find_city(text):
            return found
    for text in texts:  # nor does a province's (江苏省人民检察院)
        if found := find_province(text):
            return found
    raise BudgetgraphError(
        "cannot tell which district published the document: its title and department name no division of the"
        " gazetteer, or name one shared by several (add the city: 上海市普陀区, not 普陀区)",
        file=file,
        place="line 1",
    )


def amount_unit(units: list[str]) -> str:
    """The unit most of a document's tables print, read or not (a document whose one table is unread still says
    单位：元)."""
    return Counter(units).most_common(1)[0][0]
