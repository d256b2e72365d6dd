"""Figures the explanatory text states: totals, shares, changes and growth rates, each tied to what it is
relative to, so that validation can recompute it from the others and from the tables."""

from __future__ import annotations

import re
from decimal import Decimal

from budgetgraph.codelists import class_code_for_name
from budgetgraph.ingest.text import Line
from budgetgraph.normalise import squeeze
from budgetgraph.records import FigureKind, Location, NarrativeFigure, TableKind

# One clause: a subject, then an amount in 万元, a change (增加/减少), a share (占) or a growth rate (增长/下降).
FIGURE = re.compile(
    r"(?P<subject>[\u4e00-\u9fff（）()“”]*?)\s*(?:年初预算)?为?\s*"
    r"(?:(?P<change>增加|减少)\s*(?P<delta>-?\d+(?:\.\d+)?)\s*万元"
    r"|(?P<growth>增长|下降)\s*(?P<rate>-?\d+(?:\.\d+)?)\s*%"
    r"|占\s*(?P<share>\d+(?:\.\d+)?)\s*%"
    r"|(?P<amount>\d+(?:\.\d+)?)\s*万元)"
)
# Subjects that name a total row of a template table: (subject pattern, table, measure).
TOTALS = (
    (re.compile(r"^支出(总计|合计)$"), TableKind.EXPENDITURE_SUMMARY, "total"),
    (re.compile(r"^基本支出$"), TableKind.EXPENDITURE_SUMMARY, "basicExpenditure"),
    (re.compile(r"^项目支出$"), TableKind.EXPENDITURE_SUMMARY, "projectExpenditure"),
    (re.compile(r"^一般公共预算支出$"), TableKind.GENERAL_BUDGET_EXPENDITURE, "total"),
    (re.compile(r"^机关运行经费(支出)?(预算)?$"), TableKind.OPERATING_COSTS, "amount"),
)
YEAR_PREFIX = re.compile(r"^(.*?\d{4}\s*)?年")
CLASS_SUBJECT = re.compile(r"(支出|\(类\)|（类）)")


def narrative_figures(lines: list[Line], file: str) -> tuple[NarrativeFigure, ...]:
    """Figures of each paragraph. Within a paragraph the first amount is the whole that shares refer to; a share
    follows its part, a growth rate follows its change, and a change refers to the amount whose subject it
    repeats (收入增加 → 收入总计)."""
    figures: list[NarrativeFigure] = []
    for line in paragraphs(lines):
        paragraph_start = len(figures)
        whole: int | None = None
        for match in FIGURE.finditer(line.text):
            subject = _subject(match["subject"])
            location = Location(file, line.number, page=line.page)
            text = squeeze(match.group(0))  # as printed, less the spaces a PDF or a text extraction puts in
            if match["amount"]:
                code = class_code_for_name(subject, exact=True) if CLASS_SUBJECT.search(subject) else None
                refers_to = next(((kind, measure) for pattern, kind, measure in TOTALS if pattern.match(subject)), None)
                figures.append(
                    NarrativeFigure(FigureKind.AMOUNT, subject, Decimal(match["amount"]), "万元", text, location, function_code=code, refers_to=refers_to)
                )
                whole = len(figures) - 1 if whole is None else whole
            elif match["share"] and whole is not None and len(figures) - 1 > whole:
                part = len(figures) - 1
                figures.append(NarrativeFigure(FigureKind.SHARE, figures[part].subject, Decimal(match["share"]), "%", text, location, base=whole, part=part))
            elif match["change"]:
                sign = -1 if match["change"] == "减少" else 1
                current = _current_for(subject, figures[paragraph_start:], paragraph_start)
                figures.append(NarrativeFigure(FigureKind.CHANGE, subject, sign * Decimal(match["delta"]), "万元", text, location, part=current))
            elif match["growth"] and figures and figures[-1].kind is FigureKind.CHANGE:
                sign = -1 if match["growth"] == "下降" else 1
                change = len(figures) - 1
                figures.append(NarrativeFigure(FigureKind.GROWTH, figures[change].subject, sign * Decimal(match["rate"]), "%", text, location, base=change))
    return tuple(figures)


def paragraphs(lines: list[Line]) -> list[Line]:
    """Rejoin sentences that PDF extraction broke over lines: a line not ending a sentence continues."""
    joined: list[Line] = []
    for line in lines:
        if joined and not re.search(r"[。；！？:：]$", joined[-1].text):
            joined[-1] = Line(joined[-1].number, (joined[-1].text + line.text,))
        else:
            joined.append(Line(line.number, (line.text,)))
    return joined


def _subject(raw: str) -> str:
    """The noun phrase before a figure, without the department and year that open many sentences."""
    subject = YEAR_PREFIX.sub("", raw)
    subject = re.sub(r"^(其中[:：]?|主要用于以下方面[:：]?)", "", subject)
    return subject.strip("：:，,；;。 ") or raw.strip()


def _current_for(subject: str, figures: list[NarrativeFigure], offset: int) -> int | None:
    """The paragraph's amount a change is about: the first whose subject starts like the change's own."""
    for index, figure in enumerate(figures):
        if figure.kind is FigureKind.AMOUNT and subject and figure.subject.startswith(subject[:2]):
            return offset + index
    return None
