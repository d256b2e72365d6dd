"""The FastAPI application over one store: the SPARQL endpoint, the linked data (dereferenceable IRIs, their pages and
RDF), the query page, the comparison page, the home page and the ontology's documentation."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response

from budgetgraph import __version__
from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.analytic.questions import Analytics
from budgetgraph.config import FileLimits, Limits
from budgetgraph.resources import resource
from budgetgraph.service import admin, catalog, compare_page, dumps, harvest, library_api, pages, query_page, resources, snapshot, sparql, void
from budgetgraph.service.answers import GRAPH_FORMATS, RESULT_FORMATS
from budgetgraph.service.crowding import RequestAdmission
from budgetgraph.service.evaluation import evaluator_for
from budgetgraph.service.links import Linker
from budgetgraph.service.ontology_docs import render
from budgetgraph.service.rendering import TEMPLATES
from budgetgraph.service.snapshot import remembered
from budgetgraph.store import GraphStore
from budgetgraph.validation.shacl import ontology

LIST_DATASETS = """
PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?d ?title ?year WHERE { ?d a bg:BudgetDataset ; dct:title ?title ; bg:fiscalYear ?year } ORDER BY ?title
"""
HOME_DATASETS = 200  # the rest are in the catalogue and on their districts' pages
ONTOLOGY_PAGE = cache(lambda: render(ontology()))
EXAMPLE_QUERY = resource("queries", "general-budget-by-class.rq").read_text(encoding="utf-8")


def create_app(
    store: GraphStore, *, base: str, admin_token: str | None = None, limits: Limits = Limits(), file_limits: FileLimits = FileLimits(),
    observations: ObservationTable | None = None,
) -> FastAPI:
    """The web service over ``store``, whose resources are named under ``base``: read-only, but for the admin
    API when ``admin_token`` is given, whose uploads are read within ``file_limits``; each SPARQL query within ``limits``. The dumps are written to a temporary
    folder and the query workers started, both gone with the application. With ``observations``, the store's
    observation table: uploads and deletes keep it in step, the comparison page is answered from it."""
    app = FastAPI(title="budgetgraph", version=__version__, description="Public budget disclosures as linked open data.")
    dumps_folder = Path(tempfile.mkdtemp(prefix="budgetgraph-dumps-"))
    weakref.finalize(app, shutil.rmtree, dumps_folder, ignore_errors=True)
    app.state.dumps_folder = dumps_folder
    evaluator = evaluator_for(store, limits)
    weakref.finalize(app, evaluator.close)
    app.state.evaluator = evaluator
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(RequestAdmission, limits=limits)
    app.add_middleware(sparql.DirectQueries, evaluator=evaluator)  # outermost: a query skips the rest
    app.include_router(sparql.router(evaluator))
    app.include_router(library_api.router(evaluator))
    app.include_router(resources.router(store, base))
    app.include_router(pages.router(store, base))
    app.include_router(query_page.router(base))
    app.include_router(compare_page.router(store, Analytics(observations, store) if observations is not None else None))
    app.include_router(catalog.router(store, base, dumps_folder, observations=observations))
    app.include_router(dumps.router(store, base, dumps_folder, observations))
    app.include_router(harvest.router(store, base))
    app.include_router(void.router(store, base))
    if admin_token:
        def store_changed() -> None:
            snapshot.forget()
            evaluator.store_changed()

        app.include_router(admin.router(store, base, admin_token, on_change=store_changed, limits=file_limits, observations=observations))

    # Plain `def` routes: FastAPI runs them in its threadpool, so reading the store never blocks the event loop.
    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        datasets = _datasets(store, base)
        page = TEMPLATES.get_template("home.html").render(
            datasets=datasets[:HOME_DATASETS],
            more=len(datasets) - HOME_DATASETS,
            size=_size(store),
            base=base,
            example=EXAMPLE_QUERY,
            formats=RESULT_FORMATS + GRAPH_FORMATS,
        )
        return HTMLResponse(page)

    @app.get("/def", response_class=HTMLResponse)
    def ontology_page(request: Request) -> Response:
        """The ontology: its documentation for browsers, its Turtle for code (Accept: text/turtle)."""
        if "text/turtle" in request.headers.get("accept", ""):
            return Response(resource("ontology", "budgetgraph.ttl").read_bytes(), media_type="text/turtle")
        return HTMLResponse(ONTOLOGY_PAGE())

    return app


@remembered
def _size(store: GraphStore) -> tuple[int, int]:
    """Quads and named graphs: counting a large store takes seconds, so once per state of the store."""
    return len(store), len(store.graph_names())


@remembered
def _datasets(store: GraphStore, base: str) -> list[dict[str, str | bool | None]]:
    """Each document's IRI, title, year and page here; only http(s) IRIs are made links (a stored IRI may be
    ``javascript:``)."""
    linker = Linker(base)
    solutions = store.query(LIST_DATASETS)
    try:
        rows = [(s["d"].value, s["title"].value, s["year"].value) for s in solutions]  # type: ignore[union-attr]
    finally:
        del solutions  # released in the thread that made it
    return [
        {"iri": iri, "title": title, "year": year, "link": iri.startswith(("http://", "https://")), "page": linker.href(iri) if linker.path(iri) else None}
        for iri, title, year in rows
    ]
