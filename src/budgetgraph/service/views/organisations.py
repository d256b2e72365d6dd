"""Districts and departments: who published which budgets, by year and phase."""

from __future__ import annotations

from itertools import groupby

from budgetgraph.service.links import Linker
from budgetgraph.service.reads import Bindings, iri, select, text
from budgetgraph.store import GraphStore

DATASETS_OF = """SELECT ?department ?district ?d ?title ?year ?phase ?scope WHERE {{
  ?d a bg:BudgetDataset ; {link} ; dct:title ?title ; bg:fiscalYear ?year .
  OPTIONAL {{ ?d bg:phase/skos:prefLabel ?phase FILTER (LANG(?phase) = "zh") }}
  OPTIONAL {{ ?d bg:scope ?scope }}
}} ORDER BY DESC(?year) ?phase ?title"""
DEPARTMENT = """SELECT * WHERE {
  ?department skos:prefLabel ?name .
  OPTIONAL { ?department org:identifier ?code }
  OPTIONAL { ?department bg:district ?district OPTIONAL { ?district skos:prefLabel ?districtName } }
} LIMIT 1"""
UNITS = "SELECT ?department ?unit ?name ?code WHERE { ?unit org:unitOf ?department ; skos:prefLabel ?name OPTIONAL { ?unit org:identifier ?code } } ORDER BY ?code"
DISTRICT = "SELECT * WHERE { ?district skos:prefLabel ?name OPTIONAL { ?district rdfs:label ?fullName } OPTIONAL { ?district skos:notation ?code } } LIMIT 1"
DEPARTMENTS = """SELECT ?district ?department ?name ?code WHERE {
  ?department a bg:Department ; bg:district ?district ; skos:prefLabel ?name OPTIONAL { ?department org:identifier ?code }
} ORDER BY ?code ?name"""


def department(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    bound = {"department": iri(resource)}
    found = select(store, DEPARTMENT, bound)
    facts = found[0] if found else {}
    return {
        "name": text(facts, "name", resource),
        "code": text(facts, "code"),
        "district": linker.ref(text(facts, "district"), text(facts, "districtName") or None) if "district" in facts else None,
        "units": [{"ref": linker.ref(text(u, "unit"), text(u, "name")), "code": text(u, "code")} for u in select(store, UNITS, bound)],
        "years": _by_year(store, linker, DATASETS_OF.format(link="bg:department ?department"), bound),
    }


def district(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    bound = {"district": iri(resource)}
    found = select(store, DISTRICT, bound)
    facts = found[0] if found else {}
    return {
        "name": text(facts, "fullName") or text(facts, "name", resource),
        "code": text(facts, "code"),
        "departments": [{"ref": linker.ref(text(d, "department"), text(d, "name")), "code": text(d, "code")} for d in select(store, DEPARTMENTS, bound)],
        "years": _by_year(store, linker, DATASETS_OF.format(link="dct:spatial ?district"), bound),
    }


def _by_year(store: GraphStore, linker: Linker, query: str, bound: Bindings) -> list[tuple[str, list[dict[str, object]]]]:
    """The datasets, newest year first, each year's in phase order."""
    solutions = select(store, query, bound)
    return [
        (year, [{"ref": linker.ref(text(d, "d"), text(d, "title")), "phase": text(d, "phase"), "scope": text(d, "scope")} for d in group])
        for year, group in groupby(solutions, key=lambda d: text(d, "year"))
    ]
