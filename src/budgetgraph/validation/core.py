"""SHACL Core constraints as set-at-a-time SPARQL: one query per constraint, over every focus node at once.

Only the components budgetgraph's shapes use are compiled (min/max count, datatype, in, class, node kind,
pattern, on predicate paths); a shape using anything else is refused, so nothing is silently skipped. pySHACL
stays the reference: the tests compare the two on fixtures that break each component.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from budgetgraph.validation.report import SEVERITIES

# A class and its subclasses are listed in VALUES rather than matched with a/rdfs:subClassOf*: three times
# faster in pyoxigraph, and the ontology that declares the subclasses is fixed when the shapes are compiled.
ON_VALUES = "SELECT DISTINCT ?this ?value WHERE {{ VALUES ?class {{ {target} }} ?this a ?class ; {path} ?value . FILTER ({test}) }}"
COUNTED = (
    "SELECT ?this (COUNT(DISTINCT ?value) AS ?count) WHERE {{ VALUES ?class {{ {target} }} ?this a ?class . "
    "OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {test})"
)
NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)", SH.BlankNode: "isBlank(?value)"}
KNOWN = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["in"], SH["class"], SH.nodeKind, SH.pattern}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this engine does not compile; pySHACL would be needed for it."""


@dataclass(frozen=True)
class CoreCheck:
    shape: str  # the node shape holding the property shape, as findings name it
    path: str
    component: str
    severity: str
    query: str
    describe: Callable[[dict[str, str]], str]  # a message from the solution's values


def compile_core(shapes: Graph, ontology: Graph) -> tuple[CoreCheck, ...]:
    """Queries for the core constraints of ``shapes``; ``ontology`` says which classes are subclasses of which."""
    def with_subclasses(cls: Node) -> str:
        return " ".join(sorted({c.n3() for c in ontology.transitive_subjects(RDFS.subClassOf, cls)} | {cls.n3()}))

    checks: list[CoreCheck] = []
    for node_shape, target in shapes.subject_objects(SH.targetClass):
        severity = SEVERITIES[shapes.value(node_shape, SH.severity, default=SH.Violation)]  # type: ignore[index]
        for prop in shapes.objects(node_shape, SH.property):
            checks.extend(_property_checks(shapes, node_shape, with_subclasses(target), prop, severity, with_subclasses))
    return tuple(checks)


def _property_checks(
    shapes: Graph, node_shape: Node, target: str, prop: Node, severity: str, with_subclasses: Callable[[Node], str]
) -> list[CoreCheck]:
    unknown = {p for p in shapes.predicates(prop) if p not in KNOWN}
    path = shapes.value(prop, SH.path)
    if unknown or not isinstance(path, URIRef):
        raise UnsupportedShape(f"{node_shape}: only predicate paths and {sorted(map(str, KNOWN))} are compiled, not {unknown or path}")
    name = path.n3(shapes.namespace_manager)

    def check(component: str, query: str, describe: Callable[[dict[str, str]], str]) -> CoreCheck:
        return CoreCheck(str(node_shape), str(path), str(SH[component]), severity, query, describe)

    fill = {"target": target, "path": path.n3()}
    found = []
    if (least := shapes.value(prop, SH.minCount)) is not None:
        found.append(check("MinCountConstraintComponent", COUNTED.format(**fill, test=f"< {int(least)}"),
                           lambda s, n=int(least): f"{s['this']} has {s['count']} {name} values, at least {n} required"))
    if (most := shapes.value(prop, SH.maxCount)) is not None:
        found.append(check("MaxCountConstraintComponent", COUNTED.format(**fill, test=f"> {int(most)}"),
                           lambda s, n=int(most): f"{s['this']} has {s['count']} {name} values, at most {n} allowed"))
    if (datatype := shapes.value(prop, SH.datatype)) is not None:
        found.append(check("DatatypeConstraintComponent", ON_VALUES.format(**fill, test=f"!isLiteral(?value) || DATATYPE(?value) != {datatype.n3()}"),
                           lambda s, d=datatype.n3(shapes.namespace_manager): f"{s['this']} {name} {s['value']!r} is not of datatype {d}"))
    if (members := shapes.value(prop, SH["in"])) is not None:
        allowed = list(Collection(shapes, members))
        found.append(check("InConstraintComponent", ON_VALUES.format(**fill, test=f"?value NOT IN ({', '.join(m.n3() for m in allowed)})"),
                           lambda s, a=allowed: f"{s['this']} {name} {s['value']!r} is not one of {', '.join(map(str, a))}"))
    if (cls := shapes.value(prop, SH["class"])) is not None:
        found.append(check("ClassConstraintComponent", ON_VALUES.format(**fill, test=f"NOT EXISTS {{ VALUES ?required {{ {with_subclasses(cls)} }} ?value a ?required }}"),
                           lambda s, c=cls.n3(shapes.namespace_manager): f"{s['this']} {name} {s['value']} is not a {c}"))
    if (kind := shapes.value(prop, SH.nodeKind)) is not None:
        if kind not in NODE_KINDS:
            raise UnsupportedShape(f"{node_shape}: node kind {kind} is not compiled")
        found.append(check("NodeKindConstraintComponent", ON_VALUES.format(**fill, test=f"!{NODE_KINDS[kind]}"),
                           lambda s, k=kind.n3(shapes.namespace_manager): f"{s['this']} {name} {s['value']!r} is not a {k}"))
    if (pattern := shapes.value(prop, SH.pattern)) is not None:
        found.append(check("PatternConstraintComponent", ON_VALUES.format(**fill, test=f"isBlank(?value) || !REGEX(STR(?value), {Literal(str(pattern)).n3()})"),
                           lambda s, p=str(pattern): f"{s['this']} {name} {s['value']!r} does not match {p}"))
    return found

