"""The triples a document maps to, collected as a plain ordered set.

rdflib's ``Graph.add`` costs about 16 µs a triple (events, context bookkeeping), which was most of the
mapping time of a seed-sized document; the mapper only adds, so it collects here and an rdflib ``Graph`` is
built only for those who ask for one (export, pySHACL).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph
from rdflib import XSD, Graph, Literal, Namespace
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


def canonical_ntriples(graph: Graph) -> bytes:
    """The graph's N-Triples with its blank nodes named by RDFC-1.0, in sorted lines: rdflib writes a graph in
    the order of its terms' hashes and names blank nodes at random, both of which differ from one process to the
    next, and a shared graph must be the same bytes (its digest) in every process that writes it."""
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad.triple} .\n" for quad in dataset)).encode("utf-8")


class Triples:
    def __init__(self, prefixes: dict[str, Namespace] | None = None) -> None:
        self.prefixes = prefixes or {}
        self._triples: dict[Triple, None] | None = {}
        self._written: bytes | None = None  # the N-Triples, once written or as unpickled

    def add(self, triple: Triple) -> None:
        self._set()[triple] = None
        self._written = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._set())

    def __len__(self) -> int:
        if self._triples is None and self._written is not None:
            return self._written.count(b"\n")  # one triple a line: line breaks in literals are escaped
        return len(self._set())

    def graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace)
        for triple in self._set():
            graph.add(triple)
        return graph

    def ntriples(self) -> bytes:
        """N-Triples in insertion order."""
        if self._written is None:
            self._written = "".join(f"{s.n3()} {p.n3()} {_ntriples_term(o)} .\n" for s, p, o in self._set()).encode("utf-8")
        return self._written

    def __getstate__(self) -> dict[str, object]:
        """Pickled as its N-Triples, parsed back only if asked for: a worker process hands a document to the
        loading process several times faster than as rdflib terms, and the loader only needs the N-Triples."""
        return {"prefixes": self.prefixes, "ntriples": self.ntriples()}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.prefixes = state["prefixes"]  # type: ignore[assignment]
        self._written = state["ntriples"]  # type: ignore[assignment]
        self._triples = None

    def _set(self) -> dict[Triple, None]:
        if self._triples is None:
            self._triples = dict.fromkeys(Graph().parse(data=self._written, format="nt"))
        return self._triples


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


def decimal(value: object) -> Literal:
    """An exact xsd:decimal, with the digits as published (10.00 stays 10.00)."""
    return Literal(str(value), datatype=XSD.decimal)


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)
