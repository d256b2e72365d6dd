"""The SPARQL 1.1 Protocol endpoint: queries only, over the union of all graphs.

Results are serialised by pyoxigraph itself, with no per-row Python work, in the format named by the
``format`` parameter or else the best one the ``Accept`` header allows. Updates and federated queries
(SERVICE) are refused.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from budgetgraph.config import Limits
from budgetgraph.errors import BudgetgraphError
from budgetgraph.service.guard import has_service_pattern
from budgetgraph.store import GraphStore
from budgetgraph.store.base import Term

W3_FORMATS = "http://www.w3.org/ns/formats/"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass(frozen=True)
class Format:
    name: str  # the value of the ``format`` parameter
    media_type: str
    syntax: pyoxigraph.QueryResultsFormat | pyoxigraph.RdfFormat
    iri: str  # the W3C name of the format, for the service description
    other_names: tuple[str, ...] = ()  # as SPARQLWrapper and other endpoints spell ``format``
    other_media_types: tuple[str, ...] = ()

    def is_named(self, wanted: str) -> bool:
        return wanted.lower() in (self.name, *self.other_names, self.media_type)

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)


RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", pyoxigraph.QueryResultsFormat.JSON, W3_FORMATS + "SPARQL_Results_JSON", other_media_types=("application/json",)),
    Format("xml", "application/sparql-results+xml", pyoxigraph.QueryResultsFormat.XML, W3_FORMATS + "SPARQL_Results_XML"),
    Format("csv", "text/csv", pyoxigraph.QueryResultsFormat.CSV, W3_FORMATS + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", pyoxigraph.QueryResultsFormat.TSV, W3_FORMATS + "SPARQL_Results_TSV"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", pyoxigraph.RdfFormat.TURTLE, W3_FORMATS + "Turtle", ("ttl",)),
    Format("nt", "application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES, W3_FORMATS + "N-Triples", ("ntriples",)),
    Format("rdfxml", "application/rdf+xml", pyoxigraph.RdfFormat.RDF_XML, W3_FORMATS + "RDF_XML", ("rdf+xml", "rdf", "xml")),
    Format("jsonld", "application/ld+json", pyoxigraph.RdfFormat.JSON_LD, W3_FORMATS + "JSON-LD", ("json-ld", "json"), ("application/json",)),
)
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
UPDATE_REFUSED = "updates are not accepted on the public endpoint"
SERVICE_REFUSED = "federated queries (SERVICE) are not accepted on this endpoint"


class NotAcceptable(Exception):
    pass


class LimitExceeded(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _BoundedAnswer(io.RawIOBase):
    def __init__(self, limits: Limits) -> None:
        self.limits, self.deadline, self.parts, self.size = limits, time.monotonic() + limits.timeout_s, [], 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        if self.size > self.limits.max_bytes:
            raise LimitExceeded(f"the answer is larger than this endpoint's limit of {self.limits.max_bytes:,} bytes: add a LIMIT or narrow the query", 400)
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"the query ran longer than this endpoint's limit of {self.limits.timeout_s:g} s", 503)
        self.parts.append(bytes(data))
        return len(data)


def router(store: GraphStore, limits: Limits = Limits()) -> APIRouter:
    routes = APIRouter()

    @routes.get("/sparql")
    async def sparql_get(request: Request) -> Response:
        params = _first_values(request.query_params.multi_items())
        if "query" not in params and "update" not in params:
            return _service_description(request, params.get("format"))
        return await _answer(store, limits, request, params)

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
        return await _answer(store, limits, request, _first_values(fields + request.query_params.multi_items()))

    return routes


async def _answer(store: GraphStore, limits: Limits, request: Request, params: Mapping[str, str]) -> Response:
    if "update" in params:
        return _text(403, UPDATE_REFUSED)
    query = params.get("query")
    if query is None:
        return _text(400, "expected a query: parameter 'query' or a body of type application/sparql-query")
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        return _text(400, "default-graph-uri and named-graph-uri are not supported: the default graph is the union of all graphs")
    if not limits.service_calls and has_service_pattern(query):
        return _text(400, SERVICE_REFUSED)
    return await evaluated(store, limits, request, query, params.get("format"))


async def evaluated(
    store: GraphStore, limits: Limits, request: Request, query: str, wanted: str | None, substitutions: Mapping[str, Term] | None = None
) -> Response:
    """The answer to a query already checked, in the format asked for, or the error that stopped it."""
    try:
        chosen, body = await run_in_threadpool(_evaluate, store, limits, query, wanted, accept_header(request), substitutions)
    except BudgetgraphError as error:
        return _text(400, error.message)
    except LimitExceeded as error:
        return _text(error.status, str(error))
    except OSError as error:  # a SERVICE call that failed, or the store's disk
        return _text(502, f"the query could not be evaluated: {error}")
    except NotAcceptable as error:
        return _text(406, str(error))
    return Response(body, media_type=chosen.media_type, headers={"Vary": "Accept"})


def _evaluate(
    store: GraphStore, limits: Limits, query: str, wanted: str | None, accept: str, substitutions: Mapping[str, Term] | None
) -> tuple[Format, bytes]:
    """Query, serialise and release the result in one thread: pyoxigraph's results must not cross threads."""
    result = store.query(query, substitutions)
    answer = _BoundedAnswer(limits)
    try:
        if isinstance(result, (pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean)):
            chosen = negotiate(RESULT_FORMATS, wanted, accept)
            result.serialize(answer, format=chosen.syntax)  # type: ignore[arg-type]
        else:
            chosen = negotiate(GRAPH_FORMATS, wanted, accept)
            pyoxigraph.serialize(result, answer, format=chosen.syntax)  # type: ignore[arg-type]
        return chosen, b"".join(answer.parts)
    finally:
        del result  # not left in a traceback that another thread would free


def negotiate(formats: Sequence[Format], wanted: str | None, accept: str) -> Format:
    """The format named by ``wanted``, else the one with the highest q in ``accept`` (earliest listed on ties)."""
    if wanted:
        for candidate in formats:
            if candidate.is_named(wanted):
                return candidate
        raise NotAcceptable(f"format={wanted} is not available for this query; use one of {', '.join(f.name for f in formats)}")
    ranges = media_ranges(accept)
    chosen = max(formats, key=lambda f: (quality(f.media_types, ranges), -formats.index(f)))
    if quality(chosen.media_types, ranges) <= 0:
        raise NotAcceptable(f"cannot answer in any of {accept!r}; available: {', '.join(f.media_type for f in formats)}")
    return chosen


def quality(media_types: Sequence[str], ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific media range that covers the first of ``media_types`` or its aliases (RFC 9110,
    section 12.5.1)."""
    exact = tuple(media_types)
    family = media_types[0].split("/")[0] + "/*"
    matches = [(2 if r in exact else 1 if r == family else 0, q) for r, q in ranges if r in exact or r in (family, "*/*")]
    return max(matches)[1] if matches else 0.0


def media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media_range, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media_range:
            ranges.append((media_range.lower(), weight))
    return ranges


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
