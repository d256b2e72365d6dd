"""The observations as a tidy table: one row per published amount, read by SPARQL from a document's graphs.

The same query reads a document just mapped (its graphs in a store of their own, at ingest) and a document in the
store (``budgetgraph reindex``), so the table is always derived from the RDF and can be rebuilt from it. The code
lists become a table of their own (``CODE_SCHEMA``), which the analytic questions join to.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pyoxigraph
from rdflib import URIRef

from budgetgraph.store.base import GraphStore

BG = "https://w3id.org/budgetgraph/def#"
# Every amount fits: 28 digits before the point, and 10 after it (a 元 figure with 6 decimals, in 万元).
AMOUNT = pa.decimal128(38, 10)
TO_WAN_YUAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1)}

SCHEMA = pa.schema([
    ("document", pa.string()),  # the source document's IRI
    ("dataset", pa.string()),
    ("department", pa.string()),
    ("department_name", pa.string()),
    ("budget_unit", pa.string()),
    ("budget_unit_name", pa.string()),
    ("district_code", pa.string()),  # GB/T 2260, six digits
    ("district_name", pa.string()),
    ("province_code", pa.string()),  # the district's first two digits, then 0000
    ("city_code", pa.string()),  # its first four, then 00
    ("fiscal_year", pa.int16()),
    ("dataset_phase", pa.string()),  # the document's: budget, revised-budget or final-accounts
    ("phase", pa.string()),  # the amount's (a 决算 may print its budget beside it)
    ("scope", pa.string()),  # 部门 or 单位
    ("table", pa.string()),
    ("table_kind", pa.string()),  # expenditure-summary, fiscal-grant-summary, …
    ("side", pa.string()),  # 收入 or 支出 in a table with both sides
    ("row_role", pa.string()),  # line, total, unit-subtotal or item
    ("row_number", pa.int32()),
    ("row_label", pa.string()),
    ("scheme", pa.string()),  # the code list of the row's class
    ("concept", pa.string()),  # the row's class in that code list
    ("code", pa.string()),  # as printed
    ("level", pa.string()),  # lei (类), kuan (款) or xiang (项)
    ("parent_code", pa.string()),  # the code of the printed row the row is under
    ("measure", pa.string()),  # the measure property's local name: total, amount, generalBudget, …
    ("amount", AMOUNT),
    ("amount_text", pa.string()),  # as published, with its precision
    ("unit", pa.string()),  # 元, 千元 or 万元, as published
    ("amount_wan_yuan", AMOUNT),  # an amount in another unit, as it is (as the library's queries do)
    ("observation", pa.string()),  # the row's IRI
])

CODE_SCHEMA = pa.schema([
    ("concept", pa.string()),
    ("scheme", pa.string()),
    ("scheme_year", pa.int16()),  # the fiscal year of a functional scheme; none for schemes of every year
    ("code", pa.string()),
    ("name_zh", pa.string()),
    ("name_en", pa.string()),
    ("edition", pa.string()),  # the concept of the edition the code stands for (skos:exactMatch), else itself
])

COFOG_SCHEMA = pa.schema([
    ("concept", pa.string()),  # a 类 of a functional scheme
    ("cofog", pa.string()),  # the COFOG division it is set under (skos:closeMatch or broadMatch)
    ("cofog_code", pa.string()),
    ("cofog_name", pa.string()),  # in English
])

TABLE_KIND_SCHEMA = pa.schema([
    ("table_kind", pa.string()),  # as the observation table writes it: expenditure-summary, …
    ("name_zh", pa.string()),  # its name (skos:prefLabel): 部门支出总体情况表
])

PREFIXES = """PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

