"""The whole path for one source file: ingest → map → validate → load, as the CLI and the service run it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.mapping.uris import Minter
from budgetgraph.records import BudgetDocument
from budgetgraph.store import EmbeddedStore
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


def ingest(path: Path | str, store: EmbeddedStore, base: str) -> Outcome:
    """Load a document whose structure holds, with its report, replacing any earlier load of the same
    dataset in one transaction. A document with structural violations is not loaded: the error names it."""
    outcome = check(path, base)
    if not outcome.report.conforms:
        first = outcome.report.of_severity("Violation")[0]
        raise BudgetgraphError(f"not loaded: {len(outcome.report.of_severity('Violation'))} structural violations, the first: {first.message} at {first.focus}", file=str(path))
    report = outcome.report.to_graph(URIRef(f"{outcome.mapped.dataset}/report"), outcome.mapped.dataset)
    store.replace_graphs({
        **outcome.mapped.ntriples(),
        Minter(base).report_graph(outcome.document): report.serialize(format="nt", encoding="utf-8"),
        ONTOLOGY_GRAPH: ontology_ntriples(),
    })
    return Outcome(outcome.document, outcome.mapped, outcome.report, loaded=True)
