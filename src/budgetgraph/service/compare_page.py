"""The comparison page: ``/compare`` offers the choices of ``budgetgraph compare`` (the districts, departments and
years the store holds; the phase, the level, the grouping) and, given any of them as query parameters, shows the
comparison of ``budgetgraph.compare`` as a table and an SVG bar chart; ``/compare.csv`` gives the same rows as CSV.
A choice the store does not hold, or a value of the wrong kind, is answered with 400 and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from markupsafe import Markup

from budgetgraph import compare, library
from budgetgraph.analytic.questions import Analytics
from budgetgraph.service.caching import cacheable
from budgetgraph.service.reads import select, text
from budgetgraph.service.rendering import render
from budgetgraph.store import GraphStore

# Every department document's district, department and year: what the page offers to compare.
CHOICES = """SELECT DISTINCT ?district ?districtName ?department ?year WHERE {
  ?dataset a bg:BudgetDataset ; bg:scope "部门" ; bg:fiscalYear ?year ; bg:department/skos:prefLabel ?department ;
           dct:spatial ?place .
  ?place skos:notation ?district ; skos:prefLabel ?districtName .
}"""
Values = Annotated[tuple[str, ...], Query()]


@dataclass(frozen=True)
class Asked:
    """The query parameters as given: the choices of ``budgetgraph compare``."""

    district: Values = ()
    department: Values = ()
    year: Values = ()
    phase: str = "budget"
    level: str = "lei"
    by: str = "department"


@dataclass(frozen=True)
class Choices:
    districts: dict[str, str]  # GB/T 2260 code → name
    departments: list[str]
    years: list[int]


def choices(store: GraphStore) -> Choices:
    rows = select(store, CHOICES)
    return Choices(
        districts=dict(sorted((text(row, "district"), text(row, "districtName")) for row in rows)),
        departments=sorted({text(row, "department") for row in rows}),
        years=sorted({int(text(row, "year")) for row in rows}),
    )


def selection(offered: Choices, asked: Asked) -> compare.Selection:
    """The selection the query parameters ask for; districts and years must be ones the store holds (which also
    bounds the queries a request runs). Phase, level and grouping are checked by ``compare.compare``."""
    years = compare.parse_years(asked.year)
    if unknown := [code for code in asked.district if code not in offered.districts]:
        raise library.ParameterError(f"district: no documents of {', '.join(map(repr, unknown))} here (districts: {', '.join(offered.districts)})")
    if unknown_years := [y for y in years if y not in offered.years]:
        raise library.ParameterError(f"year: no documents of {', '.join(map(str, unknown_years))} here (years: {', '.join(map(str, offered.years))})")
    return compare.Selection(asked.district, asked.department, years, asked.phase, asked.level, asked.by)


def router(store: GraphStore, analytics: Analytics | None = None) -> APIRouter:
    routes = APIRouter()

    @routes.get("/compare")
    def compare_page(request: Request, asked: Annotated[Asked, Depends()]) -> Response:
        offered = choices(store)
        context: dict[str, object] = {"choices": offered, "levels": compare.LEVELS, "phases": compare.PHASES, "groupings": compare.GROUPINGS}
        chosen = compare.Selection(asked.district, asked.department, (), asked.phase, asked.level, asked.by)
        if request.query_params:
            try:
                chosen = selection(offered, asked)
                comparison = compare.compare(store, chosen, analytics)
            except library.ParameterError as error:
                return HTMLResponse(render("compare.html", **context, selection=chosen, error=str(error)), status_code=400)
            context |= {
                "comparison": comparison,
                "columns": compare.COLUMNS,
                "rows": compare.table_rows(comparison),
                # svg_chart escapes every text it writes (the names are document text): safe to embed as it is.
                "chart": Markup(compare.svg_chart(comparison, compare.chart_title(chosen))),
                "csv": "/compare.csv?" + urlencode(request.query_params.multi_items()),
            }
        page = render("compare.html", **context, selection=chosen)
        return cacheable(request, page.encode(), "text/html; charset=utf-8")

    @routes.get("/compare.csv")
    def compare_csv(asked: Annotated[Asked, Depends()]) -> Response:
        try:
            comparison = compare.compare(store, selection(choices(store), asked), analytics)
        except library.ParameterError as error:
            return PlainTextResponse(str(error), status_code=400)
        return Response(compare.csv_text(comparison), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="compare.csv"'})

    return routes
