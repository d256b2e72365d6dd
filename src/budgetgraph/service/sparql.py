"""The SPARQL 1.1 Protocol endpoint: queries only, over the union of all graphs.

Each query is answered by the service's evaluator (``evaluation.py``) in the format named by the ``format``
parameter or else the best one the ``Accept`` header allows. Updates and federated queries (SERVICE) are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from budgetgraph.service.answers import GRAPH_FORMATS, RESULT_FORMATS, NotAcceptable, QueryCall, Reply, negotiate
from budgetgraph.service.evaluation import RETRY_AFTER_S, Evaluator, Full
from budgetgraph.service.guard import has_service_pattern

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
UPDATE_REFUSED = "updates are not accepted on the public endpoint"
SERVICE_REFUSED = "federated queries (SERVICE) are not accepted on this endpoint"


def router(evaluator: Evaluator) -> APIRouter:
    routes = APIRouter()

    @routes.get("/sparql")
    async def sparql_get(request: Request) -> Response:
        return await answer_get(evaluator, request)

    @routes.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        try:
            body = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            return _text(400, "the request body is not UTF-8")
        if content_type == FORM:
            fields = parse_qsl(body)
        elif content_type == DIRECT:
            fields = [("query", body)]
        elif content_type == UPDATE:
            fields = [("update", body)]
        else:
            return _text(415, f"send the query as {FORM} (field 'query') or as {DIRECT}")
        return await _answer(evaluator, request, _first_values(fields + request.query_params.multi_items()))

    return routes


async def answer_get(evaluator: Evaluator, request: Request) -> Response:
    params = _first_values(request.query_params.multi_items())
    if "query" not in params and "update" not in params:
        return _service_description(request, params.get("format"))
    return await _answer(evaluator, request, params)


async def _answer(evaluator: Evaluator, request: Request, params: Mapping[str, str]) -> Response:
    refused = _refused(params)
    if refused:
        return refused
    call = QueryCall(params["query"], params.get("format"), accept_header(request))
    # A kept answer's query passed the guard when it was first answered.
    if not evaluator.limits.service_calls and evaluator.cached(call) is None and has_service_pattern(call.query):
        return _text(400, SERVICE_REFUSED)
    return await evaluated(evaluator, request, call)


def _refused(params: Mapping[str, str]) -> Response | None:
    """What no query string may ask, whatever its query."""
    if "update" in params:
        return _text(403, UPDATE_REFUSED)
    if params.get("query") is None:
        return _text(400, "expected a query: parameter 'query' or a body of type application/sparql-query")
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        return _text(400, "default-graph-uri and named-graph-uri are not supported: the default graph is the union of all graphs")
    return None


class DirectQueries:
    """GET /sparql answered before FastAPI's routing and middleware, which cost more than the rest of a small
    query (benchmarks/README.md, "Small-query throughput"), with the same answer and headers as the route. Only
    requests without an Origin header: the CORS middleware answers those from web pages."""

    def __init__(self, app: ASGIApp, evaluator: Evaluator) -> None:
        self.app, self.evaluator = app, evaluator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/sparql":
            request = Request(scope)
            if "origin" not in request.headers:
                response = await answer_get(self.evaluator, request)
                response.headers.add_vary_header("Origin")  # as the CORS middleware does to every answer
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def evaluated(evaluator: Evaluator, request: Request, call: QueryCall) -> Response:
    """The answer to a query already checked, in the format asked for, or the error that stopped it; 503 with
    Retry-After when the endpoint or this client has as many queries in flight as it admits."""
    try:
        with evaluator.admission.admitted(_client(request)):
            reply = await evaluator.answer(call)
    except Full as full:
        return PlainTextResponse(str(full), status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})
    return reply_response(reply)


def reply_response(reply: Reply) -> Response:
    headers = {"Vary": "Accept"} if reply.status == 200 else None
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _service_description(request: Request, wanted: str | None) -> Response:
    endpoint = pyoxigraph.NamedNode(str(request.url.replace(query="")))
    triples = [
        pyoxigraph.Triple(endpoint, RDF_TYPE, _sd("Service")),
        pyoxigraph.Triple(endpoint, _sd("endpoint"), endpoint),
        pyoxigraph.Triple(endpoint, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        pyoxigraph.Triple(endpoint, _sd("feature"), _sd("UnionDefaultGraph")),
        *(pyoxigraph.Triple(endpoint, _sd("resultFormat"), pyoxigraph.NamedNode(f.iri)) for f in RESULT_FORMATS + GRAPH_FORMATS),
    ]
    return graph_response(request, triples, {"sd": SD}, wanted)


def graph_response(request: Request, triples: Iterable[pyoxigraph.Triple], prefixes: dict[str, str], wanted: str | None) -> Response:
    """The graph in the format named by ``wanted``, else the best one the request's Accept header allows."""
    try:
        chosen = negotiate(GRAPH_FORMATS, wanted, accept_header(request))
    except NotAcceptable as error:
        return _text(406, str(error))
    body = pyoxigraph.serialize(triples, format=chosen.syntax, prefixes=prefixes)  # type: ignore[arg-type]
    return Response(body, media_type=chosen.media_type, headers={"Vary": "Accept"})


def _sd(name: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(SD + name)


def _first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The first value of each parameter: SPARQLWrapper sends ``format`` twice, its own name first."""
    params: dict[str, str] = {}
    for name, value in pairs:
        params.setdefault(name, value)
    return params


def accept_header(request: Request) -> str:
    return request.headers.get("accept") or "*/*"


def _text(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)
