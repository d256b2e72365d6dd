"""SHACL Core constraints in one pass over the validation store: each node shape's focus nodes are found once,
each focus node's triples read once, and every constraint of the shape is tested on them in Python.

The constraints budgetgraph's shapes use are local to a focus node (min/max count, datatype, in, class, node
kind, pattern, on predicate paths), so reading a node's own triples (and, for sh:class, its values' types)
decides them; one SPARQL query per constraint cost more in fixed overhead than the checks themselves. A shape
using anything else is refused, so nothing is silently skipped. pySHACL stays the reference: the tests compare
the two on fixtures that break each component.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph
from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from budgetgraph.validation.report import SEVERITIES, Finding

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal
NODE_KINDS = {SH.IRI: pyoxigraph.NamedNode, SH.Literal: pyoxigraph.Literal, SH.BlankNode: pyoxigraph.BlankNode}
KNOWN = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["in"], SH["class"], SH.nodeKind, SH.pattern}
TYPE = pyoxigraph.NamedNode(str(RDF.type))
NONE: frozenset[Term] = frozenset()


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this engine does not compile; pySHACL would be needed for it."""


@dataclass(frozen=True)
class CoreCheck:
    """One constraint of a property shape, with what a finding of it says."""

    shape: str  # the node shape holding the property shape, as findings name it
    path: str
    component: str
    severity: str
    describe: Callable[[str, str], str]  # a message from the focus node and the count or value
    predicate: pyoxigraph.NamedNode  # the path, as the store's term

    def finding(self, focus: str, found: str) -> Finding:
        return Finding(focus, self.severity, self.shape, self.describe(focus, found), self.path, self.component)


@dataclass(frozen=True)
class CountCheck(CoreCheck):
    """On the number of the focus node's values: the least and the most allowed."""

    least: float
    most: float


@dataclass(frozen=True)
class ValueCheck(CoreCheck):
    """On each value, which ``fails`` tests given a lookup of a node's types."""

    fails: Callable[[Term, Callable[[Term], frozenset[Term]]], bool]


@dataclass(frozen=True)
class CoreTarget:
    """A node shape's target class with its subclasses, and the checks of all its property shapes: those on
    the number of values, and those on each value grouped by predicate (most focus nodes lack most optional
    predicates, which are then skipped at once)."""

    classes: tuple[pyoxigraph.NamedNode, ...]
    counted: tuple[CountCheck, ...]
    per_value: tuple[tuple[pyoxigraph.NamedNode, tuple[ValueCheck, ...]], ...]

    @classmethod
    def of(cls, classes: tuple[pyoxigraph.NamedNode, ...], checks: list[CoreCheck]) -> CoreTarget:
        by_predicate: dict[pyoxigraph.NamedNode, list[ValueCheck]] = {}
        for check in checks:
            if isinstance(check, ValueCheck):
                by_predicate.setdefault(check.predicate, []).append(check)
        counted = tuple(c for c in checks if isinstance(c, CountCheck))
        return cls(classes, counted, tuple((p, tuple(found)) for p, found in by_predicate.items()))


def compile_core(shapes: Graph, ontology: Graph) -> tuple[CoreTarget, ...]:
    """The core constraints of ``shapes``, by target; ``ontology`` says which classes are subclasses of which."""
    def with_subclasses(cls: Node) -> frozenset[pyoxigraph.NamedNode]:
        return frozenset(map(_term, {*ontology.transitive_subjects(RDFS.subClassOf, cls), cls}))

    targets = []
    for node_shape, target in shapes.subject_objects(SH.targetClass):
        severity = SEVERITIES[shapes.value(node_shape, SH.severity, default=SH.Violation)]  # type: ignore[index]
        checks = [c for prop in shapes.objects(node_shape, SH.property) for c in _property_checks(shapes, node_shape, prop, severity, with_subclasses)]
        targets.append(CoreTarget.of(tuple(sorted(with_subclasses(target), key=str)), checks))
    return tuple(targets)


