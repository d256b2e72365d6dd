"""The code lists: their schemes, each scheme's concepts as a tree by skos:broader, and each concept with the
observations that use it."""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetgraph.service.links import Linker, Ref
from budgetgraph.service.reads import iri, select, text
from budgetgraph.service.views.properties import compact
from budgetgraph.store import GraphStore

OBSERVATIONS_SHOWN = 200
SCHEMES = """SELECT ?scheme (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?scheme skos:prefLabel ?label FILTER (LANG(?label) = "zh") }
  OPTIONAL { ?concept skos:inScheme ?scheme }
} GROUP BY ?scheme ORDER BY ?scheme"""
SCHEME = """SELECT ?scheme ?concept ?notation ?label ?broader WHERE {
  ?concept skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:notation ?notation }
  OPTIONAL { ?concept skos:prefLabel ?label FILTER (LANG(?label) = "zh") }
  OPTIONAL { ?concept skos:broader ?broader }
} ORDER BY ?notation ?concept"""
NAME = 'SELECT ?r ?name WHERE { ?r skos:prefLabel ?name FILTER (LANG(?name) = "zh") } LIMIT 1'
CONCEPT = "SELECT * WHERE { ?concept skos:notation ?notation OPTIONAL { ?concept skos:inScheme ?scheme OPTIONAL { ?scheme skos:prefLabel ?schemeName FILTER (LANG(?schemeName) = \"zh\") } } } LIMIT 1"
LABELS = "SELECT ?concept ?label WHERE { ?concept skos:prefLabel ?label } ORDER BY ?label"
RELATED = """SELECT ?concept ?relation ?other ?notation ?label WHERE {
  { ?concept skos:broader ?other BIND ("broader" AS ?relation) }
  UNION { ?other skos:broader ?concept BIND ("narrower" AS ?relation) }
  UNION { ?concept skos:closeMatch|skos:exactMatch|skos:broadMatch ?other BIND ("match" AS ?relation) }
  OPTIONAL { ?other skos:notation ?notation }
  OPTIONAL { ?other skos:prefLabel ?label FILTER (LANG(?label) = "zh") }
} ORDER BY ?relation ?notation"""
USES = f"""SELECT ?concept ?row ?label ?d ?title ?unit WHERE {{
  ?row bg:functionalClass|bg:economicClass ?concept ; bg:dataset ?d .
  OPTIONAL {{ ?row rdfs:label ?label }} OPTIONAL {{ ?row bg:unit ?unit }} OPTIONAL {{ ?d dct:title ?title }}
}} ORDER BY ?title ?row LIMIT {OBSERVATIONS_SHOWN}"""


@dataclass
class Node:
    ref: Ref
    notation: str
    children: list[Node] = field(default_factory=list)


def schemes(store: GraphStore, linker: Linker) -> list[dict[str, object]]:
    return [
        {"ref": linker.ref(text(s, "scheme"), text(s, "name") or compact(text(s, "scheme"))), "concepts": text(s, "concepts")}
        for s in select(store, SCHEMES)
    ]


def scheme(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    rows = select(store, SCHEME, {"scheme": iri(resource)})
    nodes = {text(r, "concept"): Node(linker.ref(text(r, "concept"), text(r, "label") or None), text(r, "notation")) for r in rows}
    roots: list[Node] = []
    for concept_iri, broader_iri in dict.fromkeys((text(r, "concept"), text(r, "broader")) for r in rows):
        broader = nodes.get(broader_iri)
        (roots if broader is None else broader.children).append(nodes[concept_iri])
    named = select(store, NAME, {"r": iri(resource)})
    return {"name": text(named[0], "name") if named else resource, "roots": roots, "size": len(nodes)}


def concept(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    bound = {"concept": iri(resource)}
    found = select(store, CONCEPT, bound)
    facts = found[0] if found else {}
    related: dict[str, list[Ref]] = {"broader": [], "narrower": [], "match": []}
    for r in select(store, RELATED, bound):
        label = " ".join(part for part in (text(r, "notation"), text(r, "label")) if part)
        related[text(r, "relation")].append(linker.ref(text(r, "other"), label or None))
    return {
        "notation": text(facts, "notation"),
        "labels": [text(label, "label") for label in select(store, LABELS, bound)],
        "scheme": linker.ref(text(facts, "scheme"), text(facts, "schemeName") or None) if "scheme" in facts else None,
        "related": related,
        "uses": [
            {"row": linker.ref(text(u, "row"), text(u, "label") or None), "dataset": linker.ref(text(u, "d"), text(u, "title") or None)}
            for u in select(store, USES, bound)
        ],
        "uses_limit": OBSERVATIONS_SHOWN,
    }
