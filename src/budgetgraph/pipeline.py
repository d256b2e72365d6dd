"""The whole path for one source file: ingest → map → validate → load, as the CLI and the service run it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rdflib import URIRef

from budgetgraph.config import FileLimits
from budgetgraph.errors import BudgetgraphError, LimitError
from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.mapping.uris import Minter
from budgetgraph.records import BudgetDocument
from budgetgraph.store import DocumentGraphs, EmbeddedStore, GraphStore
from budgetgraph.validation import ValidationReport, validate
from budgetgraph.validation.shacl import ontology_ntriples
from budgetgraph.workers import Worker, WorkerLost

if TYPE_CHECKING:  # not imported here: the reading workers' fork server imports this module (see analytic.extract)
    from budgetgraph.analytic.folder import ObservationTable, TableFile

ONTOLOGY_GRAPH = URIRef("https://w3id.org/budgetgraph/def")
# A bulk ingest writes documents in batches of about this many quads of their own graphs: counted in quads, not
# documents, because documents range from a few hundred quads to tens of thousands, and the batch's N-Triples
# (about 20 MB) are held in memory. Batches of 500,000 were slower at 10M quads (benchmarks/README.md).
BULK_QUADS = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    document: BudgetDocument
    mapped: MappedDocument
    report: ValidationReport
    loaded: bool


def check(path: Path | str, base: str, limits: FileLimits = FileLimits()) -> Outcome:
    """Parse, map and validate without loading."""
    document = read_document(path, limits)
    mapped = map_document(document, base)
    return Outcome(document, mapped, validate(mapped), loaded=False)


@dataclass(frozen=True)
class Prepared:
    """A document read, mapped and validated, with every graph its load writes, in N-Triples: what a worker
    process hands to the one process that writes the store."""

    outcome: Outcome
    graphs: dict[URIRef, bytes]
    shared: frozenset[URIRef]  # graphs other documents load too: entities, code lists, the ontology
    report_graph: URIRef

    @property
    def dataset(self) -> str:
        return str(self.outcome.mapped.dataset)

    def table_file(self, table: ObservationTable) -> TableFile:
        """The document's file of the observation table, its rows read here, in the writer (``analytic.extract``)."""
        document = self.outcome.document
        return table.file_of(self.dataset, document.fiscal_year, document.district_code, self.graphs)

    def graphs_with(self, file: TableFile | None) -> dict[URIRef, bytes]:
        """The graphs to load; with its file of the observation table, the report graph names it."""
        if file is None:
            return self.graphs
        return {**self.graphs, self.report_graph: self.graphs[self.report_graph] + file.manifest_ntriples()}

    def writes(self, file: TableFile | None) -> DocumentGraphs:
        return DocumentGraphs(self.outcome.document.source.path, self.graphs_with(file), self.shared)


def prepare(path: Path | str, base: str, limits: FileLimits = FileLimits()) -> Prepared:
    outcome = check(path, base, limits)
    report = outcome.report.to_graph(URIRef(f"{outcome.mapped.dataset}/report"), outcome.mapped.dataset)
    report_graph = Minter(base).report_graph(outcome.document)
    graphs = {
        **outcome.mapped.ntriples(),
        report_graph: report.serialize(format="nt", encoding="utf-8"),
        ONTOLOGY_GRAPH: ontology_ntriples(),
    }
    own = {outcome.mapped.graph_name, report_graph}
    return Prepared(outcome, graphs, frozenset(graphs) - own, report_graph)


def load(prepared: Prepared, store: GraphStore, table: ObservationTable | None = None) -> Outcome:
    """Load a document whose structure holds, with its report, replacing any earlier load of the same dataset
    in one transaction; with its rows in ``table`` (see ``analytic.folder`` for why both stay in step)."""
    if error := violations_error(prepared.outcome):
        raise error
    file = None if table is None else prepared.table_file(table)
    if table is not None and file is not None:
        table.write([file])
    store.replace_graphs(prepared.graphs_with(file), shared=prepared.shared)
    if table is not None:
        table.remove_unnamed(store, [prepared.dataset])
    return replace(prepared.outcome, loaded=True)


def violations_error(outcome: Outcome) -> BudgetgraphError | None:
    """A document with structural violations is not loaded: the error names it."""
    if outcome.report.conforms:
        return None
    violations = outcome.report.of_severity("Violation")
    return BudgetgraphError(
        f"not loaded: {len(violations)} structural violations, the first: {violations[0].message} at {violations[0].focus}",
        file=outcome.document.source.path,
    )


def ingest(path: Path | str, store: GraphStore, base: str, table: ObservationTable | None = None) -> Outcome:
    return load(prepare(path, base), store, table)


def ingest_many(
    paths: list[Path], store: GraphStore, base: str, workers: int, *, bulk: bool = False, limits: FileLimits = FileLimits(),
    table: ObservationTable | None = None,
) -> Iterator[tuple[Path, Outcome | BudgetgraphError]]:
    """Every document, in order: read, mapped and validated by ``workers`` processes within ``limits`` (a file
    that crashes or hangs its worker fails alone), each loaded by this one (an on-disk store has one writer) as
    soon as it is ready. A failed document is yielded as its error and the batch goes on; nothing already stored
    is touched by it. With ``table``, each document's rows go into the observation table as it is loaded.

    ``bulk`` (the embedded store only), for a first, large load: documents are written in batches of about
    ``BULK_QUADS`` quads by pyoxigraph's bulk loader (``EmbeddedStore.bulk_write``: each batch whole or not at all,
    a crash included), each yielded once its batch is written, and the store is optimised at the end."""
    with IsolatedReaders(workers, base, limits) as readers:
        prepared = zip(paths, readers.map(paths), strict=True)
        if bulk:
            yield from _load_in_bulk(prepared, _embedded(store), table)
        else:
            yield from ((path, _load_or_error(ready, store, table)) for path, ready in prepared)


