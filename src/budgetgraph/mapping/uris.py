"""The URI scheme. Vocabulary and code lists live under a fixed namespace; instance data under a configurable
base, so a deployment mints URIs that dereference on its own host.

    {base}id/district/410303                          a county-level division (GB/T 2260)
    {base}id/department/410303/113001                 a department, by district and code
    {base}id/unit/410303/106001                       a budget unit, by district and unit code
    {base}id/dataset/410303/113001/2021/budget        a department's document for a year and phase
    {base}id/dataset/…/2025/budget/unit               the 单位 (unit alone) document of the same body
    {base}id/dataset/…/table/1, …/table/1/row/3       a table, a row observation
    {base}graph/dataset/410303/113001/2021/budget     the named graph holding that document
    https://w3id.org/budgetgraph/code/function/2021/2010350   a functional classification code of 2021
    https://w3id.org/budgetgraph/code/economic/2018/30201     a 部门预算 economic code (财预〔2017〕98号 edition)
    https://w3id.org/budgetgraph/code/government-economic/2018/50201   a 政府预算 economic code, same edition
"""

from __future__ import annotations

import hashlib

from rdflib import Namespace, URIRef

from budgetgraph.records import BudgetDocument, Phase

BG = Namespace("https://w3id.org/budgetgraph/def#")
CODE = "https://w3id.org/budgetgraph/code/"
ECONOMIC_EDITION = 2018

PHASE_SLUGS = {Phase.BUDGET: "budget", Phase.REVISED_BUDGET: "revised-budget", Phase.EXECUTION: "execution", Phase.FINAL_ACCOUNTS: "final-accounts"}


class Minter:
    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def district(self, code: str) -> URIRef:
        return URIRef(f"{self.base}id/district/{code}")

    def department(self, district: str, code: str) -> URIRef:
        return URIRef(f"{self.base}id/department/{district}/{code}")

    def unit(self, district: str, code: str) -> URIRef:
        return URIRef(f"{self.base}id/unit/{district}/{code}")

    def dataset_path(self, doc: BudgetDocument) -> str:
        """A 单位 document of a unit sits beside its department's 部门 document of the same year and phase."""
        path = f"{doc.district_code}/{department_key(doc)}/{doc.fiscal_year}/{PHASE_SLUGS[doc.phase]}"
        return path + "/unit" if doc.scope == "单位" else path

    def dataset(self, doc: BudgetDocument) -> URIRef:
        return URIRef(f"{self.base}id/dataset/{self.dataset_path(doc)}")

    def graph(self, doc: BudgetDocument) -> URIRef:
        return URIRef(f"{self.base}graph/dataset/{self.dataset_path(doc)}")

    def report_graph(self, doc: BudgetDocument) -> URIRef:
        return URIRef(f"{self.graph(doc)}/report")

    def entity_graph(self, entity: URIRef) -> URIRef:
        """Shared entities (districts, departments, units) each get a graph of their own, so that documents
        naming the same department never hold the same triples twice."""
        return URIRef(str(entity).replace(f"{self.base}id/", f"{self.base}graph/", 1))

    def document(self, sha256: str) -> URIRef:
        return URIRef(f"{self.base}id/document/{sha256[:16]}")


def department_key(doc: BudgetDocument) -> str:
    """The department's budget code, or a digest of its name when the document states no code."""
    return doc.department_code or "n" + hashlib.sha256(doc.department.encode()).hexdigest()[:10]


def function_scheme(year: int) -> URIRef:
    return URIRef(f"{CODE}function/{year}")


def function_code(year: int, code: str) -> URIRef:
    return URIRef(f"{CODE}function/{year}/{code}")


def economic_scheme() -> URIRef:
    return URIRef(f"{CODE}economic/{ECONOMIC_EDITION}")


def economic_code(code: str) -> URIRef:
    return URIRef(f"{CODE}economic/{ECONOMIC_EDITION}/{code}")


def government_economic_scheme() -> URIRef:
    return URIRef(f"{CODE}government-economic/{ECONOMIC_EDITION}")


def government_economic_code(code: str) -> URIRef:
    return URIRef(f"{CODE}government-economic/{ECONOMIC_EDITION}/{code}")


def codelist_graph(scheme: URIRef) -> URIRef:
    return URIRef(f"{scheme}/graph")


def cofog_scheme() -> URIRef:
    return URIRef(f"{CODE}cofog")


def cofog_code(division: str) -> URIRef:
    return URIRef(f"{CODE}cofog/{division}")
