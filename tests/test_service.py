"""The service through HTTP: the SPARQL 1.1 Protocol endpoint and the home page, over a small fixture store."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from conftest import BACKENDS, ROOT, live_client, load_trig, new_store, serving
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
from test_guard import ATTACKS, HONEST

from budgetgraph.config import Limits
from budgetgraph.service import app as app_module
from budgetgraph.service import create_app
from budgetgraph.service.app import EXAMPLE_QUERY
from budgetgraph.service.sparql import SERVICE_REFUSED, UPDATE_REFUSED
from budgetgraph.store import GraphStore, RemoteStore

FIXTURE = Path(__file__).resolve().parent / "data" / "service-fixture.trig"
BASE = "http://127.0.0.1:8000/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
PREFIXES = """PREFIX bg: <https://w3id.org/budgetgraph/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
AMOUNTS = PREFIXES + "SELECT ?label ?amount WHERE { ?row qb:dataSet ?table ; rdfs:label ?label ; bg:generalBudget ?amount } ORDER BY DESC(?amount)"
EXPECTED = [("一般公共服务支出", Decimal("394.40")), ("社会保障和就业支出", Decimal("16.99")), ("卫生健康支出", Decimal("11.03"))]
TITLES = PREFIXES + "CONSTRUCT { ?d dct:title ?title } WHERE { ?d a bg:BudgetDataset ; dct:title ?title }"
TITLE_SET = {"甲局2021年部门预算<script>alert(1)</script>", "乙局2022年部门预算", "丙局链接"}


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The fixture documents in each backend: the embedded store, and a real Oxigraph server on loopback."""
    with contextlib.ExitStack() as stack:
        store = new_store(request.param, stack)
        load_trig(store, FIXTURE)
        yield store


@pytest.fixture(scope="module")
def client(store: GraphStore) -> Iterator[httpx.Client]:
    """The service through real HTTP on loopback."""
    with live_client(create_app(store, base=BASE)) as client:
        yield client


def _rows(payload: dict) -> list[tuple[str, Decimal]]:  # type: ignore[type-arg]
    return [(b["label"]["value"], Decimal(b["amount"]["value"])) for b in payload["results"]["bindings"]]


def test_get_post_form_and_post_direct_agree(client: httpx.Client) -> None:
    by_get = client.get("/sparql", params={"query": AMOUNTS})
    by_form = client.post("/sparql", data={"query": AMOUNTS})
    by_body = client.post("/sparql", content=AMOUNTS.encode(), headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/sparql-results+json"
        assert _rows(response.json()) == EXPECTED


def test_csv_tsv_and_xml(client: httpx.Client) -> None:
    as_csv = client.get("/sparql", params={"query": AMOUNTS}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == ["label", "amount"]
    assert [(label, Decimal(amount)) for label, amount in rows[1:]] == EXPECTED
    as_tsv = client.get("/sparql", params={"query": AMOUNTS, "format": "tsv"})
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    lines = as_tsv.text.splitlines()
    assert lines[0] == "?label\t?amount" and lines[1].startswith('"一般公共服务支出"@zh\t')
    as_xml = client.post("/sparql", data={"query": AMOUNTS, "format": "xml"})
    assert as_xml.headers["content-type"] == "application/sparql-results+xml"
    results = ET.fromstring(as_xml.content).findall(f".//{RESULTS}result")
    assert [r.findtext(f"{RESULTS}binding[@name='label']/{RESULTS}literal") for r in results] == [label for label, _ in EXPECTED]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+xml;q=0.9, text/csv;q=0.5", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("text/csv;q=0, text/*", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_accept_with_q_values(client: httpx.Client, accept: str, media_type: str) -> None:
    response = client.get("/sparql", params={"query": AMOUNTS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]


def test_ask(client: httpx.Client) -> None:
    ask = PREFIXES + "ASK { ?row bg:generalBudget %s }"
    assert client.get("/sparql", params={"query": ask % "394.40"}).json() == {"head": {}, "boolean": True}
    assert client.get("/sparql", params={"query": ask % "1.00"}).json()["boolean"] is False
    as_xml = client.get("/sparql", params={"query": ask % "16.99"}, headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(as_xml.content).findtext(f"{RESULTS}boolean") == "true"


def test_construct_in_every_graph_format(client: httpx.Client) -> None:
    turtle = client.get("/sparql", params={"query": TITLES})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert {str(title) for title in graph.objects()} == TITLE_SET
    assert (URIRef("javascript:alert(2)"), URIRef("http://purl.org/dc/terms/title"), Literal("丙局链接", lang="zh")) in graph
    for accept, rdflib_format in [("application/n-triples", "nt"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")]:
        response = client.get("/sparql", params={"query": TITLES}, headers={"Accept": accept})
        assert response.headers["content-type"].startswith(accept)
        assert isomorphic(Graph().parse(data=response.text, format=rdflib_format), graph)
    # Format names as SPARQLWrapper sends them, first value first.
    as_jsonld = client.get("/sparql", params=[("query", TITLES), ("format", "json-ld"), ("format", "application/ld+json")])
    assert as_jsonld.headers["content-type"] == "application/ld+json"
    assert client.get("/sparql", params={"query": TITLES, "format": "xml"}).headers["content-type"] == "application/rdf+xml"


def test_describe(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "DESCRIBE <http://127.0.0.1:8000/id/b-row-1>", "format": "nt"})
    graph = Graph().parse(data=response.text, format="nt")
    assert len(graph) == 4 and set(graph.subjects()) == {URIRef("http://127.0.0.1:8000/id/b-row-1")}


def test_comments_never_change_what_a_query_is(client: httpx.Client) -> None:
    """SPARQLWrapper, which the remote backend uses, took "added" in a comment for the update ADD."""
    query = "# title: amounts\n# description: the rows added by hand, see <http://example.org/#notes>\n" + AMOUNTS
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and _rows(response.json()) == EXPECTED


def on_virtuoso(store: GraphStore) -> bool:
    return isinstance(store, RemoteStore) and store.kind == "virtuoso"


def test_malformed_query_is_400_with_the_parsers_message(client: httpx.Client, store: GraphStore) -> None:
    response = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    parsers_message = "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error" if on_virtuoso(store) else "error at 1:15: expected"
    assert response.text.startswith(f"invalid SPARQL query: {parsers_message}")


def test_updates_are_refused(client: httpx.Client) -> None:
    responses = [
        client.post("/sparql", data={"update": "DROP ALL"}),
        client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}),
        client.get("/sparql", params={"update": "DROP ALL"}),
    ]
    assert [(r.status_code, r.text) for r in responses] == [(403, UPDATE_REFUSED)] * 3
    assert client.post("/sparql", data={"query": "DROP ALL"}).status_code == 400  # an update is not a query either


def test_load_reaches_no_one_in_any_form(client: httpx.Client, listener: tuple[str, list[object]]) -> None:
    url, calls = listener
    load = f"LOAD <{url}> INTO GRAPH <http://example.org/g>"
    responses = [
        client.get("/sparql", params={"update": load}),
        client.post("/sparql", data={"update": load}),
        client.post("/sparql", content=load.encode(), headers={"Content-Type": "application/sparql-update"}),
        client.get("/sparql", params={"query": load}),
        client.post("/sparql", content=load.encode(), headers={"Content-Type": "application/sparql-query"}),
        client.post("/sparql", data={"query": load, "update": load}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 400, 400, 403]
    assert calls == []


def test_not_acceptable_and_unsupported_media_type(client: httpx.Client) -> None:
    assert client.get("/sparql", params={"query": AMOUNTS}, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/sparql", params={"query": AMOUNTS}, headers={"Accept": "text/turtle"}).status_code == 406
    assert client.get("/sparql", params={"query": AMOUNTS, "format": "turtle"}).status_code == 406
    assert client.get("/sparql", params={"query": TITLES}, headers={"Accept": "application/sparql-results+json"}).status_code == 406
    assert client.post("/sparql", content=AMOUNTS.encode(), headers={"Content-Type": "text/plain"}).status_code == 415


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service<{url}>{{}} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p trueSERVICE <{url}> {{}} }}",
    "SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{}} }}",
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE <{url}> {{}} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x {{}} }}",
    *ATTACKS,
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_federated_queries_are_refused_before_any_connection(client: httpx.Client, listener: tuple[str, list[object]], template: str) -> None:
    url, calls = listener
    response = client.get("/sparql", params={"query": template.format(url=url)})
    assert (response.status_code, response.text) == (400, SERVICE_REFUSED)
    assert calls == []


def test_pyoxigraph_itself_would_call_out(listener: tuple[str, list[object]]) -> None:
    """Why the endpoint refuses SERVICE: pyoxigraph connects to whatever host the query names."""
    url, calls = listener
    with pytest.raises(OSError):
        pyoxigraph.Store().query(f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert len(calls) == 1


def test_an_operator_may_allow_service_calls(store: GraphStore, listener: tuple[str, list[object]]) -> None:
    """Unless the server itself refuses: Virtuoso's anonymous user may not (README, "A SPARQL server as the store")."""
    url, calls = listener
    federated = TestClient(create_app(store, base=BASE, limits=Limits(service_calls=True)))
    response = federated.get("/sparql", params={"query": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"})
    if on_virtuoso(store):
        assert response.status_code == 400 and "SECURITY" in response.text and calls == []
    else:
        assert response.status_code in (400, 502) and len(calls) >= 1  # the listener hangs up: an error, but after the call


def test_answers_beyond_the_limits_are_refused_clearly(store: GraphStore) -> None:
    everything = "SELECT * WHERE { ?s ?p ?o }"
    small = TestClient(create_app(store, base=BASE, limits=Limits(max_bytes=2_000)))
    refused = small.get("/sparql", params={"query": everything})
    assert refused.status_code == 400 and "larger than this endpoint's limit of 2,000 bytes" in refused.text
    assert small.get("/sparql", params={"query": everything + " LIMIT 2"}).status_code == 200
    hurried = TestClient(create_app(store, base=BASE, limits=Limits(timeout_s=0)))
    late = hurried.get("/sparql", params={"query": everything})
    assert late.status_code == 503 and "ran longer than this endpoint's limit of 0 s" in late.text


@pytest.mark.parametrize("template", HONEST)
def test_honest_mentions_of_service_are_answered(client: httpx.Client, store: GraphStore, listener: tuple[str, list[object]], template: str) -> None:
    url, calls = listener
    response = client.get("/sparql", params={"query": template.format(url=url)})
    if on_virtuoso(store) and "\\#" in template:  # Virtuoso 7.2 reads no escape in a local name (README)
        assert response.status_code == 400 and "Bad character '\\'" in response.text and calls == []
        return
    assert response.status_code == 200, response.text
    assert "results" in response.json() and calls == []


def test_service_inside_names_is_fine(client: httpx.Client) -> None:
    query = PREFIXES + "SELECT ?service WHERE { ?row bg:goodsAndServices ?service }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert [b["service"]["value"] for b in response.json()["results"]["bindings"]] == ["12.6"]


def test_service_description(client: httpx.Client) -> None:
    response = client.get("/sparql")
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef(str(client.base_url.join("/sparql")))
    assert list(graph.objects(endpoint, SD.endpoint)) == [endpoint]
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in set(graph.objects(endpoint, SD.resultFormat))
    as_rdfxml = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert isomorphic(Graph().parse(data=as_rdfxml.text, format="xml"), graph)
    assert client.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 406


def test_cors(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_home_page(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "31 quads in 2 named graphs" in page
    positions = [page.index(title) for title in ("丙局链接", "乙局2022年部门预算", "甲局2021年部门预算")]
    assert positions == sorted(positions)
    assert "乙局支出总表" not in page  # documents are listed, not their tables
    assert 'href="http://127.0.0.1:8000/id/b"' in page and 'href="javascript:' not in page
    assert '<a href="/sparql">' in page and '<form action="/sparql" method="get">' in page
    assert '<textarea name="query"' in page and '<select name="format">' in page and '<option value="csv">' in page


def test_home_page_lists_the_first_datasets_only(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "HOME_DATASETS", 1)
    page = TestClient(create_app(store, base=BASE)).get("/").text
    assert "丙局链接" in page and "乙局2022年部门预算" not in page
    assert '… and 2 more: every dataset is in the <a href="/catalog">catalogue</a>' in page


def test_the_example_query_runs(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": EXAMPLE_QUERY, "format": ""})
    assert response.status_code == 200 and response.json()["head"]["vars"][:3] == ["department", "year", "code"]


@pytest.fixture(scope="module")
def live_server(store: GraphStore) -> Iterator[str]:
    with serving(create_app(store, base=BASE)) as root:
        yield f"{root}/sparql"


def test_live_server_answers_sparqlwrapper_and_rdflib(live_server: str) -> None:
    for method in (GET, POST):
        wrapper = SPARQLWrapper(live_server)
        wrapper.setMethod(method)
        wrapper.setQuery(AMOUNTS)
        wrapper.setReturnFormat(JSON)
        assert _rows(wrapper.query().convert()) == EXPECTED  # type: ignore[arg-type]
    graph = Graph(store=SPARQLStore(live_server))
    rows = graph.query(PREFIXES + "SELECT ?title WHERE { ?d a bg:BudgetDataset ; dct:title ?title }")
    assert {str(row[0]) for row in rows} == TITLE_SET  # type: ignore[index]


def test_live_server_answers_curl(live_server: str) -> None:
    """The README's curl command: the query from a file, CSV back."""
    query = ROOT / "queries" / "general-budget-by-class.rq"
    answer = subprocess.run(
        ["curl", "--silent", "--show-error", "--fail", "-G", live_server, "--data-urlencode", f"query@{query}", "-H", "Accept: text/csv"],
        check=True, capture_output=True, text=True,
    )
    header, *rows = answer.stdout.splitlines()
    assert header.split(",")[:3] == ["department", "year", "code"]
    posted = subprocess.run(
        ["curl", "--silent", "--fail", live_server, "--data-binary", AMOUNTS, "-H", "Content-Type: application/sparql-query", "-H", "Accept: application/sparql-results+json"],
        check=True, capture_output=True, text=True,
    )
    assert _rows(json.loads(posted.stdout)) == EXPECTED
