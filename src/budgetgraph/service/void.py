"""The VoID description of the whole store at /void: where to query it, where to download it, its size and the
vocabularies it uses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pyoxigraph import Literal, NamedNode, Triple

from budgetgraph.config import DEFAULT_LICENSE
from budgetgraph.mapping.uris import Minter
from budgetgraph.service.catalog import DESCRIPTION, TITLE
from budgetgraph.service.dumps import WHOLE
from budgetgraph.service.snapshot import remembered
from budgetgraph.service.answers import W3_FORMATS
from budgetgraph.service.sparql import graph_response
from budgetgraph.service.vocabularies import DCT, PREFIXES, RDF, VOID, XSD
from budgetgraph.store import GraphStore

TERMS = "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }"


@remembered
def vocabularies(store: GraphStore) -> tuple[str, ...]:
    """The namespaces of every property and class the store uses: an IRI up to its last '#' or '/'."""
    solutions = store.query(TERMS)
    try:
        terms = [s["term"].value for s in solutions if isinstance(s["term"], NamedNode)]  # type: ignore[index]
    finally:
        del solutions  # released in the thread that made it
    return tuple(sorted({term[: max(term.rfind("#"), term.rfind("/")) + 1] for term in terms}))


@remembered
def size(store: GraphStore) -> int:
    return len(store)


def router(store: GraphStore, base: str, *, license: str = DEFAULT_LICENSE) -> APIRouter:
    routes = APIRouter(tags=["catalog"])
    base = Minter(base).base

    @routes.get("/void", response_class=Response)
    def void(request: Request, format: str | None = None) -> Response:
        """The store as one void:Dataset, in Turtle, RDF/XML, JSON-LD or N-Triples (Accept or ``format``)."""
        dataset = NamedNode(base + "void#budgetgraph")
        triples = [
            Triple(dataset, RDF.type, VOID.Dataset),
            *(Triple(dataset, DCT.title, title) for title in TITLE),
            Triple(dataset, DCT.description, DESCRIPTION),
            Triple(dataset, DCT.license, NamedNode(license)),
            Triple(dataset, VOID.sparqlEndpoint, NamedNode(base + "sparql")),
            Triple(dataset, VOID.dataDump, NamedNode(f"{base}dumps/{WHOLE}")),
            Triple(dataset, VOID.feature, NamedNode(W3_FORMATS + "N-Quads")),
            Triple(dataset, VOID.triples, Literal(str(size(store)), datatype=XSD.integer)),
            Triple(dataset, VOID.uriSpace, Literal(base + "id/")),
            *(Triple(dataset, VOID.vocabulary, NamedNode(v)) for v in vocabularies(store)),
        ]
        return graph_response(request, triples, PREFIXES, format)

    return routes