ROWS_QUERY = PREFIXES + """
SELECT ?document ?dataset ?department ?departmentName ?budgetUnit ?budgetUnitName ?district ?districtName ?year
       ?datasetPhase ?phase ?scope ?table ?tableKind ?side ?rowRole ?rowNumber ?label ?scheme ?concept ?code ?level ?parentCode
       ?measure ?amount ?unit ?observation WHERE {
  ?dataset a bg:BudgetDataset ; bg:sourceDocument ?document ; bg:fiscalYear ?year ; bg:phase ?datasetPhase ; bg:scope ?scope ;
           bg:department ?department ; dct:spatial ?place .
  ?place skos:notation ?district .
  OPTIONAL { ?place skos:prefLabel ?districtName FILTER (LANG(?districtName) = "zh") }
  OPTIONAL { ?department skos:prefLabel ?departmentName FILTER (LANG(?departmentName) = "zh") }
  ?table dct:isPartOf ?dataset ; bg:tableKind ?tableKind .
  ?observation bg:table ?table ; bg:phase ?phase ; bg:unit ?unit ; ?measure ?amount .
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


def document_rows(graphs: Mapping[URIRef, bytes]) -> pa.Table:
    """The rows of a document from the N-Triples of the graphs its load writes (its own, the entities and code
    lists it names, the ontology), read in a store of their own."""
    store = pyoxigraph.Store()
    for name, ntriples in graphs.items():
        store.load(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(name)))
    return _rows(store.query(ROWS_QUERY, use_default_graph_as_union=True))


def stored_rows(store: GraphStore, dataset: str) -> pa.Table:
    """The rows of one dataset as the store holds it."""
    return _rows(store.query(ROWS_QUERY, {"dataset": pyoxigraph.NamedNode(dataset)}))


def code_rows(store: GraphStore) -> pa.Table:
    """Every concept of the code lists the store holds, with its names and edition."""
    def values(solution: pyoxigraph.QuerySolution) -> list[object]:
        year = _text(solution["schemeYear"])
        return [_text(solution["concept"]), _text(solution["scheme"]), int(year) if year else None] + [
            _text(solution[v]) for v in ("code", "nameZh", "nameEn", "edition")]
    return _table(store.query(CODES_QUERY), CODE_SCHEMA, values)


def cofog_rows(store: GraphStore) -> pa.Table:
    """The COFOG division each functional 类 the store holds is set under."""
    return _table(store.query(COFOG_QUERY), COFOG_SCHEMA, lambda s: [_text(s[v]) for v in ("concept", "cofog", "cofogCode", "cofogName")])


def in_order(table: pa.Table) -> pa.Table:
    """The rows in the order a file holds them: by observation, then measure."""
    return table.sort_by([("observation", "ascending"), ("measure", "ascending")])


def table_kind_rows(store: GraphStore) -> pa.Table:
    """The name of each kind of table, from the ontology the store holds."""
    return _table(store.query(TABLE_KINDS_QUERY), TABLE_KIND_SCHEMA,
                  lambda s: [(_text(s["kind"]) or "").removeprefix(BG).removeprefix("table-"), _text(s["name"])])


def parquet_bytes(table: pa.Table) -> bytes:
    """The table as a Parquet file, sorted so that the same rows give the same bytes."""
    sink = io.BytesIO()
    pq.write_table(in_order(table), sink, compression="zstd")
    return sink.getvalue()


def _rows(solutions: object) -> pa.Table:
    return _table(solutions, SCHEMA, _row)


def _table(solutions: object, schema: pa.Schema, values: Callable[[pyoxigraph.QuerySolution], list[object]]) -> pa.Table:
    columns: dict[str, list[object]] = {name: [] for name in schema.names}
    for solution in solutions:  # type: ignore[attr-defined]
        for name, value in zip(schema.names, values(solution), strict=True):
            columns[name].append(value)
    return pa.table(columns, schema=schema)


def _row(solution: pyoxigraph.QuerySolution) -> list[object]:
    def text(variable: str) -> str | None:
        value = _text(solution[variable])
        prefix = CONCEPT_PREFIXES.get(variable)
        return value.removeprefix(BG).removeprefix(prefix) if value is not None and prefix is not None else value

    district = text("district") or ""
    amount_text = text("amount") or "0"
    amount = Decimal(amount_text)
    unit = text("unit") or ""
    wan_yuan = amount * TO_WAN_YUAN.get(unit, Decimal(1))
    row_number = text("rowNumber")
    return [
        text("document"), text("dataset"), text("department"), text("departmentName"), text("budgetUnit"),
        text("budgetUnitName"), district, text("districtName"), district[:2] + "0000", district[:4] + "00",
        int(text("year") or 0), text("datasetPhase"), text("phase"), text("scope"), text("table"), text("tableKind"), text("side"),
        text("rowRole"), int(row_number) if row_number else None, text("label"), text("scheme"), text("concept"),
        text("code"), text("level"), text("parentCode"), text("measure"), amount, amount_text, unit, wan_yuan,
        text("observation"),
    ]


def _text(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))
