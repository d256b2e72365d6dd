"""The SPARQL 1.1 Protocol endpoint (queries only; updates are refused on this public endpoint).

Results are serialised by pyoxigraph itself, with no per-row Python work; the format is chosen by the
``format`` parameter or the Accept header.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from budgetgraph.errors import BudgetgraphError
from budgetgraph.store import EmbeddedStore

RESULT_FORMATS = {
    "json": ("application/sparql-results+json", pyoxigraph.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", pyoxigraph.QueryResultsFormat.XML),
    "csv": ("text/csv", pyoxigraph.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", pyoxigraph.QueryResultsFormat.TSV),
}
GRAPH_FORMATS = {
    "turtle": ("text/turtle", pyoxigraph.RdfFormat.TURTLE),
    "nt": ("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", pyoxigraph.RdfFormat.RDF_XML),
}
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


class NotAcceptable(Exception):
    pass


def router(store: EmbeddedStore) -> APIRouter:
    routes = APIRouter()

    @routes.get("/sparql")
    async def sparql_get(request: Request) -> Response:
        query = request.query_params.get("query")
        if query is None:
            return _service_description(request)
        return await _answer(store, query, request)

    @routes.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        body = await request.body()
        if content_type == UPDATE:
            return _refuse_update()
        if content_type == DIRECT:
            return await _answer(store, body.decode("utf-8"), request)
        if content_type == FORM:
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
            if "update" in form:
                return _refuse_update()
            if "query" in form:
                return await _answer(store, form["query"], request, form.get("format"))
        return PlainTextResponse("expected a query: form field 'query' or a body of type application/sparql-query", status_code=400)

    return routes


def _refuse_update() -> Response:
    return PlainTextResponse("updates are not accepted on the public endpoint", status_code=403)


async def _answer(store: EmbeddedStore, query: str, request: Request, form_format: str | None = None) -> Response:
    wanted = form_format or request.query_params.get("format")
    accept = request.headers.get("accept", "*/*")
    try:
        media_type, body = await run_in_threadpool(_evaluate, store, query, wanted, accept)
    except BudgetgraphError as error:
        return PlainTextResponse(error.message, status_code=400)
    except NotAcceptable as error:
        return PlainTextResponse(str(error), status_code=406)
    return Response(body, media_type=media_type)


def _evaluate(store: EmbeddedStore, query: str, wanted: str | None, accept: str) -> tuple[str, bytes]:
    """Query and serialise in one thread: pyoxigraph's lazy results must not cross threads. Evaluation errors
    (an unknown SERVICE, say) surface while serialising."""
    result = store.query(query)
    try:
        formats = GRAPH_FORMATS if isinstance(result, pyoxigraph.QueryTriples) else RESULT_FORMATS
        media_type, fmt = _negotiate(formats, wanted, accept)
        return media_type, result.serialize(format=fmt)  # type: ignore[arg-type]
    except (OSError, RuntimeError, ValueError) as error:
        raise BudgetgraphError(f"query failed: {error}") from error
    finally:
        del result  # not left to a traceback that another thread would free


def _negotiate(formats: dict[str, tuple[str, object]], wanted: str | None, accept: str) -> tuple[str, pyoxigraph.QueryResultsFormat | pyoxigraph.RdfFormat]:
    if wanted:
        if wanted not in formats:
            raise NotAcceptable(f"format {wanted!r} is not one of {', '.join(formats)} for this query")
        return formats[wanted]  # type: ignore[return-value]
    by_type = {media_type: (media_type, fmt) for media_type, fmt in formats.values()}
    ranges = sorted(_media_ranges(accept), key=lambda r: -r[1])
    for media_range, quality in ranges:
        if quality <= 0:
            continue
        if media_range in by_type:
            return by_type[media_range]  # type: ignore[return-value]
        if media_range in ("*/*", "application/*", "text/*") or (media_range == "application/json" and "json" in formats):
            key = "json" if media_range == "application/json" else next(iter(formats))
            return formats[key]  # type: ignore[return-value]
    raise NotAcceptable(f"none of {accept!r} can be produced; available: {', '.join(by_type)}")


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media_range, *params = (p.strip() for p in part.split(";"))
        quality = next((float(p[2:]) for p in params if p.startswith("q=") and p[2:].replace(".", "", 1).isdigit()), 1.0)
        if media_range:
            ranges.append((media_range, quality))
    return ranges


def _service_description(request: Request) -> Response:
    endpoint = str(request.url_for("sparql_get"))
    formats = "".join(f"    sd:resultFormat <{iri}> ;\n" for iri in (
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON", "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV", "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "http://www.w3.org/ns/formats/Turtle", "http://www.w3.org/ns/formats/N-Triples", "http://www.w3.org/ns/formats/RDF_XML",
    ))
    description = (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        f"<{endpoint}> a sd:Service ;\n    sd:endpoint <{endpoint}> ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n" + formats +
        "    sd:feature sd:UnionDefaultGraph .\n"
    )
    return Response(description, media_type="text/turtle")
