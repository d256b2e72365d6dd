"""The FastAPI application: the SPARQL endpoint and the home page, over one store."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from budgetgraph import __version__
from budgetgraph.resources import resource
from budgetgraph.service import sparql
from budgetgraph.service.ontology_docs import render
from budgetgraph.validation.shacl import ontology
from budgetgraph.store import EmbeddedStore

TEMPLATES = Path(__file__).resolve().parent / "templates"
LIST_DATASETS = """
PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?dataset ?title ?year WHERE { ?dataset a bg:BudgetDataset ; dct:title ?title ; bg:fiscalYear ?year }
ORDER BY ?title
"""
ONTOLOGY_PAGE = cache(lambda: render(ontology()))
EXAMPLE_QUERY = resource("queries", "general-budget-by-class.rq").read_text(encoding="utf-8")


def create_app(store: EmbeddedStore, *, base: str) -> FastAPI:
    app = FastAPI(title="budgetgraph", version=__version__, description="Public budget disclosures as linked open data.")
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
    app.include_router(sparql.router(store))
    templates = Jinja2Templates(directory=str(TEMPLATES))

    @app.get("/def", response_class=HTMLResponse)
    async def ontology_page(request: Request) -> Response:
        """The ontology: its documentation for browsers, its Turtle for code (Accept: text/turtle)."""
        if "text/turtle" in request.headers.get("accept", ""):
            return Response(resource("ontology", "budgetgraph.ttl").read_bytes(), media_type="text/turtle")
        return HTMLResponse(ONTOLOGY_PAGE())

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        datasets = await run_in_threadpool(_datasets, store)
        context = {"datasets": datasets, "quads": len(store), "graphs": len(store.graph_names()), "example": EXAMPLE_QUERY, "base": base}
        return templates.TemplateResponse(request, "home.html", context)

    return app


def _datasets(store: EmbeddedStore) -> list[dict[str, str]]:
    """Read in the worker thread and released there: pyoxigraph's results must not cross threads."""
    solutions = store.query(LIST_DATASETS)
    rows = [{name: solution[name].value for name in ("dataset", "title", "year")} for solution in solutions]  # type: ignore[union-attr,index]
    del solutions
    return rows
