"""The default store: an on-disk pyoxigraph (RocksDB) database.

One process writes at a time (pyoxigraph's rule for on-disk stores), so the service and the CLI open it in
turn, never together. Every document is its own named graph; the default graph of queries is the union of
all graphs, so a researcher never has to name one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import URIRef

from budgetgraph.errors import BudgetgraphError
from budgetgraph.store.base import DIGEST, DIGESTS, DocumentGraphs, GraphStore, GraphWrite, QueryResult, Term, forget_digest


class EmbeddedStore(GraphStore):
    """A pyoxigraph store on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        """``read_only`` opens an on-disk store beside the process that holds it (a running ``serve``): reads
        see the store as it was when opened."""
        self.path = Path(path) if path is not None else None
        self.writes = 0  # this process is the only writer of an on-disk store, and a read-only open sees a snapshot
        try:
            if path is None:
                self.engine = pyoxigraph.Store()
            elif read_only:
                self.engine = pyoxigraph.Store.read_only(str(path))
            else:
                self.engine = pyoxigraph.Store(str(path))
                _remove_unfinished_bulk_files(Path(path))
        except OSError as error:
            raise BudgetgraphError(f"cannot open the store: {error}", file=str(path)) from error

    def query(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        bound = {pyoxigraph.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            return self.engine.query(sparql, use_default_graph_as_union=True, substitutions=bound or None)
        except SyntaxError as error:
            raise BudgetgraphError(f"invalid SPARQL query: {error}", place="query") from error

    def update(self, sparql: str) -> None:
        """A single SPARQL Update request is atomic in pyoxigraph."""
        self.writes += 1
        self.engine.update(sparql)

    def _write(self, writes: list[GraphWrite]) -> None:
        """Graphs the store does not hold yet (a document's first load) have nothing to delete, so they are
        loaded as one TriG document: one transaction, like the SPARQL update, which pyoxigraph writes more
        slowly (a generated document's first load: 62 ms against 86, median of 39). Anything to replace goes
        through the update."""
        if self._holds_any(writes):
            super()._write(writes)
            return
        self.writes += 1
        self.engine.load(_trig(writes), format=pyoxigraph.RdfFormat.TRIG)

    def bulk_write(self, documents: Sequence[DocumentGraphs]) -> None:
        """Write a batch of documents as ``replace_graphs`` of each in turn would, but every graph the store
        does not hold yet in one call of pyoxigraph's bulk loader, which writes sorted files straight into
        RocksDB (about as fast as one bulk load of the whole batch of documents: benchmarks/README.md).

        The bulk loader cannot delete, so a document that replaces a graph the store holds (its own graph, or a
        shared graph with another digest) is written after the bulk load with ``replace_graphs``, in its own
        transaction; so is a later document naming a graph it writes, so that each graph ends as the last
        document left it.

        Every document is whole after a crash, as with ``replace_graphs``: pyoxigraph 0.5's bulk loader hands the
        files of each million quads it reads to RocksDB in one ingestion (``IngestExternalFiles``, atomic across
        column families, a crash included), and a batch holds about ``pipeline.BULK_QUADS`` (100,000), so the
        store holds all of the bulk-loaded documents of a batch or none of them, and
        each replacing document is its own transaction. A read-only opener sees the store as it was when it
        opened. What a crash leaves is the loader's unfinished files, removed when the store is next opened for
        writing. When the bulk loader raises, every graph the batch was writing is removed all the same (none
        was held before, so nothing stored earlier is lost) and the error names the batch's documents.
        """
        fresh, loaded, replacing = self._bulk_plan(documents)
        if fresh:
            self._bulk_load(fresh, loaded)
        for document in replacing:
            self.replace_graphs(document.graphs, shared=document.shared)

    def _bulk_plan(self, documents: Sequence[DocumentGraphs]) -> tuple[list[GraphWrite], list[str], list[DocumentGraphs]]:
        """The graphs of the batch the store does not hold, each once, with the labels of the documents writing
        them; and the documents that must replace."""
        fresh: dict[str, GraphWrite] = {}  # by IRI: graphs found not held, which later documents need not ask about
        loaded: list[str] = []
        replacing: list[DocumentGraphs] = []
        waiting: set[URIRef] = set()  # the graphs the replacing documents write
        for document in documents:
            writes = None if waiting.intersection(document.graphs) else self._fresh_writes(document, fresh.keys())
            if writes is None:
                replacing.append(document)
                waiting.update(document.graphs)
            else:  # a graph an earlier document of the batch writes is written as the later one has it
                fresh.update((write.iri, write) for write in writes)
                loaded.append(document.label)
        return list(fresh.values()), loaded, replacing

    def _fresh_writes(self, document: DocumentGraphs, absent: Collection[str]) -> list[GraphWrite] | None:
        """What the document writes, or None when it would replace a graph the store holds (``absent``: IRIs
        known not to be held)."""
        writes = self._pending_writes(document.graphs, document.shared, absent)
        unknown = [write for write in writes if write.iri not in absent]
        return None if unknown and self._holds_any(unknown) else writes

    def _bulk_load(self, writes: list[GraphWrite], labels: list[str]) -> None:
        digests_held = self.engine.contains_named_graph(pyoxigraph.NamedNode(DIGESTS))
        self.writes += 1
        try:
            self.engine.bulk_load(_trig(writes), format=pyoxigraph.RdfFormat.TRIG)
        except Exception as error:  # whatever stopped it, what it wrote is incomplete: take it all out
            self._remove_new(writes, digests_held)
            raise BudgetgraphError(f"bulk load of {len(labels)} documents failed, none of them loaded: {error}", file=", ".join(labels)) from error

    def _remove_new(self, writes: list[GraphWrite], digests_held: bool) -> None:
        """Remove graphs the store did not hold before ``writes`` (the digest graph too, unless it was held)."""
        operations = [f"DROP SILENT GRAPH {write.iri}" for write in writes]
        operations += [forget_digest(write.iri) for write in writes if write.digest is not None]
        if not digests_held:
            operations.append(f"DROP SILENT GRAPH <{DIGESTS}>")
        self.update(" ;\n".join(operations))

    def version(self) -> int:
        return self.writes

    def optimize(self) -> None:
        """Compact the database, as after a bulk load: queries then read fewer, larger files."""
        self.engine.optimize()

    def _holds_any(self, writes: list[GraphWrite]) -> bool:
        """Whether any of the graphs has a triple or a digest in the store."""
        graphs = " ".join(write.iri for write in writes)
        return bool(self.engine.query(f"ASK {{ VALUES ?g {{ {graphs} }} {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ GRAPH <{DIGESTS}> {{ ?g ?p ?o }} }} }}"))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.engine.named_graphs() if isinstance(g, pyoxigraph.NamedNode))

    def __len__(self) -> int:
        return len(self.engine)

    def flush(self) -> None:
        if self.path is not None:
            self.engine.flush()


def _remove_unfinished_bulk_files(path: Path) -> None:
    """Delete the sorted files of bulk loads a crash stopped before they reached RocksDB: pyoxigraph writes them
    into the store directory as ``bulk-*.sst`` and deletes them itself unless its process dies (kill -9 leaves as
    many bytes as the batch, never read). Only the one read-write opener, which holds the store's lock, can bulk
    load, so once it is open no such file is in use."""
    for unfinished in path.glob("bulk-*.sst"):
        unfinished.unlink(missing_ok=True)


def _trig(writes: list[GraphWrite]) -> bytes:
    """The writes as one TriG document: each graph, and the digest of each shared one."""
    parts = []
    for write in writes:
        parts.append(b"%s {\n%s\n}\n" % (write.iri.encode(), write.ntriples))
        if write.digest is not None:
            parts.append(f'<{DIGESTS}> {{ {write.iri} <{DIGEST}> "{write.digest}" . }}\n'.encode())
    return b"".join(parts)