def _property_checks(
    shapes: Graph, node_shape: Node, prop: Node, severity: str, with_subclasses: Callable[[Node], frozenset[pyoxigraph.NamedNode]]
) -> list[CoreCheck]:
    unknown = {p for p in shapes.predicates(prop) if p not in KNOWN}
    path = shapes.value(prop, SH.path)
    if unknown or not isinstance(path, URIRef):
        raise UnsupportedShape(f"{node_shape}: only predicate paths and {sorted(map(str, KNOWN))} are compiled, not {unknown or path}")
    name = path.n3(shapes.namespace_manager)

    predicate = pyoxigraph.NamedNode(path)

    def count(component: str, least: float, most: float, describe: Callable[[str, str], str]) -> CountCheck:
        return CountCheck(str(node_shape), str(path), str(SH[component]), severity, describe, predicate, least, most)

    def check(component: str, fails: Callable[..., bool], describe: Callable[[str, str], str]) -> ValueCheck:
        return ValueCheck(str(node_shape), str(path), str(SH[component]), severity, describe, predicate, fails)

    found: list[CoreCheck] = []
    if (least := shapes.value(prop, SH.minCount)) is not None:
        found.append(count("MinCountConstraintComponent", int(least), math.inf,
                           lambda this, n, m=int(least): f"{this} has {n} {name} values, at least {m} required"))
    if (most := shapes.value(prop, SH.maxCount)) is not None:
        found.append(count("MaxCountConstraintComponent", 0, int(most),
                           lambda this, n, m=int(most): f"{this} has {n} {name} values, at most {m} allowed"))
    if (datatype := shapes.value(prop, SH.datatype)) is not None:
        found.append(check("DatatypeConstraintComponent",
                           lambda value, _, d=_term(datatype): not isinstance(value, pyoxigraph.Literal) or value.datatype != d,
                           lambda this, value, d=datatype.n3(shapes.namespace_manager): f"{this} {name} {value!r} is not of datatype {d}"))
    if (members := shapes.value(prop, SH["in"])) is not None:
        allowed = list(Collection(shapes, members))
        found.append(check("InConstraintComponent", lambda value, _, a=frozenset(map(_term, allowed)): value not in a,
                           lambda this, value, a=allowed: f"{this} {name} {value!r} is not one of {', '.join(map(str, a))}"))
    if (cls := shapes.value(prop, SH["class"])) is not None:
        found.append(check("ClassConstraintComponent", lambda value, types, r=with_subclasses(cls): r.isdisjoint(types(value)),
                           lambda this, value, c=cls.n3(shapes.namespace_manager): f"{this} {name} {value} is not a {c}"))
    if (kind := shapes.value(prop, SH.nodeKind)) is not None:
        if kind not in NODE_KINDS:
            raise UnsupportedShape(f"{node_shape}: node kind {kind} is not compiled")
        found.append(check("NodeKindConstraintComponent", lambda value, _, k=NODE_KINDS[kind]: not isinstance(value, k),
                           lambda this, value, k=kind.n3(shapes.namespace_manager): f"{this} {name} {value!r} is not a {k}"))
    if (pattern := shapes.value(prop, SH.pattern)) is not None:
        found.append(check("PatternConstraintComponent",
                           lambda value, _, p=re.compile(str(pattern)): isinstance(value, pyoxigraph.BlankNode) or not p.search(value.value),
                           lambda this, value, p=str(pattern): f"{this} {name} {value!r} does not match {p}"))
    return found


def _term(node: Node) -> Term:
    """An rdflib term of the shapes as the store's term, to compare with the data."""
    if isinstance(node, Literal):
        if node.language:
            return pyoxigraph.Literal(str(node), language=node.language)
        return pyoxigraph.Literal(str(node), datatype=pyoxigraph.NamedNode(str(node.datatype))) if node.datatype else pyoxigraph.Literal(str(node))
    if isinstance(node, URIRef):
        return pyoxigraph.NamedNode(str(node))
    raise UnsupportedShape(f"{node} is neither an IRI nor a literal")


def core_findings(store: pyoxigraph.Store, targets: tuple[CoreTarget, ...]) -> list[Finding]:
    """Every core finding over all the store's graphs at once (their union, as the SPARQL constraints read it)."""
    known: dict[Term, frozenset[Term]] = {}

    def types(node: Term) -> frozenset[Term]:
        if node not in known:
            known[node] = frozenset() if isinstance(node, pyoxigraph.Literal) else frozenset(q.object for q in store.quads_for_pattern(node, TYPE, None))
        return known[node]

    findings = []
    for target in targets:
        for focus in {q.subject for cls in target.classes for q in store.quads_for_pattern(None, TYPE, cls)}:
            values: dict[pyoxigraph.NamedNode, set[Term]] = {}
            for quad in store.quads_for_pattern(focus, None, None):
                values.setdefault(quad.predicate, set()).add(quad.object)
            for check in target.counted:
                count = len(values.get(check.predicate, NONE))
                if not check.least <= count <= check.most:
                    findings.append(check.finding(focus.value, str(count)))
            for predicate, checks in target.per_value:
                for value in values.get(predicate, NONE):
                    findings += [check.finding(focus.value, value.value) for check in checks if check.fails(value, types)]
    return findings
