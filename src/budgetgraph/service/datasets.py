"""The published datasets: one per stored bg:BudgetDataset (a department's document for a year and phase),
with what catalogues say about it."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph

from budgetgraph.mapping.uris import Minter
from budgetgraph.service.snapshot import remembered
from budgetgraph.store import GraphStore

# Each dataset's own named graph gives its path; labels come from the shared graphs (department, district,
# ontology), so they are read from the union.
PUBLISHED = """
PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?graph ?dataset ?title ?year ?phase ?scope ?department ?departmentName ?district ?districtName ?prefix WHERE {
  GRAPH ?graph {
    ?dataset a bg:BudgetDataset ; dct:title ?title ; bg:fiscalYear ?year ; bg:phase ?phaseConcept ;
             bg:department ?department ; dct:spatial ?district .
    OPTIONAL { ?dataset bg:scope ?scope }
  }
  FILTER(STRSTARTS(STR(?graph), ?prefix))
  OPTIONAL { ?phaseConcept skos:prefLabel ?phase FILTER(LANGMATCHES(LANG(?phase), "zh")) }
  OPTIONAL { ?department skos:prefLabel ?departmentName }
  OPTIONAL { ?district rdfs:label ?districtName }
}
ORDER BY ?graph ?title ?phase ?departmentName ?districtName
"""

_COLUMNS = ("graph", "dataset", "title", "year", "phase", "scope", "department", "departmentName", "district", "districtName")


@dataclass(frozen=True)
class PublishedDataset:
    iri: str
    path: str  # its graph is {base}graph/dataset/{path}: 410303/113001/2021/budget
    graph: str
    title: str
    fiscal_year: int
    phase: str  # 预算, 调整预算 or 决算
    scope: str  # 部门 or 单位
    department: str
    department_name: str
    district: str
    district_name: str

    @property
    def report_graph(self) -> str:
        return self.graph + "/report"

    @property
    def description(self) -> str:
        return (
            f"{self.department_name}（{self.district_name}）{self.fiscal_year}年度{self.phase}公开文件"
            f"{f'（{self.scope}）' if self.scope else ''}"
            "中的表格、数字与说明，转换为关联数据，附校验报告。"
        )

    @property
    def keywords(self) -> list[str]:
        return [k for k in (self.phase, f"{self.fiscal_year}年", self.department_name, self.district_name) if k]


@remembered
def published_datasets(store: GraphStore, base: str) -> tuple[PublishedDataset, ...]:
    """Every dataset, in the order of their paths; a dataset with several titles or labels is listed once."""
    prefix = Minter(base).base + "graph/dataset/"
    solutions = store.query(PUBLISHED, {"prefix": pyoxigraph.Literal(prefix)})
    try:
        rows = [{name: s[name].value if s[name] is not None else "" for name in _COLUMNS} for s in solutions]  # type: ignore[union-attr]
    finally:
        del solutions  # released in the thread that made it
    found: dict[str, PublishedDataset] = {}
    for row in rows:
        if row["graph"] not in found:
            found[row["graph"]] = PublishedDataset(
                iri=row["dataset"],
                path=row["graph"].removeprefix(prefix),
                graph=row["graph"],
                title=row["title"],
                fiscal_year=int(row["year"]),
                phase=row["phase"],
                scope=row["scope"],
                department=row["department"],
                department_name=row["departmentName"] or row["title"],
                district=row["district"],
                district_name=row["districtName"],
            )
    return tuple(found.values())


def find(store: GraphStore, base: str, path: str) -> PublishedDataset | None:
    return next((d for d in published_datasets(store, base) if d.path == path), None)

