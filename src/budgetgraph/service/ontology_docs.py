"""The ontology's documentation, generated from its Turtle (never written twice): one HTML page listing every
class, property, measure, data structure definition and code list with its labels and definition."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from budgetgraph.mapping.uris import BG

QB = Namespace("http://purl.org/linked-data/cube#")
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Term:
    iri: str
    name: str  # the local name, also the page anchor
    zh: str
    en: str
    definition: str
    related: tuple[tuple[str, str], ...]  # (relation, target name) pairs: subclass of, domain, range, broader…


@dataclass(frozen=True)
class Section:
    title: str
    terms: tuple[Term, ...]


RELATIONS = (
    ("subclass of", RDFS.subClassOf),
    ("subproperty of", RDFS.subPropertyOf),
    ("domain", RDFS.domain),
    ("range", RDFS.range),
    ("part of", BG.partOf),
    ("broader", SKOS.broader),
    ("in scheme", SKOS.inScheme),
    ("close match", SKOS.closeMatch),
)


def sections(graph: Graph) -> list[Section]:
    def terms_of(kind: URIRef, exclude: URIRef | None = None) -> tuple[Term, ...]:
        subjects = {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(BG))}
        if exclude is not None:
            subjects = {s for s in subjects if (s, RDF.type, exclude) not in graph}
        return tuple(sorted((_term(graph, s) for s in subjects), key=lambda t: t.name))

    return [
        Section("Classes", terms_of(OWL.Class)),
        Section("Object properties", terms_of(OWL.ObjectProperty)),
        Section("Datatype properties", terms_of(OWL.DatatypeProperty, exclude=QB.MeasureProperty)),
        Section("Measures (one per amount column)", terms_of(QB.MeasureProperty)),
        Section("Data structure definitions (one per table kind)", terms_of(QB.DataStructureDefinition)),
        Section("Table agreements checked by validation", terms_of(BG.TableAgreement)),
        Section("Code lists", terms_of(SKOS.ConceptScheme)),
        Section("Concepts", terms_of(SKOS.Concept)),
    ]


def render(graph: Graph) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    title = {lang: str(label) for label in graph.objects(URIRef(str(BG).rstrip("#")), RDFS.label) if isinstance(label, Literal) for lang in [label.language]}
    return environment.get_template("ontology.html").render(title=title, namespace=str(BG), sections=sections(graph))


def _term(graph: Graph, iri: URIRef) -> Term:
    labels = {label.language: str(label) for label in graph.objects(iri, RDFS.label) if isinstance(label, Literal)}
    definition = graph.value(iri, SKOS.definition)
    related = tuple((name, _name(target)) for name, predicate in RELATIONS for target in sorted(graph.objects(iri, predicate)))
    return Term(str(iri), _name(iri), labels.get("zh", ""), labels.get("en", ""), str(definition or ""), related)


def _name(node: Node) -> str:
    text = str(node)
    return text.removeprefix(str(BG)) if text.startswith(str(BG)) else text