def prepare_isolated(path: Path, base: str, limits: FileLimits = FileLimits()) -> Prepared:
    """``prepare`` in a worker process within ``limits``: for a file from someone untrusted (an upload)."""
    with IsolatedReaders(1, base, limits) as readers:
        ready = readers.prepared(path)
    if isinstance(ready, BudgetgraphError):
        raise ready
    return ready


class IsolatedReaders:
    """``count`` worker processes that read, map and validate files, each file within the limits: its memory
    capped, the worker killed at the time limit. One thread per worker waits on it."""

    def __init__(self, count: int, base: str, limits: FileLimits = FileLimits()) -> None:
        self.limits, self.lookahead = limits, 2 * count
        self.handle = partial(_prepare_or_error, base=base, limits=limits)
        self.threads = ThreadPoolExecutor(max_workers=count)
        self.mine = threading.local()
        self.workers: list[Worker] = []

    def map(self, paths: Iterable[Path]) -> Iterator[Prepared | BudgetgraphError]:
        """Each path's outcome, in order, read at most ``lookahead`` documents ahead of the one taken: when the
        writer is slower than the readers, read documents would otherwise pile up in memory, mapped graphs and
        all (14 GB a third of the way into 46,000 documents)."""
        ahead: deque[Future[Prepared | BudgetgraphError]] = deque()
        for path in paths:
            ahead.append(self.threads.submit(self.prepared, path))
            if len(ahead) > self.lookahead:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()

    def prepared(self, path: Path) -> Prepared | BudgetgraphError:
        worker = getattr(self.mine, "worker", None)
        if worker is None:
            worker = self.mine.worker = Worker(self.handle, memory_bytes=self.limits.memory_bytes)
            self.workers.append(worker)
        try:
            return worker.call(path, self.limits.timeout_s)  # type: ignore[no-any-return]
        except WorkerLost as lost:
            self.mine.worker = None
            if lost.timed_out:
                return LimitError(f"not read: reading took longer than the limit of {self.limits.timeout_s:g} s", file=str(path))
            return BudgetgraphError(f"not read: the reader crashed ({lost}; its memory limit: {self.limits.memory_bytes:,} bytes)", file=str(path))

    def __enter__(self) -> IsolatedReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.threads.shutdown(cancel_futures=True)
        for worker in self.workers:
            worker.close()


def bulk_batches(items: Iterable[T], quads: Callable[[T], int]) -> Iterator[list[T]]:
    """The items in order, in lists closed once their quads reach ``BULK_QUADS``."""
    batch: list[T] = []
    size = 0
    for item in items:
        batch.append(item)
        size += quads(item)
        if size >= BULK_QUADS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _load_in_bulk(
    prepared: Iterable[tuple[Path, Prepared | BudgetgraphError]], store: EmbeddedStore, table: ObservationTable | None
) -> Iterator[tuple[Path, Outcome | BudgetgraphError]]:
    for batch in bulk_batches(prepared, lambda item: item[1].writes(None).own_quads if isinstance(item[1], Prepared) else 0):
        yield from _write_batch(batch, store, table)
    store.optimize()


def _write_batch(
    batch: list[tuple[Path, Prepared | BudgetgraphError]], store: EmbeddedStore, table: ObservationTable | None
) -> list[tuple[Path, Outcome | BudgetgraphError]]:
    checked = [(path, _refused_or(ready)) for path, ready in batch]
    documents = [ready for _, ready in checked if isinstance(ready, Prepared)]
    files = [None if table is None else ready.table_file(table) for ready in documents]
    if table is not None:  # the rows first, as a single load puts them (analytic.folder)
        table.write(file for file in files if file is not None)
    try:
        store.bulk_write([ready.writes(file) for ready, file in zip(documents, files, strict=True)])
    except BudgetgraphError:
        # a failed bulk load was undone, a failed replacement changed nothing: loading each document alone
        # leaves what loading them in turn would, and only the one at fault fails
        return [(path, _load_or_error(ready, store, table)) for path, ready in checked]
    if table is not None:
        table.remove_unnamed(store, [ready.dataset for ready in documents])
    return [(path, replace(ready.outcome, loaded=True) if isinstance(ready, Prepared) else ready) for path, ready in checked]


def _embedded(store: GraphStore) -> EmbeddedStore:
    if not isinstance(store, EmbeddedStore):
        raise BudgetgraphError("bulk loading needs the embedded store (pyoxigraph's bulk loader), not a SPARQL server")
    return store


def _refused_or(ready: Prepared | BudgetgraphError) -> Prepared | BudgetgraphError:
    """The document, or why it cannot be loaded."""
    if isinstance(ready, Prepared):
        return violations_error(ready.outcome) or ready
    return ready


def _load_or_error(ready: Prepared | BudgetgraphError, store: GraphStore, table: ObservationTable | None) -> Outcome | BudgetgraphError:
    if isinstance(ready, BudgetgraphError):
        return ready
    try:
        return load(ready, store, table)
    except BudgetgraphError as error:
        return error


def _prepare_or_error(path: Path, base: str, limits: FileLimits) -> Prepared | BudgetgraphError:
    try:
        return prepare(path, base, limits)
    except BudgetgraphError as error:
        return error
    except MemoryError:
        return LimitError(f"not read: reading needs more memory than the limit of {limits.memory_bytes:,} bytes", file=str(path))
