"""What every store does the same way over SPARQL 1.1: one named graph per document, replaced atomically.

A store needs two primitives, ``query`` (over the union of all graphs) and ``update`` (one request, one
transaction); replacing and dropping graphs, listing them and counting quads are built on them here, so the
embedded store and a remote SPARQL server behave alike.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Union

import pyoxigraph
from rdflib import URIRef

from budgetgraph.errors import BudgetgraphError
from budgetgraph.store.inserts import insert_operations

# Where the store notes the digest of each shared graph it holds (see replace_graphs).
DIGESTS = "https://w3id.org/budgetgraph/graph-digests"
DIGEST = "https://w3id.org/budgetgraph/def#sha256"

Term = Union[pyoxigraph.NamedNode, pyoxigraph.Literal]
# SELECT gives solutions, ASK a boolean, CONSTRUCT and DESCRIBE an iterable of triples.
QueryResult = Union[pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean, Iterable[pyoxigraph.Triple]]


@dataclass(frozen=True)
class GraphWrite:
    """A graph to (re)write: its IRI as written in SPARQL (``<…>``), its N-Triples, and its digest when it is
    a shared graph."""

    iri: str
    ntriples: bytes
    digest: str | None


@dataclass(frozen=True)
class DocumentGraphs:
    """Every graph one document's load writes, as ``replace_graphs`` takes them, and what to call the document
    in an error (its file)."""

    label: str
    graphs: Mapping[URIRef, bytes]
    shared: Collection[URIRef]

    @property
    def own_quads(self) -> int:
        """The quads of the graphs only this document writes (shared graphs are mostly held already)."""
        return sum(ntriples.count(b"\n") for name, ntriples in self.graphs.items() if name not in self.shared)


class GraphStore(ABC):
    @abstractmethod
    def query(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs; variables are bound by ``substitutions``."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction: all of it or nothing."""

    def replace_graphs(self, graphs: Mapping[URIRef, bytes], *, shared: Collection[URIRef] = ()) -> None:
        """Replace each named graph by the given N-Triples, all graphs in one transaction.

        A ``shared`` graph (code lists, the ontology, a department that many documents name) is rewritten only
        when its content differs from what the store holds, which its digest in the digest graph tells.
        """
        writes = self._pending_writes(graphs, shared)
        if writes:
            self._write(writes)

    def _pending_writes(self, graphs: Mapping[URIRef, bytes], shared: Collection[URIRef], absent: Collection[str] = ()) -> list[GraphWrite]:
        """The graphs to write: all but the shared graphs the store holds with the same digest. The store is not
        asked about the IRIs in ``absent``, known not to be held."""
        writes = []
        for name, ntriples in graphs.items():
            iri = checked_iri(name)
            digest = hashlib.sha256(ntriples).hexdigest() if name in shared else None
            if digest is None or iri in absent or not self._holds(name, digest):
                writes.append(GraphWrite(iri, ntriples, digest))
        return writes

    def _write(self, writes: list[GraphWrite]) -> None:
        """Every write as one SPARQL update: N-Triples escaping makes any document text safe inside it."""
        operations = []
        for write in writes:
            if write.digest is not None:
                operations.append(forget_digest(write.iri))
                operations.append(f'INSERT DATA {{ GRAPH <{DIGESTS}> {{ {write.iri} <{DIGEST}> "{write.digest}" }} }}')
            operations.append(f"DROP SILENT GRAPH {write.iri}")
            operations += insert_operations(write.iri, write.ntriples)
        self.update(" ;\n".join(operations))

    def _holds(self, name: URIRef, digest: str) -> bool:
        found = self.query(
            f"ASK {{ GRAPH <{DIGESTS}> {{ ?graph <{DIGEST}> ?digest }} }}",
            {"graph": pyoxigraph.NamedNode(str(name)), "digest": pyoxigraph.Literal(digest)},
        )
        return bool(found)

    def drop_graphs(self, names: list[URIRef]) -> None:
        """Remove the named graphs, all in one transaction."""
        if names:
            self.update(" ;\n".join(f"DROP SILENT GRAPH {checked_iri(n)}" for n in names))

    def graph_names(self) -> list[str]:
        solutions = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_the_servers()} }}")
        return sorted(s["g"].value for s in solutions if isinstance(s["g"], pyoxigraph.NamedNode))  # type: ignore[index,union-attr]

    def __len__(self) -> int:
        solutions = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_the_servers()} }}")
        return int(next(iter(solutions))["n"].value)  # type: ignore[index,call-overload,arg-type]

    def server_graphs(self) -> tuple[str, ...]:
        """The graphs the server keeps for itself, which are not the store's: listed, counted and dumped with
        none of its graphs."""
        return ()

    def _not_the_servers(self) -> str:
        graphs = self.server_graphs()
        return f"FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in graphs)}))" if graphs else ""

    def flush(self) -> None:
        """Make what was written durable; a store that writes through has nothing to do."""

    def version(self) -> int | None:
        """A number that changes whenever what the store holds may have changed, for those who keep what they
        derived from it; None when that cannot be known (a server other clients write to)."""
        return None


def forget_digest(iri: str) -> str:
    """The SPARQL update removing the digest the store notes for a shared graph."""
    return f"DELETE WHERE {{ GRAPH <{DIGESTS}> {{ {iri} <{DIGEST}> ?old }} }}"


def checked_iri(name: URIRef) -> str:
    text = str(name)
    if any(c in text for c in '<>"{}|^`\\ ') or ":" not in text:
        raise BudgetgraphError(f"not a usable graph name: {text!r}")
    return f"<{text}>"
