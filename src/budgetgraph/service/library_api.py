"""The query library over HTTP: ``GET /queries`` lists the named queries of ``queries/`` with their parameters;
``GET /queries/{name}?param=value…`` runs one, answered like ``/sparql`` (any SPARQL results format, by
``Accept`` or ``format=``, within the endpoint's limits). Values are bound as typed terms, never pasted into
the query text.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from budgetgraph import library
from budgetgraph.service import sparql
from budgetgraph.service.answers import QueryCall
from budgetgraph.service.evaluation import Evaluator


def router(evaluator: Evaluator) -> APIRouter:
    routes = APIRouter()

    @routes.get("/queries")
    def listing() -> JSONResponse:
        return JSONResponse([_summary(query) for query in library.queries().values()])

    @routes.get("/queries/{name}")
    async def run(name: str, request: Request) -> Response:
        query = library.queries().get(name)
        if query is None:
            return PlainTextResponse(f"no library query {name!r}; GET /queries lists them", status_code=404)
        values = {key: value for key, value in request.query_params.items() if key != "format"}
        try:
            bindings = query.bindings(values)
        except library.ParameterError as error:
            return PlainTextResponse(error.message, status_code=400)
        call = QueryCall(query.sparql, request.query_params.get("format"), sparql.accept_header(request), bindings)
        return await sparql.evaluated(evaluator, request, call)

    return routes


def _summary(query: library.LibraryQuery) -> dict[str, object]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description} for p in query.parameters
        ],
        "run": f"/queries/{query.name}",
    }
