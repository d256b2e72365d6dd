"""The whole path for one source file: ingest → map → validate → load, as the CLI and the service run it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import URIRef

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.mapping.uris import Minter
from budgetgraph.records import BudgetDocument
from budgetgraph.store import GraphStore
from budgetgraph.validation import ValidationReport, validate
from budgetgraph.validation.shacl import ontology_ntriples

ONTOLOGY_GRAPH = URIRef("https://w3id.org/budgetgraph/def")


@dataclass(frozen=True)
class Outcome:
    document: BudgetDocument
    mapped: MappedDocument
    report: ValidationReport
    loaded: bool


def check(path: Path | str, base: str) -> Outcome:
    """Parse, map and validate without loading."""
    document = read_document(path)
    mapped = map_document(document, base)
    return Outcome(document, mapped, validate(mapped), loaded=False)


@dataclass(frozen=True)
class Prepared:
    """A document read, mapped and validated, with every graph its load writes, in N-Triples: what a worker
    process hands to the one process that writes the store."""

    outcome: Outcome
    graphs: dict[URIRef, bytes]
    shared: frozenset[URIRef]  # graphs other documents load too: entities, code lists, the ontology


def prepare(path: Path | str, base: str) -> Prepared:
    outcome = check(path, base)
    report = outcome.report.to_graph(URIRef(f"{outcome.mapped.dataset}/report"), outcome.mapped.dataset)
    graphs = {
        **outcome.mapped.ntriples(),
        Minter(base).report_graph(outcome.document): report.serialize(format="nt", encoding="utf-8"),
        ONTOLOGY_GRAPH: ontology_ntriples(),
    }
    own = {outcome.mapped.graph_name, Minter(base).report_graph(outcome.document)}
    return Prepared(outcome, graphs, frozenset(graphs) - own)


def load(prepared: Prepared, store: GraphStore) -> Outcome:
    """Load a document whose structure holds, with its report, replacing any earlier load of the same dataset
    in one transaction. A document with structural violations is not loaded: the error names it."""
    outcome = prepared.outcome
    if not outcome.report.conforms:
        violations = outcome.report.of_severity("Violation")
        raise BudgetgraphError(
            f"not loaded: {len(violations)} structural violations, the first: {violations[0].message} at {violations[0].focus}",
            file=outcome.document.source.path,
        )
    store.replace_graphs(prepared.graphs, shared=prepared.shared)
    return replace(outcome, loaded=True)


def ingest(path: Path | str, store: GraphStore, base: str) -> Outcome:
    return load(prepare(path, base), store)


def ingest_many(paths: list[Path], store: GraphStore, base: str, workers: int) -> Iterator[tuple[Path, Outcome | BudgetgraphError]]:
    """Every document, in order: read, mapped and validated by ``workers`` processes, each loaded by this one
    (an on-disk store has one writer) as soon as it is ready. A failed document is yielded as its error and the
    batch goes on; nothing already stored is touched by it."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, prepared in zip(paths, pool.map(_prepare_or_error, paths, [base] * len(paths)), strict=True):
            if isinstance(prepared, BudgetgraphError):
                yield path, prepared
                continue
            try:
                yield path, load(prepared, store)
            except BudgetgraphError as error:
                yield path, error


def _prepare_or_error(path: Path, base: str) -> Prepared | BudgetgraphError:
    try:
        return prepare(path, base)
    except BudgetgraphError as error:
        return error
