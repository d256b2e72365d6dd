"""Reading the store from a route: results are consumed and released in the calling thread (pyoxigraph's results
must not cross threads), and caller values are bound as substitutions, never pasted into the query text."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph

from budgetgraph.store import GraphStore

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
Bindings = Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal]
Solution = dict[str, Term]

PREFIXES = """PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def select(store: GraphStore, query: str, bindings: Bindings | None = None) -> list[Solution]:
    """The solutions of a SELECT query as dicts of the bound variables."""
    solutions = store.query(PREFIXES + query, substitutions=bindings)
    try:
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]
    finally:
        del solutions


def construct(store: GraphStore, query: str, bindings: Bindings | None = None) -> list[pyoxigraph.Triple]:
    triples = store.query(PREFIXES + query, substitutions=bindings)
    try:
        return list(triples)  # type: ignore[arg-type]
    finally:
        del triples


def iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def text(bindings: Mapping[str, Term], name: str, default: str = "") -> str:
    term = bindings.get(name)
    return term.value if term is not None and not isinstance(term, pyoxigraph.Triple) else default
