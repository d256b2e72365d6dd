"""The default store: an on-disk pyoxigraph (RocksDB) database.

One process writes at a time (pyoxigraph's rule for on-disk stores), so the service and the CLI open it in
turn, never together. Every document is its own named graph; the default graph of queries is the union of
all graphs, so a researcher never has to name one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Union

import pyoxigraph
from rdflib import URIRef

from budgetgraph.errors import BudgetgraphError

# Where the store notes the digest of each shared graph it holds (see replace_graphs).
DIGESTS = "https://w3id.org/budgetgraph/graph-digests"
DIGEST = "https://w3id.org/budgetgraph/def#sha256"

QueryResult = Union[pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean, pyoxigraph.QueryTriples]


class EmbeddedStore:
    """A pyoxigraph store on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        """``read_only`` opens an on-disk store beside the process that holds it (a running ``serve``): reads
        see the store as it was when opened."""
        self.path = Path(path) if path is not None else None
        try:
            if path is None:
                self.engine = pyoxigraph.Store()
            elif read_only:
                self.engine = pyoxigraph.Store.read_only(str(path))
            else:
                self.engine = pyoxigraph.Store(str(path))
        except OSError as error:
            raise BudgetgraphError(f"cannot open the store: {error}", file=str(path)) from error

    def replace_graphs(self, graphs: Mapping[URIRef, bytes], *, shared: Collection[URIRef] = ()) -> None:
        """Replace each named graph by the given N-Triples, all graphs in one transaction.

        A single SPARQL Update request is atomic in pyoxigraph: either every graph is replaced or the store is
        left as it was. N-Triples escaping makes any document text safe inside the request. A ``shared`` graph
        (code lists, the ontology, a department that many documents name) is rewritten only when its content
        differs from what the store holds, which its digest in the digest graph tells.
        """
        operations = []
        for name, ntriples in graphs.items():
            iri = _checked_iri(name)
            if name in shared:
                digest = hashlib.sha256(ntriples).hexdigest()
                if self._holds(name, digest):
                    continue
                operations.append(f"DELETE WHERE {{ GRAPH <{DIGESTS}> {{ {iri} <{DIGEST}> ?old }} }}")
                operations.append(f'INSERT DATA {{ GRAPH <{DIGESTS}> {{ {iri} <{DIGEST}> "{digest}" }} }}')
            operations.append(f"DROP SILENT GRAPH {iri}")
            body = ntriples.decode("utf-8")
            if body.strip():
                operations.append(f"INSERT DATA {{ GRAPH {iri} {{\n{body}\n}} }}")
        if operations:
            self.engine.update(" ;\n".join(operations))

    def _holds(self, name: URIRef, digest: str) -> bool:
        found = self.engine.query(
            f"ASK {{ GRAPH <{DIGESTS}> {{ ?graph <{DIGEST}> ?digest }} }}",
            substitutions={pyoxigraph.Variable("graph"): pyoxigraph.NamedNode(str(name)), pyoxigraph.Variable("digest"): pyoxigraph.Literal(digest)},
        )
        return bool(found)

    def drop_graphs(self, names: list[URIRef]) -> None:
        """Remove the named graphs, all in one transaction."""
        if names:
            self.engine.update(" ;\n".join(f"DROP SILENT GRAPH {_checked_iri(n)}" for n in names))

    def query(self, sparql: str, substitutions: Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs; variables are bound by ``substitutions``."""
        bound = {pyoxigraph.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            return self.engine.query(sparql, use_default_graph_as_union=True, substitutions=bound or None)
        except SyntaxError as error:
            raise BudgetgraphError(f"invalid SPARQL query: {error}", place="query") from error

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.engine.named_graphs() if isinstance(g, pyoxigraph.NamedNode))

    def __len__(self) -> int:
        return len(self.engine)

    def flush(self) -> None:
        if self.path is not None:
            self.engine.flush()


def _checked_iri(name: URIRef) -> str:
    text = str(name)
    if any(c in text for c in '<>"{}|^`\\ ') or ":" not in text:
        raise BudgetgraphError(f"not a usable graph name: {text!r}")
    return f"<{text}>"
