"""The query page: a SPARQL editor (CodeMirror 6, bundled under ``static/``, see ``static/SOURCE.md``), the
example queries to pick from, and a Run button that POSTs to ``/sparql`` and shows the results as a table.
Nothing is loaded from another host."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from budgetgraph.mapping.uris import CODE
from budgetgraph.service.caching import cacheable
from budgetgraph.service.examples import examples
from budgetgraph.service.links import Linker
from budgetgraph.service.rendering import json_script, render

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"query-editor.js": "text/javascript", "query-page.js": "text/javascript"}


def router(base: str) -> APIRouter:
    routes = APIRouter()

    @routes.get("/query")
    def query(request: Request, example: str | None = None) -> Response:
        """The query page, the example named ``example`` (a file stem of ``queries/``) chosen, else the first."""
        chosen = next((e for e in examples() if e.name == example), examples()[0] if examples() else None)
        page = render(
            "query.html",
            examples=examples(),
            chosen=chosen,
            examples_json=json_script([asdict(e) for e in examples()]),
            instances=Linker(base).instances,
            codes=CODE,
        )
        return cacheable(request, page.encode(), "text/html; charset=utf-8")

    @routes.get("/static/{name}")
    def asset(name: str) -> Response:
        if name not in ASSETS:
            return PlainTextResponse(f"no asset {name!r}", status_code=404)
        return FileResponse(STATIC / name, media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=3600"})

    return routes
