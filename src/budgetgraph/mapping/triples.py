"""The triples a document maps to, collected as a plain ordered set.

rdflib's ``Graph.add`` costs about 16 µs a triple (events, context bookkeeping), which was most of the
mapping time of a seed-sized document; the mapper only adds, so it collects here and an rdflib ``Graph`` is
built only for those who ask for one (export, pySHACL).
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal, Namespace
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
        """N-Triples in insertion order."""
        return "".join(f"{s.n3()} {p.n3()} {_ntriples_term(o)} .\n" for s, p, o in self._triples).encode("utf-8")


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _ntriples_term(term: Node) -> str:
    """``n3()`` of an IRI or blank node is already its N-Triples form; a literal's is Turtle, which writes a
    multi-line string in triple quotes, so literals are quoted here as N-Triples requires."""
    if not isinstance(term, Literal):
        return term.n3()
    quoted = '"' + str(term).translate(_ESCAPES) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if term.datatype:
        return f"{quoted}^^<{term.datatype}>"
    return quoted
