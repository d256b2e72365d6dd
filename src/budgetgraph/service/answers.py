"""A SPARQL query answered as the endpoint answers it: evaluated within the endpoint's limits and serialised by
pyoxigraph itself (no per-row Python work) in the format asked for, or the status and message of what stopped it.
The same function answers in the service's threads and in its query worker processes."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph

from budgetgraph.config import Limits
from budgetgraph.errors import BudgetgraphError
from budgetgraph.store import GraphStore
from budgetgraph.store.base import Term

W3_FORMATS = "http://www.w3.org/ns/formats/"

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

@dataclass(frozen=True)
class QueryCall:
    """A query checked and ready to evaluate, as it crosses to a worker process."""

    query: str
    wanted: str | None  # the ``format`` parameter
    accept: str
    substitutions: Mapping[str, Term] | None = None


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def answer(store: GraphStore, limits: Limits, call: QueryCall) -> Reply:
    """The query's answer, or the error that stopped it."""
    try:
        chosen, body = _evaluate(store, limits, call)
    except BudgetgraphError as error:
        return Reply.text(400, error.message)
    except LimitExceeded as error:
        return Reply.text(error.status, str(error))
    except OSError as error:  # a SERVICE call that failed, or the store's disk
        return Reply.text(502, f"the query could not be evaluated: {error}")
    except NotAcceptable as error:
        return Reply.text(406, str(error))
    return Reply(200, chosen.media_type, body)


def _evaluate(store: GraphStore, limits: Limits, call: QueryCall) -> tuple[Format, bytes]:
    """Query, serialise and release the result in one thread: pyoxigraph's results must not cross threads."""
    result = store.query(call.query, call.substitutions)
    written = _BoundedAnswer(limits)
    try:
        if isinstance(result, (pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean)):
            chosen = negotiate(RESULT_FORMATS, call.wanted, call.accept)
            result.serialize(written, format=chosen.syntax)  # type: ignore[arg-type]
        else:
            chosen = negotiate(GRAPH_FORMATS, call.wanted, call.accept)
            triples = _without_triple_terms(result) if chosen.syntax == pyoxigraph.RdfFormat.JSON_LD else result
            pyoxigraph.serialize(triples, written, format=chosen.syntax)  # type: ignore[arg-type]
        return chosen, b"".join(written.parts)
    finally:
        del result  # not left in a traceback that another thread would free


def _without_triple_terms(triples: Iterable[pyoxigraph.Triple]) -> Iterator[pyoxigraph.Triple]:
    """The triples, refused at the first whose object is a triple term (RDF 1.2), which pyoxigraph's JSON-LD
    cannot write."""
    for triple in triples:
        if isinstance(triple.object, pyoxigraph.Triple):
            raise NotAcceptable("the answer holds RDF 1.2 triple terms, which JSON-LD cannot carry: ask for Turtle, N-Triples or RDF/XML")
        yield triple


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
