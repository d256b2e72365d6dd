"""The service through real HTTP: the SPARQL 1.1 Protocol and the home page, over a store holding the seed."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from SPARQLWrapper import JSON, SPARQLWrapper

from budgetgraph.pipeline import ingest
from budgetgraph.resources import resource
from budgetgraph.service import create_app
from budgetgraph.store import EmbeddedStore
from conftest import BASE, SEED

CLASS_QUERY = resource("queries", "general-budget-by-class.rq").read_text(encoding="utf-8")
EXPECTED = [("201", Decimal("394.40")), ("208", Decimal("16.99")), ("210", Decimal("12.60")), ("221", Decimal("11.03")), ("", Decimal("435.02"))]


@pytest.fixture(scope="module")
def client() -> TestClient:
    store = EmbeddedStore()
    ingest(SEED, store, BASE)
    return TestClient(create_app(store, base=BASE))


def _rows(payload: dict) -> list[tuple[str, Decimal]]:  # type: ignore[type-arg]
    return [(b.get("code", {}).get("value", ""), Decimal(b["amount"]["value"])) for b in payload["results"]["bindings"]]


def test_get_post_form_and_post_direct_agree(client: TestClient) -> None:
    by_get = client.get("/sparql", params={"query": CLASS_QUERY})
    by_form = client.post("/sparql", data={"query": CLASS_QUERY})
    by_body = client.post("/sparql", content=CLASS_QUERY.encode(), headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert _rows(response.json()) == EXPECTED


def test_csv_tsv_and_xml(client: TestClient) -> None:
    as_csv = client.get("/sparql", params={"query": CLASS_QUERY}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["code"], Decimal(r["amount"])) for r in rows] == EXPECTED
    as_tsv = client.get("/sparql", params={"query": CLASS_QUERY, "format": "tsv"})
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    assert as_tsv.text.splitlines()[0].split("\t")[:3] == ["?department", "?year", "?code"]
    as_xml = client.get("/sparql", params={"query": CLASS_QUERY}, headers={"Accept": "application/sparql-results+xml;q=0.9, text/plain;q=0.1"})
    results = ET.fromstring(as_xml.content).findall(".//{http://www.w3.org/2005/sparql-results#}result")
    assert len(results) == 5


def test_ask_and_construct(client: TestClient) -> None:
    ask = client.get("/sparql", params={"query": "ASK { ?s <https://w3id.org/budgetgraph/def#total> 435.02 }"})
    assert ask.json()["boolean"] is True
    construct = client.get("/sparql", params={"query": "CONSTRUCT { ?d ?p ?o } WHERE { ?d a <https://w3id.org/budgetgraph/def#BudgetDataset> ; ?p ?o }"})
    assert construct.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=construct.text, format="turtle")
    assert len(graph) >= 8
    nt = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/budgetgraph/def#total>"}, headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=nt.text, format="nt")) > 0


def test_errors(client: TestClient) -> None:
    bad = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert bad.status_code == 400 and "query" in bad.text.lower()
    assert client.post("/sparql", data={"update": "DROP ALL"}).status_code == 403
    assert client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}).status_code == 403
    assert client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}).status_code == 406
    remote = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert remote.status_code == 400


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    graph = Graph().parse(data=response.text, format="turtle")
    endpoints = list(graph.objects(None, __import__("rdflib").URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")))
    assert [str(e).endswith("/sparql") for e in endpoints] == [True]


def test_cors(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_home_page_lists_datasets_escaped(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("西工区政务服务和大数据局 部门 2021", "西工区政务服务和大数据局<script>alert(1)</script> 部门 2021", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    store = EmbeddedStore()
    ingest(path, store, BASE)
    page = TestClient(create_app(store, base=BASE)).get("/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "/sparql" in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real command: `budgetgraph ingest` then `budgetgraph serve` on a free loopback port."""
    store = tmp_path_factory.mktemp("live") / "store"
    cli = [sys.executable, "-m", "budgetgraph.cli"]
    subprocess.run([*cli, "ingest", str(SEED), "--store", str(store)], check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--store", str(store), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url + "/sparql", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_query_over_http_matches_the_cli(live_server: str, tmp_path: Path) -> None:
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(CLASS_QUERY)
    client.setReturnFormat(JSON)
    over_http = _rows(client.query().convert())  # type: ignore[arg-type]
    assert over_http == EXPECTED


def test_rdflib_sparqlstore_reads_the_endpoint(live_server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(live_server + "/sparql"))
    rows = list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?o <https://w3id.org/budgetgraph/def#total> ?t }"))
    assert int(rows[0][0]) > 20
