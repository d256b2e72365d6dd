"""The ontology is the contract with every researcher who writes a query: every term the data uses is defined
there with a Chinese and an English label and a definition."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.mapping.uris import BG
from budgetgraph.resources import resource
from conftest import BASE, CORPUS, SEED



def ontology() -> Graph:
    return Graph().parse(resource("ontology", "budgetgraph.ttl"))


def _labels(graph: Graph, term: URIRef) -> set[str]:
    return {label.language for label in graph.objects(term, RDFS.label)}  # type: ignore[attr-defined]


def test_every_bg_term_the_data_uses_is_defined_with_both_labels() -> None:
    onto = ontology()
    used: set[URIRef] = set()
    documents = [SEED, *sorted(CORPUS.glob("putuo-govoffice-*.pdf"))]
    for path in documents:
        mapped = map_document(read_document(path), BASE)
        for s, p, o in mapped.union():
            used.update(t for t in (s, p, o) if isinstance(t, URIRef) and str(t).startswith(str(BG)))
            if p == RDF.type and isinstance(o, URIRef):
                used.add(o)
    undefined = sorted(str(t) for t in used if str(t).startswith(str(BG)) and (t, None, None) not in onto)
    assert undefined == []
    unlabelled = sorted(str(t) for t in used if str(t).startswith(str(BG)) and _labels(onto, t) != {"zh", "en"})
    assert unlabelled == []


def test_every_class_and_property_has_a_definition() -> None:
    onto = ontology()
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in onto.subjects(RDF.type, kind)}
    assert len(terms) > 80
    assert sorted(str(t) for t in terms if onto.value(t, SKOS.definition) is None) == []
    assert sorted(str(t) for t in terms if _labels(onto, t) != {"zh", "en"}) == []


def test_every_table_kind_the_reader_knows_is_a_concept() -> None:
    from budgetgraph.records import TableKind

    onto = ontology()
    assert sorted(k.value for k in TableKind if (BG["table-" + k.value], RDF.type, BG.TableKind) not in onto) == []


def test_each_table_is_a_cube_whose_structure_declares_its_measures() -> None:
    from rdflib import Namespace

    qb = Namespace("http://purl.org/linked-data/cube#")
    onto = ontology()
    for path in [SEED, *sorted(CORPUS.glob("putuo-govoffice-*.pdf"))]:
        graph = map_document(read_document(path), BASE).graph
        for table in graph.subjects(RDF.type, BG.Table):
            structure = graph.value(table, qb.structure)
            assert (structure, RDF.type, qb.DataStructureDefinition) in onto, structure
            declared = {m for c in onto.objects(structure, qb.component) for m in onto.objects(c, qb.measure)}
            used = {p for obs in graph.subjects(qb.dataSet, table) for p in graph.predicates(obs) if (p, RDF.type, qb.MeasureProperty) in onto}
            assert used <= declared, (table, used - declared)


def test_the_documentation_is_generated_from_the_turtle_and_served(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from html.parser import HTMLParser

    from fastapi.testclient import TestClient

    from budgetgraph.service import create_app
    from budgetgraph.store import EmbeddedStore

    onto = ontology()
    client = TestClient(create_app(EmbeddedStore(), base=BASE))
    page = client.get("/def")
    assert page.headers["content-type"].startswith("text/html")

    class Anchors(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.ids.update(value for name, value in attrs if name == "id" and value)

    anchors = Anchors()
    anchors.feed(page.text)
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in onto.subjects(RDF.type, kind)}
    assert {str(t).removeprefix(str(BG)) for t in terms if str(t).startswith(str(BG))} <= anchors.ids
    for term in terms:
        for label in onto.objects(term, RDFS.label):
            assert str(label) in page.text
    turtle = client.get("/def", headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=turtle.text, format="turtle")) == len(onto)


def test_lines_roll_up_to_their_classes_and_cofog_divisions_as_published() -> None:
    """项 → 款 → 类 through skos:broader, and 类 → COFOG, reproduce the 类 totals the seed publishes in its
    财政拨款收支总体情况表 (394.40, 16.99, 12.60, 11.03 万元)."""
    from decimal import Decimal

    from budgetgraph.pipeline import ingest
    from budgetgraph.store import EmbeddedStore
    from conftest import ROOT

    store = EmbeddedStore()
    ingest(SEED, store, BASE)
    rollup = (ROOT / "queries" / "general-budget-rollup.rq").read_text(encoding="utf-8")
    rows = [(s["class"].value, s["division"].value, Decimal(s["total"].value)) for s in store.query(rollup)]
    assert rows == [("201", "01", Decimal("394.40")), ("208", "10", Decimal("16.99")), ("210", "07", Decimal("12.60")), ("221", "06", Decimal("11.03"))]
    published = (ROOT / "queries" / "general-budget-by-class.rq").read_text(encoding="utf-8")
    by_class = {s["code"].value: Decimal(s["amount"].value) for s in store.query(published) if s["code"] is not None}
    assert by_class == {code: total for code, _, total in rows}
