"""Records → RDF: a Data Cube dataset per document, one observation per table row, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

from rdflib import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from budgetgraph.ingest.performance import LEVEL2
from budgetgraph.mapping import uris
from budgetgraph.mapping.codelists import (
    cofog_scheme_graph,
    economic_scheme_graph,
    functional_scheme_graph,
    government_economic_scheme_graph,
    level_of,
)
from budgetgraph.mapping.claims import claim_triples
from budgetgraph.mapping.comparisons import comparison_triples
from budgetgraph.mapping.triples import Triples, canonical_ntriples
from budgetgraph.mapping.triples import decimal as _decimal
from budgetgraph.mapping.triples import integer as _int
from budgetgraph.mapping.uris import BG, Minter
from budgetgraph.records import BudgetDocument, PerformancePlan, Phase, Row, RowRole, Table, TableKind, UnreadTable

QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")

FUNDS = {
    TableKind.GENERAL_BUDGET_EXPENDITURE: "fund-general-budget",
    TableKind.THREE_PUBLIC: "fund-general-budget",
    TableKind.GOVERNMENT_FUND_EXPENDITURE: "fund-government-fund",
    TableKind.STATE_CAPITAL_EXPENDITURE: "fund-state-capital",
}
INDICATOR_CATEGORIES = {
    "产出指标": "output", "效益指标": "outcome", "满意度指标": "satisfaction",
    "数量指标": "quantity", "质量指标": "quality", "质量目标": "quality", "时效指标": "timeliness", "成本指标": "cost",
    "经济效益": "economic", "经济效益指标": "economic", "社会效益": "social", "社会效益指标": "social",
    "生态效益": "ecological", "生态效益指标": "ecological", "可持续影响指标": "sustainability",
    "可持续发展影响指标": "sustainability", "服务对象满意度指标": "service-satisfaction",
}
INDENTED_LEVELS = {1: BG["level-lei"], 2: BG["level-kuan"], 3: BG["level-xiang"]}
assert set(LEVEL2) <= set(INDICATOR_CATEGORIES), "every 二级 category the parser knows has a concept"


@dataclass(frozen=True)
class MappedDocument:
    """The RDF of one document: its own graph, and the shared graphs (entities, code lists) it refers to."""

    dataset: URIRef
    graph_name: URIRef
    triples: Triples
    fiscal_year: int  # which year's code lists the document's codes belong to
    shared: dict[URIRef, Triples] = field(default_factory=dict)  # districts, departments, units
    _ntriples: dict[URIRef, bytes] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def graph(self) -> Graph:
        """The document's own graph as an rdflib ``Graph``."""
        return self.triples.graph()

    def ntriples(self) -> dict[URIRef, bytes]:
        """Each graph in N-Triples, serialised once for both validation and loading (code lists once a process)."""
        if not self._ntriples:
            own = {self.graph_name: self.triples, **self.shared}
            self._ntriples.update({name: triples.ntriples() for name, triples in own.items()})
            self._ntriples.update({name: data for name, (_, data) in _code_lists(self.fiscal_year).items()})
        return self._ntriples

    def union(self) -> Graph:
        """Every graph the document's load writes, as one rdflib ``Graph``."""
        union = self.triples.graph()
        for triples in self.shared.values():
            union += triples
        for graph, _ in _code_lists(self.fiscal_year).values():
            union += graph
        return union


def map_document(doc: BudgetDocument, base: str) -> MappedDocument:
    return _Mapper(doc, Minter(base)).run()


@cache
def _code_lists(year: int) -> dict[URIRef, tuple[Graph, bytes]]:
    """The SKOS code lists a document of ``year`` refers to, built and serialised once per process."""
    graphs = dict([functional_scheme_graph(year), economic_scheme_graph(), government_economic_scheme_graph(), cofog_scheme_graph()])
    return {name: (graph, canonical_ntriples(graph)) for name, graph in graphs.items()}


