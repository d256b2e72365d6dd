"""A department's document for one year and phase: its tables row by row, its validation report, its performance
indicators."""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetgraph.service.links import Linker, Ref
from budgetgraph.service.reads import Bindings, Solution, iri, select, text
from budgetgraph.store import GraphStore
from budgetgraph.validation.report import RANK, TABLES_SECTION  # grouped by section, most serious first, as `validate` prints

ZH = 'FILTER (LANG(?{0}) = "zh")'
DATASET = f"""SELECT * WHERE {{
  ?d dct:title ?title .
  OPTIONAL {{ ?d bg:fiscalYear ?year }}
  OPTIONAL {{ ?d bg:scope ?scope }}
  OPTIONAL {{ ?d bg:unit ?unit }}
  OPTIONAL {{ ?d bg:phase/skos:prefLabel ?phase {ZH.format("phase")} }}
  OPTIONAL {{ ?d bg:department ?department OPTIONAL {{ ?department skos:prefLabel ?departmentName }} }}
  OPTIONAL {{ ?d dct:spatial ?district OPTIONAL {{ ?district skos:prefLabel ?districtName }} }}
  OPTIONAL {{ ?d bg:sourceDocument ?source
    OPTIONAL {{ ?source bg:fileName ?file }} OPTIONAL {{ ?source bg:sha256 ?sha256 }} OPTIONAL {{ ?source bg:mediaType ?mediaType }} }}
  OPTIONAL {{ ?report a sh:ValidationReport ; dct:subject ?d OPTIONAL {{ ?report sh:conforms ?conforms }} }}
}} LIMIT 1"""
FINDING_COUNTS = """SELECT ?d ?severity (COUNT(?result) AS ?count) WHERE {
  ?report a sh:ValidationReport ; dct:subject ?d ; sh:result ?result . ?result sh:resultSeverity ?severity
} GROUP BY ?d ?severity"""
TABLES = """SELECT * WHERE {
  ?t dct:isPartOf ?d ; bg:tableNumber ?number .
  OPTIONAL { ?t dct:title ?title } OPTIONAL { ?t bg:unit ?unit } OPTIONAL { ?t bg:page ?page }
  OPTIONAL { ?t bg:sourceLine ?line } OPTIONAL { ?t bg:sourcePlace ?place } OPTIONAL { ?t bg:readError ?error }
} ORDER BY ?number"""
COLUMNS = f"""SELECT ?d ?t ?column ?header ?measure ?measureName WHERE {{
  ?t dct:isPartOf ?d ; bg:column ?column . ?column bg:columnHeader ?header ; bg:measure ?measure .
  OPTIONAL {{ ?measure rdfs:label ?measureName {ZH.format("measureName")} }}
}}"""
# The measure is checked after the dataset's rows are found: as a pattern, pyoxigraph started from it and read
# every row of the store with each measure (0.9 s against 0.01 s for a dataset of 121 rows, 1.1M quads).
ROWS = f"""SELECT ?d ?t ?row ?number ?label ?side ?line ?page ?phase ?concept ?code ?measure ?amount WHERE {{
  ?row bg:dataset ?d ; bg:table ?t ; bg:rowNumber ?number ; ?measure ?amount .
  FILTER EXISTS {{ ?measure a qb:MeasureProperty }}
  OPTIONAL {{ ?row rdfs:label ?label }} OPTIONAL {{ ?row bg:side ?side }} OPTIONAL {{ ?row bg:sourceLine ?line }}
  OPTIONAL {{ ?row bg:page ?page }} OPTIONAL {{ ?row bg:phase/skos:prefLabel ?phase {ZH.format("phase")} }}
  OPTIONAL {{ ?row bg:functionalClass|bg:economicClass ?concept }} OPTIONAL {{ ?row bg:code ?code }}
}} ORDER BY ?t ?number ?side ?row"""
INDICATORS = f"""SELECT ?d ?indicator ?label ?level1 ?level2 ?target WHERE {{
  ?indicator a bg:PerformanceIndicator ; bg:dataset ?d ; rdfs:label ?label .
  OPTIONAL {{ ?indicator bg:indicatorLevel1/skos:prefLabel ?level1 {ZH.format("level1")} }}
  OPTIONAL {{ ?indicator bg:indicatorLevel2/skos:prefLabel ?level2 {ZH.format("level2")} }}
  OPTIONAL {{ ?indicator bg:targetText ?target }}
}}"""
INDICATOR = f"""SELECT * WHERE {{
  ?indicator a bg:PerformanceIndicator ; rdfs:label ?label .
  OPTIONAL {{ ?indicator bg:indicatorLevel1 ?level1 OPTIONAL {{ ?level1 skos:prefLabel ?level1Name {ZH.format("level1Name")} }} }}
  OPTIONAL {{ ?indicator bg:indicatorLevel2 ?level2 OPTIONAL {{ ?level2 skos:prefLabel ?level2Name {ZH.format("level2Name")} }} }}
  OPTIONAL {{ ?indicator bg:targetText ?target }} OPTIONAL {{ ?indicator bg:comparator ?comparator }}
  OPTIONAL {{ ?indicator bg:targetValue ?value }} OPTIONAL {{ ?indicator bg:targetUnit ?unit }}
  OPTIONAL {{ ?indicator bg:sourceLine ?line }}
  OPTIONAL {{ ?indicator bg:dataset ?d OPTIONAL {{ ?d dct:title ?datasetTitle }} }}
  OPTIONAL {{ ?indicator bg:table ?t OPTIONAL {{ ?t dct:title ?tableTitle }} }}
}} LIMIT 1"""
FINDINGS = """SELECT ?report ?result ?severity ?message ?focus ?focusLabel ?section ?published ?derived WHERE {
  ?report sh:result ?result . ?result sh:resultSeverity ?severity ; sh:resultMessage ?message .
  OPTIONAL { ?result sh:focusNode ?focus OPTIONAL { ?focus rdfs:label|dct:title|bg:statedText ?focusLabel } OPTIONAL { ?focus bg:section ?section } }
  OPTIONAL { ?result bg:publishedValue ?published ; bg:derivedValue ?derived }
} ORDER BY ?result"""
TABLE_OF = """SELECT ?t ?d ?title ?phase ?source ?file WHERE {
  ?t dct:isPartOf ?d . ?d dct:title ?title .
  OPTIONAL { ?d bg:phase/skos:prefLabel ?phase FILTER (LANG(?phase) = "zh") }
  OPTIONAL { ?d bg:sourceDocument ?source OPTIONAL { ?source bg:fileName ?file } }
} LIMIT 1"""
REPORT = "SELECT ?report ?d ?title ?conforms WHERE { ?report dct:subject ?d OPTIONAL { ?d dct:title ?title } OPTIONAL { ?report sh:conforms ?conforms } } LIMIT 1"


