"""Run ``shapes/`` set-at-a-time over a pyoxigraph store: each SHACL-SPARQL constraint's SELECT once over the
whole document, and the SHACL Core constraints in one pass over its focus nodes (``core.py``).

pySHACL evaluates a SPARQL constraint once per focus node in Python (minutes per document); the same SELECT run
once in pyoxigraph takes milliseconds. The shapes stay the single source of truth: this module reads each
constraint's query, severity and message from them, and pySHACL remains the reference
(``validate_with_pyshacl``), which the tests compare against.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pyoxigraph
import pyshacl
from rdflib import RDF, SH, Graph, URIRef
from rdflib.term import Node

from budgetgraph.mapping import MappedDocument
from budgetgraph.mapping.triples import canonical_ntriples
from budgetgraph.resources import resource
from budgetgraph.validation.core import CoreTarget, compile_core, core_findings
from budgetgraph.validation.report import SEVERITIES, Finding, ValidationReport

MESSAGE_VARIABLE = re.compile(r"\{[?$](\w+)\}")
FINAL_FILTER = re.compile(r"FILTER \((.*)\)\s*\}\s*$")  # a query's last line but its closing brace
WHERE = " WHERE {"
PROJECTED = re.compile(r"[?$](\w+)")


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    severity: str
    message: str
    query: str  # with $this rewritten to ?this, prefixes prepended


@cache
def ontology() -> Graph:
    return Graph().parse(resource("ontology", "budgetgraph.ttl"))


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted(resource("shapes").glob("*.ttl")):
        graph.parse(path)
    return graph


@cache
def core_shapes() -> Graph:
    """The shapes without their SPARQL constraints, which run in the store instead."""
    graph = Graph()
    graph += shapes_graph()
    for shape in set(graph.subjects(SH.sparql, None)):
        graph.remove((shape, None, None))
    return graph


@cache
def sparql_constraints() -> tuple[SparqlConstraint, ...]:
    graph = shapes_graph()
    found = []
    for shape, constraint in graph.subject_objects(SH.sparql):
        severity = SEVERITIES[graph.value(shape, SH.severity, default=SH.Violation)]  # type: ignore[index]
        prefixes = "".join(
            f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
            for declaring in graph.objects(constraint, SH.prefixes)
            for d in graph.objects(declaring, SH.declare)
        )
        select = str(graph.value(constraint, SH.select)).replace("$this", "?this")
        found.append(SparqlConstraint(str(shape), severity, str(graph.value(constraint, SH.message)), prefixes + select))
    return tuple(sorted(found, key=lambda c: c.shape))


@dataclass(frozen=True)
class Evaluation:
    """One query run in the store, reporting for one constraint, or for twins: constraints whose queries differ
    only in their projection and final FILTER (a warning and its rounding note). Twins run as one query whose
    final FILTER keeps a solution if either twin's does, each twin's condition projected as a flag."""

    query: str
    constraints: tuple[tuple[SparqlConstraint, str | None], ...]  # each with the variable of its flag


@cache
def evaluations() -> tuple[Evaluation, ...]:
    by_body: dict[str, list[tuple[SparqlConstraint, tuple[str, str, str]]]] = {}
    for constraint in sparql_constraints():
        parts = _select_body_filter(constraint.query)
        key = parts[1] if parts else constraint.shape
        by_body.setdefault(key, []).append((constraint, parts or ("", "", "")))
    plans = []
    for group in by_body.values():
        if len(group) == 2 and _projects_all(group):
            (first, (select, body, first_filter)), (second, (other_select, _, second_filter)) = group
            widest = max(select, other_select, key=len).removesuffix(WHERE)
            conditions = f"BIND (({first_filter}) AS ?first)\nBIND (({second_filter}) AS ?second)\nFILTER (?first || ?second)\n}}"
            query = f"{widest} ?first ?second{WHERE}{body}{conditions}"
            plans.append(Evaluation(query, ((first, "first"), (second, "second"))))
        else:
            plans += [Evaluation(constraint.query, ((constraint, None),)) for constraint, _ in group]
    return tuple(plans)


def _select_body_filter(query: str) -> tuple[str, str, str] | None:
    """The query up to its WHERE's brace (prefixes and projection), its body, and its final FILTER's condition."""
    match = FINAL_FILTER.search(query)
    where = query.find(WHERE)
    if match is None or where < 0:
        return None
    head_end = where + len(WHERE)
    return query[:head_end], query[head_end : match.start()], match.group(1)


def _projects_all(group: list[tuple[SparqlConstraint, tuple[str, str, str]]]) -> bool:
    """Whether one twin's projection holds every variable the other projects (the merged query keeps it)."""
    projected = [set(PROJECTED.findall(select.removesuffix(WHERE).split("SELECT", 1)[1])) for _, (select, _, _) in group]
    return projected[0] <= projected[1] or projected[1] <= projected[0]


def data_graph(mapped: MappedDocument) -> Graph:
    data = mapped.union()
    data += ontology()
    return data


@cache
def core_targets() -> tuple[CoreTarget, ...]:
    return compile_core(core_shapes(), ontology())


@cache
def ontology_ntriples() -> bytes:
    return canonical_ntriples(ontology())