def _parent_rows(table: Table) -> dict[tuple[int, Phase | None, int | None], Row]:
    """Each line's parent, by its number, phase and year: the line it is indented under, where the table shows the
    levels by indentation; otherwise a coded line's nearest published ancestor in the same table, unit, side, phase
    and year: 2010301 under 20103, or under 201 when the 款 is not printed."""
    numbered = {(r.number, r.phase, r.year): r for r in table.rows}
    parents = {(r.number, r.phase, r.year): numbered[r.parent, r.phase, r.year] for r in table.rows if r.parent is not None}
    if parents:
        return parents
    lines = [r for r in table.rows if r.role is RowRole.LINE and (r.function_code or r.economic_code)]
    for row in lines:
        code = row.function_code or row.economic_code or ""
        ancestors = [
            a for a in lines
            if a.unit_code == row.unit_code and a.side == row.side and (a.phase, a.year) == (row.phase, row.year)
            and len(a.function_code or a.economic_code or "") < len(code) and code.startswith(a.function_code or a.economic_code or "")
        ]
        if ancestors:
            parents[row.number, row.phase, row.year] = max(ancestors, key=lambda a: len(a.function_code or a.economic_code or ""))
    return parents


class _Mapper:
    def __init__(self, doc: BudgetDocument, mint: Minter) -> None:
        self.doc, self.mint = doc, mint
        self.g = Triples({"bg": BG, "qb": QB})
        self.dataset = mint.dataset(doc)
        self.year = Literal(str(doc.fiscal_year), datatype=XSD.gYear)
        self.phase = BG["phase-" + uris.PHASE_SLUGS[doc.phase]]
        self.district = mint.district(doc.district_code)
        self.department = mint.department(doc.district_code, uris.department_key(doc))

    def run(self) -> MappedDocument:
        self._dataset()
        for table in self.doc.tables:
            self._table(table)
        for unread in self.doc.unread:
            self._unread(unread)
        claim_triples(self.g, self.doc, self.dataset, self._row_uri)
        if self.doc.performance:
            self._performance(self.doc.performance)
        return MappedDocument(self.dataset, self.mint.graph(self.doc), self.g, self.doc.fiscal_year, self._entities())

    def _dataset(self) -> None:
        doc, g, ds = self.doc, self.g, self.dataset
        source = self.mint.document(doc.source.sha256)
        g.add((ds, RDF.type, BG.BudgetDataset))
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.title, Literal(doc.title, lang="zh")))
        g.add((ds, BG.fiscalYear, self.year))
        g.add((ds, BG.phase, self.phase))
        g.add((ds, BG.department, self.department))
        g.add((ds, DCTERMS.spatial, self.district))
        g.add((ds, BG.unit, Literal(doc.amount_unit)))
        g.add((ds, BG.scope, Literal(doc.scope)))
        g.add((ds, BG.sourceDocument, source))
        g.add((ds, PROV.wasDerivedFrom, source))
        g.add((source, RDF.type, BG.SourceDocument))
        g.add((source, BG.fileName, Literal(doc.source.name)))
        g.add((source, BG.sha256, Literal(doc.source.sha256)))
        g.add((source, BG.mediaType, Literal(doc.source.media_type)))

    def _table(self, table: Table) -> None:
        g = self.g
        node = URIRef(f"{self.dataset}/table/{table.number}")
        g.add((node, RDF.type, BG.Table))
        g.add((node, RDF.type, QB.DataSet))
        g.add((node, QB.structure, BG["dsd-" + table.kind.value]))
        g.add((node, DCTERMS.isPartOf, self.dataset))
        g.add((node, DCTERMS.title, Literal(table.title, lang="zh")))
        g.add((node, BG.tableKind, BG["table-" + table.kind.value]))
        g.add((node, BG.tableNumber, _int(table.number)))
        g.add((node, BG.unit, Literal(table.unit)))
        g.add((node, BG.isEmpty, Literal(table.is_empty)))
        g.add((node, BG.sourceLine, _int(table.line)))
        g.add((node, PROV.wasDerivedFrom, self.mint.document(self.doc.source.sha256)))
        if table.page is not None:
            g.add((node, BG.page, _int(table.page)))
        for note in table.notes:
            g.add((node, BG.note, Literal(note, lang="zh")))
        columns = {(c.column, c.measure) for row in table.rows for c in row.cells}
        for position, (header, measure) in enumerate(sorted(columns), start=1):
            column = URIRef(f"{node}/column/{position}")
            g.add((node, BG.column, column))
            g.add((column, RDF.type, BG.ColumnSpec))
            g.add((column, BG.columnHeader, Literal(header)))
            g.add((column, BG.measure, BG[measure]))
        parents = _parent_rows(table)
        for row in table.rows:
            if any(c.amount is not None or c.confidence is not None for c in row.cells):
                obs = self._observation(node, table, row)
                if (parent := parents.get((row.number, row.phase, row.year))) is not None:
                    g.add((obs, BG.parentRow, self._row_uri(node, parent)))
                comparison_triples(g, node, table, row, obs, self._row_uri)

    def _unread(self, unread: UnreadTable) -> None:
        node = URIRef(f"{self.dataset}/table/{unread.number}")
        self.g.add((node, RDF.type, BG.UnreadTable))
        self.g.add((node, DCTERMS.isPartOf, self.dataset))
        self.g.add((node, DCTERMS.title, Literal(unread.title, lang="zh")))
        self.g.add((node, BG.tableKind, BG["table-" + unread.kind.value]))
        self.g.add((node, BG.tableNumber, _int(unread.number)))
        self.g.add((node, BG.sourcePlace, Literal(unread.place)))
        self.g.add((node, BG.readError, Literal(unread.reason)))

    @staticmethod
    def _row_uri(table_node: URIRef, row: Row) -> URIRef:
        side = {"收入": "/income", "支出": "/expenditure"}.get(row.side or "", "")
        year = f"/{row.year}" if row.year else ""
        phase = f"/{uris.PHASE_SLUGS[row.phase]}" if row.phase else ""
        return URIRef(f"{table_node}/row/{row.number}{side}{year}{phase}")

    def _observation(self, table_node: URIRef, table: Table, row: Row) -> URIRef:
        g = self.g
        obs = self._row_uri(table_node, row)
        g.add((obs, RDF.type, QB.Observation))
        g.add((obs, RDF.type, BG.BudgetObservation))
        g.add((obs, QB.dataSet, table_node))
        g.add((obs, BG.dataset, self.dataset))
        g.add((obs, BG.table, table_node))
        g.add((obs, BG.rowNumber, _int(row.number)))
        g.add((obs, BG.rowRole, BG["role-" + row.role.value]))
        g.add((obs, RDFS.label, Literal(row.label, lang="zh")))
        g.add((obs, BG.fiscalYear, Literal(str(row.year), datatype=XSD.gYear) if row.year else self.year))
        g.add((obs, BG.phase, BG["phase-" + uris.PHASE_SLUGS[row.phase]] if row.phase else self.phase))
        g.add((obs, BG.fund, BG[FUNDS.get(table.kind, "fund-all")]))
        g.add((obs, BG.unit, Literal(row.unit or table.unit)))
        g.add((obs, BG.sourceLine, _int(row.line)))
        if row.page is not None:
            g.add((obs, BG.page, _int(row.page)))
        g.add((obs, PROV.wasDerivedFrom, table_node))
        if row.side:
            g.add((obs, BG.side, Literal(row.side)))
        if row.description:
            g.add((obs, BG.description, Literal(row.description, lang="zh")))
        if row.function_code:
            g.add((obs, BG.functionalClass, uris.function_code(self.doc.fiscal_year, row.function_code)))
        if row.economic_code:
            g.add((obs, BG.economicClass, uris.economic_code(row.economic_code)))
        if code := row.function_code or row.economic_code:
            g.add((obs, BG.code, Literal(code)))
        if level := level_of(row.function_code or row.economic_code or "") or INDENTED_LEVELS.get(row.level or 0):
            g.add((obs, BG.level, level))
        if row.unit_code:
            g.add((obs, BG.budgetUnit, self.mint.unit(self.doc.district_code, row.unit_code)))
        for cell in row.cells:
            if cell.amount is not None:
                g.add((obs, BG[cell.measure], _decimal(cell.amount)))
            elif cell.confidence is not None:
                g.add((obs, BG.unreadFigure, Literal(f"{cell.column}: {cell.text}")))
        if scanned := [cell.confidence for cell in row.cells if cell.confidence is not None]:
            g.add((obs, BG.ocrConfidence, _decimal(min(scanned))))
        return obs

    def _performance(self, plan: PerformancePlan) -> None:
        g = self.g
        for number, goal in enumerate(plan.goals, start=1):
            node = URIRef(f"{self.dataset}/goal/{number}")
            g.add((node, RDF.type, BG.PerformanceGoal))
            g.add((node, BG.dataset, self.dataset))
            g.add((node, RDFS.label, Literal(goal.name, lang="zh")))
            g.add((node, BG.description, Literal(goal.description, lang="zh")))
            g.add((node, BG.sourceLine, _int(goal.location.line)))
        for number, indicator in enumerate(plan.indicators, start=1):
            node = URIRef(f"{self.dataset}/indicator/{number}")
            target = indicator.target
            g.add((node, RDF.type, BG.PerformanceIndicator))
            g.add((node, BG.dataset, self.dataset))
            g.add((node, BG.table, URIRef(f"{self.dataset}/table/{plan.table}")))
            g.add((node, RDFS.label, Literal(indicator.name, lang="zh")))
            g.add((node, BG.indicatorLevel1, BG["indicator-" + INDICATOR_CATEGORIES[indicator.level1]]))
            g.add((node, BG.indicatorLevel2, BG["indicator-" + INDICATOR_CATEGORIES[indicator.level2]]))
            g.add((node, BG.targetText, Literal(target.text, lang="zh")))
            g.add((node, BG.sourceLine, _int(indicator.location.line)))
            if target.value is not None:
                g.add((node, BG.comparator, Literal(target.comparator)))
                g.add((node, BG.targetValue, _decimal(target.value)))
            if target.unit:
                g.add((node, BG.targetUnit, Literal(target.unit)))

    def _entities(self) -> dict[URIRef, Triples]:
        doc, mint = self.doc, self.mint
        district = Triples()
        district.add((self.district, RDF.type, BG.District))
        district.add((self.district, SKOS.notation, Literal(doc.district_code)))
        district.add((self.district, SKOS.prefLabel, Literal(f"{doc.city or ''}{doc.district}" or doc.province or "", lang="zh")))
        district.add((self.district, RDFS.label, Literal(f"{doc.province or ''}{doc.city or ''}{doc.district}", lang="zh")))
        department = Triples()
        department.add((self.department, RDF.type, BG.Department))
        department.add((self.department, RDF.type, ORG.Organization))
        department.add((self.department, SKOS.prefLabel, Literal(doc.department, lang="zh")))
        department.add((self.department, BG.district, self.district))
        if doc.department_code:
            department.add((self.department, ORG.identifier, Literal(doc.department_code)))
        graphs = {mint.entity_graph(self.district): district, mint.entity_graph(self.department): department}
        for unit in doc.budget_units:
            node = mint.unit(doc.district_code, unit.code)
            graph = Triples()
            graph.add((node, RDF.type, BG.BudgetUnit))
            graph.add((node, RDF.type, ORG.OrganizationalUnit))
            graph.add((node, SKOS.prefLabel, Literal(unit.name, lang="zh")))
            graph.add((node, ORG.identifier, Literal(unit.code)))
            graph.add((node, ORG.unitOf, self.department))
            graph.add((node, BG.district, self.district))
            graphs[mint.entity_graph(node)] = graph
        return graphs
