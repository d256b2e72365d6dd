"""The observations of a document as rows of values, read by SPARQL from its graphs: one row per published
amount, in the order of ``rows.SCHEMA``'s columns.

The same query reads a document just mapped (its graphs in a store of their own, in the reading worker) and a
document in the store (``budgetgraph reindex``), so the table is always derived from the RDF. This module imports
no pyarrow, and runs in the process writing the store, not in the capped reading workers: pyarrow reserves some
280 MB of address space and an in-memory pyoxigraph store more, which left a 500 MB-capped reader too little for
an ordinary document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

import pyoxigraph
from rdflib import URIRef

from budgetgraph.store.base import GraphStore

BG = "https://w3id.org/budgetgraph/def#"
TO_WAN_YUAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1)}
Values = list[object]


PREFIXES = """PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

ROWS_QUERY = PREFIXES + """
SELECT ?document ?dataset ?department ?departmentName ?budgetUnit ?budgetUnitName ?district ?districtName ?year
       ?datasetPhase ?phase ?amountYear ?scope ?table ?tableKind ?side ?rowRole ?rowNumber ?label ?scheme ?concept ?code ?level ?parentCode
       ?measure ?amount ?unit ?observation WHERE {
  ?dataset a bg:BudgetDataset ; bg:sourceDocument ?document ; bg:fiscalYear ?year ; bg:phase ?datasetPhase ; bg:scope ?scope ;
           bg:department ?department ; dct:spatial ?place .
  ?place skos:notation ?district .
  OPTIONAL { ?place skos:prefLabel ?districtName FILTER (LANG(?districtName) = "zh") }
  OPTIONAL { ?department skos:prefLabel ?departmentName FILTER (LANG(?departmentName) = "zh") }
  ?table dct:isPartOf ?dataset ; bg:tableKind ?tableKind .
  ?observation bg:table ?table ; bg:phase ?phase ; bg:fiscalYear ?amountYear ; bg:unit ?unit ; ?measure ?amount .
  ?measure a qb:MeasureProperty .
  OPTIONAL { ?observation bg:budgetUnit ?budgetUnit
             OPTIONAL { ?budgetUnit skos:prefLabel ?budgetUnitName FILTER (LANG(?budgetUnitName) = "zh") } }
  OPTIONAL { ?observation bg:side ?side }
  OPTIONAL { ?observation bg:rowRole ?rowRole }
  OPTIONAL { ?observation bg:rowNumber ?rowNumber }
  OPTIONAL { ?observation rdfs:label ?label }
  OPTIONAL { ?observation bg:functionalClass|bg:economicClass ?concept OPTIONAL { ?concept skos:inScheme ?scheme } }
  OPTIONAL { ?observation bg:code ?code }
  OPTIONAL { ?observation bg:level ?level }
  OPTIONAL { ?observation bg:parentRow/bg:code ?parentCode }
}
"""

CODES_QUERY = PREFIXES + """
SELECT ?concept ?scheme ?schemeYear ?code ?nameZh ?nameEn ?edition WHERE {
  ?concept skos:inScheme ?scheme ; skos:notation ?code .
  OPTIONAL { ?scheme bg:fiscalYear ?schemeYear }
  OPTIONAL { ?concept skos:prefLabel ?nameZh FILTER (LANG(?nameZh) = "zh") }
  OPTIONAL { ?concept skos:prefLabel ?nameEn FILTER (LANG(?nameEn) = "en") }
  OPTIONAL { ?concept skos:exactMatch ?match }
  BIND (COALESCE(?match, ?concept) AS ?edition)
}
"""

COFOG_QUERY = PREFIXES + """
SELECT ?concept ?cofog ?cofogCode ?cofogName WHERE {
  ?concept skos:closeMatch|skos:broadMatch ?cofog .
  ?cofog skos:notation ?cofogCode ; skos:prefLabel ?cofogName .
  FILTER (LANG(?cofogName) = "en")
}
"""

TABLE_KINDS_QUERY = PREFIXES + """
SELECT ?kind ?name WHERE {
  ?kind a bg:TableKind ; skos:prefLabel ?name .
  FILTER (LANG(?name) = "zh")
}
"""

# The local names the table writes for the ontology's concepts (bg:phase-budget is "budget").
CONCEPT_PREFIXES = {"datasetPhase": "phase-", "phase": "phase-", "tableKind": "table-", "rowRole": "role-", "level": "level-", "measure": ""}


def document_rows(graphs: Mapping[URIRef, bytes]) -> list[Values]:
    """The rows of a document from the N-Triples of the graphs its load writes (its own, the entities and code
    lists it names, the ontology), read in a store of their own."""
    store = pyoxigraph.Store()
    for name, ntriples in graphs.items():
        store.load(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(name)))
    return _values(store.query(ROWS_QUERY, use_default_graph_as_union=True), _row)


def stored_rows(store: GraphStore, dataset: str) -> list[Values]:
    """The rows of one dataset as the store holds it."""
    return _values(store.query(ROWS_QUERY, {"dataset": pyoxigraph.NamedNode(dataset)}), _row)


def code_rows(store: GraphStore) -> list[Values]:
    """Every concept of the code lists the store holds, with its names and edition."""
    def values(solution: pyoxigraph.QuerySolution) -> Values:
        year = _text(solution["schemeYear"])
        return [_text(solution["concept"]), _text(solution["scheme"]), int(year) if year else None] + [
            _text(solution[v]) for v in ("code", "nameZh", "nameEn", "edition")]
    return _values(store.query(CODES_QUERY), values)


def cofog_rows(store: GraphStore) -> list[Values]:
    """The COFOG division each functional 类 the store holds is set under."""
    return _values(store.query(COFOG_QUERY), lambda s: [_text(s[v]) for v in ("concept", "cofog", "cofogCode", "cofogName")])


def table_kind_rows(store: GraphStore) -> list[Values]:
    """The name of each kind of table, from the ontology the store holds."""
    return _values(store.query(TABLE_KINDS_QUERY), lambda s: [(_text(s["kind"]) or "").removeprefix(BG).removeprefix("table-"), _text(s["name"])])


def _values(solutions: object, values: Callable[[pyoxigraph.QuerySolution], Values]) -> list[Values]:
    return [values(solution) for solution in solutions]  # type: ignore[attr-defined]


def _row(solution: pyoxigraph.QuerySolution) -> list[object]:
    def text(variable: str) -> str | None:
        value = _text(solution[variable])
        prefix = CONCEPT_PREFIXES.get(variable)
        return value.removeprefix(BG).removeprefix(prefix) if value is not None and prefix is not None else value

    district = text("district") or ""
    amount_text = text("amount") or "0"
    amount = Decimal(amount_text)
    unit = text("unit") or ""
    wan_yuan = amount * TO_WAN_YUAN[unit] if unit in TO_WAN_YUAN else None  # a count (辆, 人) is no money
    row_number = text("rowNumber")
    return [
        text("document"), text("dataset"), text("department"), text("departmentName"), text("budgetUnit"),
        text("budgetUnitName"), district, text("districtName"), district[:2] + "0000", district[:4] + "00",
        int(text("year") or 0), text("datasetPhase"), text("phase"), int(text("amountYear") or 0), text("scope"), text("table"), text("tableKind"), text("side"),
        text("rowRole"), int(row_number) if row_number else None, text("label"), text("scheme"), text("concept"),
        text("code"), text("level"), text("parentCode"), text("measure"), amount, amount_text, unit, wan_yuan,
        text("observation"),
    ]


def _text(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))