@dataclass(frozen=True)
class Column:
    header: str
    measure: Ref


@dataclass(frozen=True)
class TableRow:
    ref: Ref  # text: the printed row number
    label: str
    side: str
    phase: str  # the row's own phase: a 决算 table may print the budget beside the final accounts
    code: Ref | None
    source: str  # where the row was read: page and line
    amounts: list[str]  # one per column, "" when the row has none


@dataclass
class TableView:
    ref: Ref
    number: str
    unit: str
    source: str
    unread: str  # why the table could not be read, or ""
    columns: list[Column] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


def dataset(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    bound = {"d": iri(resource)}
    found = select(store, DATASET, bound)
    facts = found[0] if found else {}
    counts = {text(c, "severity").rpartition("#")[2]: int(text(c, "count")) for c in select(store, FINDING_COUNTS, bound)}
    tables = _tables(store, linker, bound)
    indicators = [
        {"ref": linker.ref(text(i, "indicator"), text(i, "label")), "level1": text(i, "level1"), "level2": text(i, "level2"), "target": text(i, "target")}
        for i in sorted(select(store, INDICATORS, bound), key=lambda i: _number(text(i, "indicator")))
    ]
    return {
        "ref": linker.ref(resource, text(facts, "title")),
        "year": text(facts, "year"),
        "phase": text(facts, "phase"),
        "scope": text(facts, "scope"),
        "unit": text(facts, "unit"),
        "department": _optional_ref(linker, facts, "department", "departmentName"),
        "district": _optional_ref(linker, facts, "district", "districtName"),
        "source": _optional_ref(linker, facts, "source", "file"),
        "sha256": text(facts, "sha256"),
        "media_type": text(facts, "mediaType"),
        "report": linker.ref(text(facts, "report"), "validation report") if "report" in facts else None,
        "findings": counts,
        "tables": tables,
        "indicators": indicators,
    }


def _tables(store: GraphStore, linker: Linker, bound: Bindings) -> list[TableView]:
    tables = {
        text(t, "t"): TableView(linker.ref(text(t, "t"), text(t, "title")), text(t, "number"), text(t, "unit"), _place(t) or text(t, "place"), text(t, "error"))
        for t in select(store, TABLES, bound)
    }
    specs: dict[str, list[tuple[int, Column]]] = {}
    for c in select(store, COLUMNS, bound):
        column = Column(text(c, "header"), linker.ref(text(c, "measure"), text(c, "measureName") or None))
        specs.setdefault(text(c, "t"), []).append((_number(text(c, "column")), column))
    for table_iri, numbered in specs.items():
        tables[table_iri].columns = [column for _, column in sorted(numbered, key=lambda pair: pair[0])]
    amounts: dict[str, dict[str, str]] = {}
    facts: dict[str, Solution] = {}
    for r in select(store, ROWS, bound):  # one solution per row and measure
        facts.setdefault(text(r, "row"), r)
        amounts.setdefault(text(r, "row"), {})[text(r, "measure")] = text(r, "amount")
    for row_iri, r in facts.items():
        table, concept = tables[text(r, "t")], text(r, "concept")
        table.rows.append(TableRow(
            linker.ref(row_iri, text(r, "number")), text(r, "label"), text(r, "side"), text(r, "phase"),
            linker.ref(concept, text(r, "code") or None) if concept else None, _place(r),
            [amounts[row_iri].get(c.measure.iri, "") for c in table.columns],
        ))
    return list(tables.values())


def table(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    """One table of a dataset, as the dataset's page shows it."""
    found = select(store, TABLE_OF, {"t": iri(resource)})
    facts = found[0] if found else {}
    tables = _tables(store, linker, {"d": iri(text(facts, "d"))}) if "d" in facts else []
    return {
        "dataset": _optional_ref(linker, facts, "d", "title"),
        "phase": text(facts, "phase"),
        "source": _optional_ref(linker, facts, "source", "file"),
        "table": next((t for t in tables if t.ref.iri == resource), None),
    }


def report(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    bound = {"report": iri(resource)}
    found = select(store, REPORT, bound)
    facts = found[0] if found else {}
    findings = [
        {
            "anchor": text(f, "result").rpartition("#")[2],
            "severity": text(f, "severity").rpartition("#")[2],
            "message": text(f, "message"),
            "focus": linker.ref(text(f, "focus"), text(f, "focusLabel") or None) if "focus" in f else None,
            "published": text(f, "published"),
            "derived": text(f, "derived"),
            "section": text(f, "section") or TABLES_SECTION,
        }
        for f in sorted(select(store, FINDINGS, bound), key=lambda f: _number(text(f, "result")))
    ]
    findings.sort(key=lambda f: RANK[str(f["severity"])])
    sections: dict[str, list[dict[str, object]]] = {}
    for finding in findings:
        sections.setdefault(str(finding["section"]), []).append(finding)
    return {"dataset": _optional_ref(linker, facts, "d", "title"), "conforms": text(facts, "conforms"), "findings": findings, "sections": sections}


def indicator(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    found = select(store, INDICATOR, {"indicator": iri(resource)})
    facts = found[0] if found else {}
    return {
        "label": text(facts, "label"),
        "level1": _optional_ref(linker, facts, "level1", "level1Name"),
        "level2": _optional_ref(linker, facts, "level2", "level2Name"),
        "target": text(facts, "target"),
        "comparator": text(facts, "comparator"),
        "value": text(facts, "value"),
        "unit": text(facts, "unit"),
        "line": text(facts, "line"),
        "dataset": _optional_ref(linker, facts, "d", "datasetTitle"),
        "table": _optional_ref(linker, facts, "t", "tableTitle"),
    }


def _optional_ref(linker: Linker, facts: Solution, name: str, label: str) -> Ref | None:
    return linker.ref(text(facts, name), text(facts, label) or None) if name in facts else None


def _place(facts: Solution) -> str:
    page, line = text(facts, "page"), text(facts, "line")
    return ", ".join(part for part in (f"page {page}" if page else "", f"line {line}" if line else "") if part)


def _number(resource: str) -> int:
    """The number a minted IRI ends with (…/indicator/12, …/column/3, …#result-4), for ordering."""
    digits = ""
    for char in reversed(resource):
        if not char.isdigit():
            break
        digits = char + digits
    return int(digits or 0)