class _Scratch(threading.local):
    """An in-memory store per thread that holds the ontology, parsed once; each document's graphs are loaded
    beside it for their validation. The graphs share no triple (the mapping keeps entities, code lists and
    documents apart), so the union the queries read is the merge pySHACL reads.

    The document's own graph is removed after its validation; the graphs it shares with others (code lists,
    districts, departments, units) stay until a document comes without them or with other content under their
    name, so a batch of documents of one year loads its code lists once.

    pyoxigraph's in-memory store keeps the quads it removes (as old versions) and its queries still walk them:
    validating the seed again and again took 0.09 ms longer each time, 28 ms at first and 71 ms after 500. So
    the store is built anew once it holds more removed quads than ``REMOVED_QUADS_BEFORE_REBUILD``; a rebuild
    costs about 8 ms (the ontology, then the shared graphs the next document loads)."""

    REMOVED_QUADS_BEFORE_REBUILD = 50_000

    def __init__(self) -> None:
        self._build()

    def _build(self) -> None:
        self.store = pyoxigraph.Store()
        self._add(ontology_ntriples(), None)
        self.shared: dict[pyoxigraph.NamedNode, bytes] = {}  # graphs left loaded, with their N-Triples
        self.removed = 0  # quads removed since the store was built

    def load(self, mapped: MappedDocument, own: pyoxigraph.NamedNode) -> None:
        """Make the store hold exactly the ontology and ``mapped``'s graphs, ``own`` being the document's."""
        if self.removed > self.REMOVED_QUADS_BEFORE_REBUILD:
            self._build()
        graphs = {pyoxigraph.NamedNode(str(name)): data for name, data in mapped.ntriples().items()}
        for name in [n for n, data in self.shared.items() if graphs.get(n) != data]:
            self.remove(name, self.shared.pop(name))
        for name, data in graphs.items():
            if name not in self.shared:
                try:
                    self._add(data, name)
                except BaseException:
                    self.remove(name, data)  # nothing half-loaded stays behind
                    raise
                if name != own:
                    self.shared[name] = data

    def remove(self, name: pyoxigraph.NamedNode, data: bytes) -> None:
        self.store.remove_graph(name)
        self.removed += data.count(b"\n")

    def _add(self, data: bytes, name: pyoxigraph.NamedNode | None) -> None:
        # lenient: the N-Triples are the mapping's own output; the store they are published to parses them strictly
        self.store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)


_SCRATCH = _Scratch()


def validate(mapped: MappedDocument) -> ValidationReport:
    own = pyoxigraph.NamedNode(str(mapped.graph_name))
    try:
        _SCRATCH.load(mapped, own)
        store = _SCRATCH.store
        return ValidationReport(tuple(sorted(core_findings(store, core_targets()), key=_order) + _sparql_findings(store)))
    finally:
        _SCRATCH.remove(own, mapped.ntriples()[mapped.graph_name])


def validate_with_pyshacl(mapped: MappedDocument, *, sparql: bool = True) -> ValidationReport:
    """The reference: every shape evaluated by pySHACL alone; its SHACL-SPARQL constraints take minutes on a
    real document, so ``sparql=False`` runs the core shapes only."""
    return ValidationReport(tuple(_core_findings(data_graph(mapped), shapes_graph() if sparql else core_shapes())))


def _core_findings(data: Graph, shapes: Graph) -> list[Finding]:
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)  # the reference
    assert isinstance(results, Graph)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        findings.append(
            Finding(
                focus=str(results.value(result, SH.focusNode)),
                severity=SEVERITIES[results.value(result, SH.resultSeverity)],  # type: ignore[index]
                shape=_shape_name(results, result),
                message=str(results.value(result, SH.resultMessage)),
                path=str(path) if isinstance(path, URIRef) else None,
                component=str(results.value(result, SH.sourceConstraintComponent)),
            )
        )
    return sorted(findings, key=_order)


def _shape_name(results: Graph, result: Node) -> str:
    """A property shape is a blank node; name the node shape that holds it, as the SPARQL findings do."""
    shape = results.value(result, SH.sourceShape)
    if isinstance(shape, URIRef):
        return str(shape)
    holder = shapes_graph().value(predicate=SH.property, object=shape)
    return str(holder) if holder is not None else str(shape)


def _sparql_findings(store: pyoxigraph.Store) -> list[Finding]:
    findings = []
    for evaluation in evaluations():
        for solution in store.query(evaluation.query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            for constraint, flag in evaluation.constraints:
                if flag is None or _value(solution, flag) == "true":
                    findings.append(_finding(constraint, solution))
    return sorted(findings, key=_order)


def _finding(constraint: SparqlConstraint, solution: pyoxigraph.QuerySolution) -> Finding:
    return Finding(
        focus=solution["this"].value,  # type: ignore[index,union-attr]
        severity=constraint.severity,
        shape=constraint.shape,
        message=_fill(constraint.message, lambda name: solution[name]),  # type: ignore[index]
        published=_value(solution, "published"),
        derived=_value(solution, "derived"),
        section=_value(solution, "section"),
    )


def _value(solution: pyoxigraph.QuerySolution, name: str) -> str | None:
    try:
        term = solution[name]
    except KeyError:
        return None
    return term.value if term is not None else None


def _fill(template: str, lookup: Callable[[str], pyoxigraph.NamedNode | pyoxigraph.Literal | None]) -> str:
    """SHACL-SPARQL message templates: {?var} is replaced by the solution's value of var."""
    def value(match: re.Match[str]) -> str:
        term = lookup(match.group(1))
        return term.value if term is not None else match.group(0)
    return MESSAGE_VARIABLE.sub(value, template)


def _order(finding: Finding) -> tuple[str, str, str]:
    return (finding.shape, finding.focus, finding.message)

