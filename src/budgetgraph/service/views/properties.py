"""The generic view of any resource: its description as a table of properties, each value a link or a literal."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph

from budgetgraph.service.links import Linker, Ref

LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
)
PREFIXES = {
    "https://w3id.org/budgetgraph/def#": "bg:",
    "http://purl.org/linked-data/cube#": "qb:",
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/ns/shacl#": "sh:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
}


Resource = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Triple


@dataclass(frozen=True)
class Value:
    """An object of a triple: a resource (``ref``) or a literal's text with its language or datatype."""

    ref: Ref | None
    text: str
    note: str  # @zh, xsd:decimal…


@dataclass(frozen=True)
class Statement:
    predicate: Ref
    value: Value


@dataclass(frozen=True)
class Properties:
    label: str
    outgoing: list[Statement]
    incoming: list[tuple[Ref, Ref]]  # (subject, predicate) of the triples naming the resource


def compact(iri: str) -> str:
    for namespace, prefix in PREFIXES.items():
        if iri.startswith(namespace):
            return prefix + iri.removeprefix(namespace)
    return iri


def label_of(labels: list[pyoxigraph.Literal]) -> str | None:
    """The Chinese label, else one without language, else any."""
    ranked = sorted(labels, key=lambda label: {"zh": 0, None: 1}.get(label.language, 2))
    return ranked[0].value if ranked else None


def properties(linker: Linker, resource: str, triples: list[pyoxigraph.Triple]) -> Properties:
    labels: dict[str, list[pyoxigraph.Literal]] = {}
    for triple in triples:
        if triple.predicate.value in LABELS and isinstance(triple.object, pyoxigraph.Literal):
            labels.setdefault(_name(triple.subject), []).append(triple.object)

    def ref(node: Resource) -> Ref:
        name = _name(node)
        return linker.ref(name, label_of(labels.get(name, [])) or compact(name))

    def value(node: Resource | pyoxigraph.Literal) -> Value:
        if isinstance(node, pyoxigraph.Literal):
            note = f"@{node.language}" if node.language else compact(node.datatype.value)
            return Value(None, node.value, note)
        return Value(ref(node), "", "")

    outgoing = sorted(
        (Statement(ref(t.predicate), value(t.object)) for t in triples if _name(t.subject) == resource),
        key=lambda s: (s.predicate.text, s.value.ref.text if s.value.ref else s.value.text),
    )
    incoming = sorted(
        ((ref(t.subject), ref(t.predicate)) for t in triples if t.object == pyoxigraph.NamedNode(resource) and _name(t.subject) != resource),
        key=lambda pair: (pair[1].text, pair[0].text),
    )
    return Properties(label_of(labels.get(resource, [])) or resource, outgoing, incoming)


def _name(node: Resource) -> str:
    """An IRI or blank node's name; a quoted triple (RDF-star, which the graph does not use) its N-Triples."""
    return str(node) if isinstance(node, pyoxigraph.Triple) else node.value
