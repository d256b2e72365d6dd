"""Dereferencing: every IRI the graph mints under ``{base}id/`` (and every code-list IRI under
``https://w3id.org/budgetgraph/code/``) answers over HTTP, by the 303 pattern of "Cool URIs for the Semantic Web".

An IRI names a thing (a department, a row of a budget table), not a document about it, so ``GET /id/{path}`` (or
``/code/{path}``) answers ``303 See Other`` to a document describing it, chosen by the Accept header:

    text/html (browsers, and */*)  →  /page/{path}                 (code lists: /page/code/{path})
    an RDF media type              →  /data/{path}.ttl | .jsonld | .nt | .rdf

``/data/{path}`` without an extension negotiates the same RDF formats itself. The 303 pattern was chosen over hash
IRIs because the IRIs are already minted with slashes, and over serving the description at the IRI itself
(200 with Content-Location) because it keeps the thing and its description apart for every client. Unknown
resources are 404; every answer carries ``Vary: Accept`` and an ETag.
"""

from __future__ import annotations

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from budgetgraph.mapping.uris import BG
from budgetgraph.service.caching import cacheable
from budgetgraph.service.describe import describe
from budgetgraph.service.links import CODE_PREFIX, Linker
from budgetgraph.service.reads import PREFIXES, iri
from budgetgraph.service.rendering import not_found
from budgetgraph.service.answers import GRAPH_FORMATS, Format, NotAcceptable, media_ranges, negotiate, quality
from budgetgraph.service.sparql import accept_header
from budgetgraph.store import GraphStore

EXTENSIONS = {"turtle": "ttl", "jsonld": "jsonld", "nt": "nt", "rdfxml": "rdf"}
HTML_TYPES = ("text/html", "application/xhtml+xml")
NAMED = PREFIXES + "ASK { { ?r ?p ?o } UNION { ?s ?p ?r } }"
SERIALISATION_PREFIXES = {
    "bg": str(BG),
    "qb": "http://purl.org/linked-data/cube#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "sh": "http://www.w3.org/ns/shacl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def router(store: GraphStore, base: str) -> APIRouter:
    routes = APIRouter()
    linker = Linker(base)

    @routes.api_route("/id/{path:path}", methods=["GET", "HEAD"])
    def instance(path: str, request: Request) -> Response:
        return _see_other(store, linker, path, request)

    @routes.api_route("/code/{path:path}", methods=["GET", "HEAD"])
    def code(path: str, request: Request) -> Response:
        return _see_other(store, linker, CODE_PREFIX + path, request)

    @routes.api_route("/data/{path:path}", methods=["GET", "HEAD"])
    def data(path: str, request: Request) -> Response:
        try:
            path, chosen = _format_of(path, accept_header(request))
        except NotAcceptable as error:
            return PlainTextResponse(str(error), status_code=406, headers={"Vary": "Accept"})
        resource = linker.iri(path)
        triples = describe(store, resource) if _is_iri(resource) else []
        if not triples:
            return PlainTextResponse(f"no resource <{resource}> in this graph", status_code=404)
        body = pyoxigraph.serialize(triples, format=chosen.syntax, prefixes=SERIALISATION_PREFIXES)  # type: ignore[arg-type]
        return cacheable(request, body, chosen.media_type)  # type: ignore[arg-type]

    return routes


def is_named(store: GraphStore, resource: str) -> bool:
    """Whether the graph holds any triple about or pointing to ``resource``."""
    return _is_iri(resource) and bool(store.query(NAMED, substitutions={"r": iri(resource)}))


def _see_other(store: GraphStore, linker: Linker, path: str, request: Request) -> Response:
    resource = linker.iri(path)
    accept = accept_header(request)
    ranges = media_ranges(accept)
    html = quality(HTML_TYPES, ranges)
    if html > 0 and html >= max(quality(f.media_types, ranges) for f in GRAPH_FORMATS):
        if not is_named(store, resource):
            return not_found(f"There is no resource <{resource}> in this graph.")
        return RedirectResponse("/page/" + path, status_code=303, headers={"Vary": "Accept"})
    try:
        chosen = negotiate(GRAPH_FORMATS, None, accept)
    except NotAcceptable as error:
        return PlainTextResponse(f"{error}, text/html", status_code=406, headers={"Vary": "Accept"})
    if not is_named(store, resource):
        return PlainTextResponse(f"no resource <{resource}> in this graph", status_code=404)
    return RedirectResponse(f"/data/{path}.{EXTENSIONS[chosen.name]}", status_code=303, headers={"Vary": "Accept"})


def _format_of(path: str, accept: str) -> tuple[str, Format]:
    """The resource path and the format its extension names, else the best one Accept allows."""
    stem, dot, extension = path.rpartition(".")
    for candidate in GRAPH_FORMATS:
        if dot and EXTENSIONS[candidate.name] == extension:
            return stem, candidate
    return path, negotiate(GRAPH_FORMATS, None, accept)


def _is_iri(value: str) -> bool:
    try:
        iri(value)
    except ValueError:
        return False
    return True
