"""The triples a document maps to, collected as a plain ordered set.

rdflib's ``Graph.add`` costs about 16 µs a triple (events, context bookkeeping), which was most of the
mapping time of a seed-sized document; the mapper only adds, so it collects here and an rdflib ``Graph`` is
built only for those who ask for one (export, pySHACL).
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Namespace
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class Triples:
    def __init__(self, prefixes: dict[str, Namespace] | None = None) -> None:
        self._triples: dict[Triple, None] = {}
        self.prefixes = prefixes or {}

    def add(self, triple: Triple) -> None:
        self._triples[triple] = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace)
        for triple in self._triples:
            graph.add(triple)
        return graph

    def ntriples(self) -> bytes:
        """N-Triples in insertion order: rdflib's ``n3()`` of a term without a namespace manager is its
        N-Triples form (full IRIs, escaped literals)."""
        return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in self._triples).encode("utf-8")
