"""The linked data through HTTP: IRIs that dereference by 303, their RDF in four formats, the HTML pages (escaped,
their links answering), ETags, and the query page, over the ingested seed document plus the service fixture."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from collections.abc import Iterator
from urllib.parse import urldefrag

import httpx
import pyoxigraph
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef

from budgetgraph.service import create_app, pages, resources
from budgetgraph.store import EmbeddedStore, GraphStore
from conftest import live_client

BASE = "http://127.0.0.1:8000/"
DATASET_PATH = "dataset/410303/113001/2021/budget"
DATASET = URIRef(BASE + "id/" + DATASET_PATH)
CONCEPT = URIRef("https://w3id.org/budgetgraph/code/function/2021/2010350")
BG = Namespace("https://w3id.org/budgetgraph/def#")
RDF_FORMATS = [("ttl", "text/turtle", "turtle"), ("jsonld", "application/ld+json", "json-ld"), ("nt", "application/n-triples", "nt"), ("rdf", "application/rdf+xml", "xml")]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(published_store: GraphStore) -> Iterator[httpx.Client]:
    """The service through real HTTP on loopback."""
    with live_client(create_app(published_store, base=BASE)) as client:
        yield client


class Links(HTMLParser):
    """Every href and src of a page, and the text of its JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [value for name, value in attrs if name in ("href", "src") and value is not None]
        self._in_json_ld = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False


def _links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def _stored(client: httpx.Client, resource: URIRef) -> Graph:
    """The resource's own triples, asked of the SPARQL endpoint."""
    response = client.get("/sparql", params={"query": f"CONSTRUCT {{ <{resource}> ?p ?o }} WHERE {{ <{resource}> ?p ?o }}", "format": "nt"})
    return Graph().parse(data=response.text, format="nt")


@pytest.mark.parametrize(
    ("path", "accept", "location"),
    [
        (f"/id/{DATASET_PATH}", BROWSER_ACCEPT, f"/page/{DATASET_PATH}"),
        (f"/id/{DATASET_PATH}", "*/*", f"/page/{DATASET_PATH}"),
        (f"/id/{DATASET_PATH}", "text/turtle", f"/data/{DATASET_PATH}.ttl"),
        (f"/id/{DATASET_PATH}", "application/ld+json", f"/data/{DATASET_PATH}.jsonld"),
        (f"/id/{DATASET_PATH}", "application/n-triples", f"/data/{DATASET_PATH}.nt"),
        (f"/id/{DATASET_PATH}", "application/rdf+xml", f"/data/{DATASET_PATH}.rdf"),
        (f"/id/{DATASET_PATH}", "text/html;q=0.5, text/turtle", f"/data/{DATASET_PATH}.ttl"),
        ("/id/department/410303/113001", "text/html", "/page/department/410303/113001"),
        ("/code/function/2021/2010350", "text/html", "/page/code/function/2021/2010350"),
        ("/code/function/2021/2010350", "text/turtle", "/data/code/function/2021/2010350.ttl"),
    ],
)
def test_iris_answer_303_per_accept(client: httpx.Client, path: str, accept: str, location: str) -> None:
    response = client.get(path, headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("resource", [DATASET, URIRef(f"{DATASET}/table/1/row/3"), URIRef(BASE + "id/district/410303"), CONCEPT])
@pytest.mark.parametrize(("extension", "media_type", "rdflib_format"), RDF_FORMATS)
def test_each_rdf_format_parses_and_holds_the_resources_triples(client: httpx.Client, resource: URIRef, extension: str, media_type: str, rdflib_format: str) -> None:
    redirect = client.get(str(resource).replace(BASE, "/").replace("https://w3id.org/budgetgraph/", "/"), headers={"Accept": media_type}, follow_redirects=False)
    assert redirect.headers["location"].endswith("." + extension)
    response = client.get(redirect.headers["location"])
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    graph = Graph().parse(data=response.text, format=rdflib_format)
    stored = _stored(client, resource)
    assert len(stored) > 3
    assert set(stored) <= set(graph)


def test_description_names_linked_resources_and_hash_iris(client: httpx.Client) -> None:
    row = Graph().parse(data=client.get(f"/data/{DATASET_PATH}/table/1/row/3.ttl").text, format="turtle")
    skos_label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert (CONCEPT, skos_label, Literal("事业运行", lang="zh")) in row
    report = Graph().parse(data=client.get(f"/data/{DATASET_PATH}/report.nt").text, format="nt")
    assert (URIRef(f"{DATASET}/report#result-1"), URIRef("http://www.w3.org/ns/shacl#resultSeverity"), URIRef("http://www.w3.org/ns/shacl#Warning")) in report
    concept = Graph().parse(data=client.get("/data/code/function/2021/2010350.ttl").text, format="turtle")
    assert (URIRef(f"{DATASET}/table/1/row/3"), BG.functionalClass, CONCEPT) in concept  # few uses: listed


def test_data_without_extension_negotiates(client: httpx.Client) -> None:
    as_jsonld = client.get(f"/data/{DATASET_PATH}", headers={"Accept": "application/ld+json"})
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")
    assert (DATASET, BG.fiscalYear, None) in Graph().parse(data=as_jsonld.text, format="json-ld")
    assert client.get(f"/data/{DATASET_PATH}").headers["content-type"].startswith("text/turtle")
    assert client.get(f"/data/{DATASET_PATH}", headers={"Accept": "image/png"}).status_code == 406
    assert client.get(f"/id/{DATASET_PATH}", headers={"Accept": "image/png"}, follow_redirects=False).status_code == 406


@pytest.mark.parametrize(
    ("path", "accept", "media_type"),
    [
        ("/id/dataset/410303/113001/1999/budget", "text/html", "text/html"),
        ("/id/dataset/410303/113001/1999/budget", "text/turtle", "text/plain"),
        ("/code/function/2021/9999999", "text/html", "text/html"),
        ("/page/dataset/410303/113001/1999/budget", "text/html", "text/html"),
        ("/data/dataset/410303/113001/1999/budget.ttl", "*/*", "text/plain"),
        ("/page/has space", "text/html", "text/html"),
    ],
)
def test_unknown_resources_are_404_with_a_clear_message(client: httpx.Client, path: str, accept: str, media_type: str) -> None:
    response = client.get(path, headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(media_type)
    assert "no resource" in response.text.lower()


def test_document_text_is_escaped_on_pages_and_in_json_ld(client: httpx.Client) -> None:
    page = client.get("/page/a").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    (json_ld,) = _links(page).json_ld
    assert "</script" not in json_ld
    assert json.loads(json_ld)["name"] == "甲局2021年部门预算<script>alert(1)</script>"


def test_a_path_with_markup_is_escaped_on_the_404_page(client: httpx.Client) -> None:
    for path in ("/page/x%3Cscript%3Ealert(1)%3C/script%3E", "/id/x%3Cscript%3Ealert(1)%3C/script%3E"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert "<script>" not in response.text and "&lt;script&gt;" in response.text


def test_only_http_iris_become_links(client: httpx.Client) -> None:
    page = client.get("/page/b").text
    assert "javascript:alert(3)" in page
    assert not [target for target in _links(page).targets if not target.startswith(("/", "http://", "https://", "#"))]


def test_dataset_page(client: httpx.Client) -> None:
    page = client.get(f"/page/{DATASET_PATH}").text
    assert "西工区政务服务和大数据局 部门 2021 年度部门预算" in page
    assert page.count('<table class="observations">') == 5  # the tables with amounts
    assert "2021年部门支出总体情况表" in page and "事业运行（政府办公厅（室）及相关机构事务）" in page
    assert '<a href="/page/code/function/2021/2010350">2010350</a>' in page
    assert ">307.06<" in page and "(万元)" in page
    assert f'href="/page/{DATASET_PATH}/report">6 Warning</a>' in page
    assert 'href="/page/document/c9c2ff990d88cb41">luoyang-xigong-zhengshuju-2021-budget.txt</a>' in page
    assert "line 201" in page  # each row's place in the source
    assert 'href="/page/department/410303/113001"' in page and 'href="/page/district/410303"' in page
    (json_ld,) = _links(page).json_ld
    described = json.loads(json_ld)
    assert described["@type"] == "Dataset" and described["@id"] == str(DATASET)
    assert described["creator"]["name"] == "洛阳市西工区政务服务和大数据管理局"
    assert {d["encodingFormat"] for d in described["distribution"]} == {"text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"}


def test_every_internal_link_of_the_dataset_page_answers(client: httpx.Client) -> None:
    targets = {urldefrag(t).url for t in _links(client.get(f"/page/{DATASET_PATH}").text).targets if t.startswith("/")}
    assert len(targets) > 100
    failed = {target: client.get(target).status_code for target in sorted(targets)}
    assert {target: status for target, status in failed.items() if status != 200} == {}


def test_every_page_reachable_from_home_answers(client: httpx.Client) -> None:
    """A crawl of the whole site through its internal links (the data links are followed from the dataset page
    above), and every page found escaped its text: no page holds a stray script."""
    seen: dict[str, int] = {}
    todo = ["/"]
    while todo:
        target = todo.pop()
        if target in seen:
            continue
        response = client.get(target)
        seen[target] = response.status_code
        if response.status_code == 200 and response.headers["content-type"].startswith("text/html"):
            links = _links(response.text)
            todo += [urldefrag(t).url for t in links.targets if t.startswith("/") and not t.startswith(("/data/", "/sparql"))]
            assert "<script>" not in response.text
    assert len(seen) > 300
    assert {target: status for target, status in seen.items() if status != 200} == {}


def test_table_page(client: httpx.Client) -> None:
    page = client.get(f"/page/{DATASET_PATH}/table/3").text
    assert "<h1>3. 2021年一般公共预算支出情况表</h1>" in page and f'<a href="/page/{DATASET_PATH}">' in page
    assert page.count('<table class="observations">') == 1 and ">435.02<" in page
    assert f'href="/page/{DATASET_PATH}/table/3/row/3"' in page and "line 254" in page


def test_report_page(client: httpx.Client) -> None:
    page = client.get(f"/page/{DATASET_PATH}/report").text
    assert page.count('<td class="Warning">Warning</td>') == 6
    assert 'id="result-1"' in page and "一般性项目 90.38 万元 ≠" in page
    assert f'href="/page/{DATASET_PATH}/table/7/row/6/expenditure"' in page


def test_department_and_district_pages(client: httpx.Client) -> None:
    department = client.get("/page/department/410303/113001").text
    assert "<h1>洛阳市西工区政务服务和大数据管理局</h1>" in department
    assert "<h3>2021</h3>" in department and f'预算 (部门): <a href="/page/{DATASET_PATH}">' in department
    assert 'href="/page/unit/410303/106001">洛阳市西工区行政服务中心</a>' in department
    district = client.get("/page/district/410303").text
    assert "<h1>河南省洛阳市西工区</h1>" in district
    assert 'href="/page/department/410303/113001">洛阳市西工区政务服务和大数据管理局</a>' in district
    assert "<h3>2021</h3>" in district


def test_code_list_browser(client: httpx.Client) -> None:
    schemes = client.get("/codes").text
    assert 'href="/page/code/function/2021">2021年支出功能分类科目</a>' in schemes
    assert 'href="/page/code/economic/2018">' in schemes
    tree = client.get("/page/code/function/2021").text
    nested = re.search(r'<a href="/page/code/function/2021/20103">.*?</a><ul class="tree">(.*?)</ul>', tree, re.DOTALL)
    assert nested is not None and 'href="/page/code/function/2021/2010350"' in nested.group(1)
    concept = client.get("/page/code/function/2021/2010350").text
    assert "<code>2010350</code> 事业运行" in concept and "Operation of public institutions" in concept
    assert 'href="/page/code/function/2021/20103">20103 政府办公厅（室）及相关机构事务</a>' in concept
    assert f'href="/page/{DATASET_PATH}/table/1/row/3"' in concept and f'href="/page/{DATASET_PATH}/table/3/row/3"' in concept


def test_indicator_page(client: httpx.Client) -> None:
    page = client.get(f"/page/{DATASET_PATH}/indicator/1").text
    assert "<th>一级指标</th><td><a href=\"/def#indicator-output\">产出指标</a>" in page
    assert "<th>二级指标</th><td><a href=\"/def#indicator-quantity\">数量指标</a>" in page
    assert "<th>三级指标</th><td>110联动总体人员</td>" in page and "7人" in page


def test_etag_and_304(client: httpx.Client) -> None:
    for path in (f"/page/{DATASET_PATH}", f"/data/{DATASET_PATH}.ttl", "/codes", "/query"):
        first = client.get(path)
        etag = first.headers["etag"]
        assert "Accept" in first.headers["vary"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    turtle, jsonld = client.get(f"/data/{DATASET_PATH}.ttl"), client.get(f"/data/{DATASET_PATH}.jsonld")
    assert turtle.headers["etag"] != jsonld.headers["etag"]


def test_query_page_bundles_its_editor_and_the_examples(client: httpx.Client) -> None:
    page = client.get("/query").text
    assert "General public budget expenditure by functional class" in page and "Documents with inconsistent figures" in page
    scripts = [t for t in _links(page).targets if t.endswith(".js")]
    assert scripts == ["/static/query-editor.js", "/static/query-page.js"]
    for script in scripts:
        response = client.get(script)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert "budgetgraphEditor" in client.get("/static/query-editor.js").text
    assert client.get("/static/SOURCE.md").status_code == 404
    chosen = client.get("/query", params={"example": "general-budget-rollup"}).text
    assert '<option value="general-budget-rollup" selected>' in chosen and "Sums the 项 lines" in chosen


def test_home_page_links_the_pages(client: httpx.Client) -> None:
    page = client.get("/").text
    targets = _links(page).targets
    assert {"/codes", "/query", f"/page/{DATASET_PATH}"} <= set(targets)


def test_head_answers_like_get(client: httpx.Client) -> None:
    redirect = client.head(f"/id/{DATASET_PATH}", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert (redirect.status_code, redirect.headers["location"]) == (303, f"/data/{DATASET_PATH}.ttl")
    for path in (f"/data/{DATASET_PATH}.ttl", f"/page/{DATASET_PATH}"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200 and head.headers["etag"] == get.headers["etag"] and head.content == b""


class QueryOnly:
    """A store with nothing but ``query``, its graph results a plain iterator of triples: the interface the remote
    SPARQL backend offers too."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store

    def query(self, sparql: str, substitutions: dict[str, pyoxigraph.NamedNode | pyoxigraph.Literal] | None = None) -> object:
        result = self.store.query(sparql, substitutions)
        return iter(list(result)) if isinstance(result, pyoxigraph.QueryTriples) else result


def test_pages_and_data_need_only_the_query_interface(published_store: EmbeddedStore) -> None:
    app = FastAPI()
    store = QueryOnly(published_store)
    app.include_router(resources.router(store, BASE))  # type: ignore[arg-type]
    app.include_router(pages.router(store, BASE))  # type: ignore[arg-type]
    client = TestClient(app)
    for path in (f"/page/{DATASET_PATH}", "/page/code/function/2021/2010350", "/codes", f"/data/{DATASET_PATH}.jsonld"):
        assert client.get(path).status_code == 200
    assert client.get(f"/id/{DATASET_PATH}", headers={"Accept": "text/turtle"}, follow_redirects=False).status_code == 303


def test_a_claim_page_shows_its_sentence_beside_the_table_figure(client: httpx.Client) -> None:
    """The seed's 卫生健康 share: the amount it is the share of is read from the 财政拨款收支总体情况表, and the share
    itself is a warning (2.8% stated, 2.9% computed)."""
    amount = client.get(f"/page/{DATASET_PATH}/claim/27").text
    assert "<blockquote lang=\"zh\">主要用于以下方面：一般公共服务(类)支出394.40万元，占90.7%；" in amount
    assert "第二部分 &gt; 五、一般公共预算支出预算情况说明 · line 119" in amount
    assert amount.count('<span class="amount">12.6 万元</span>') == 2 and "十、卫生健康</a>" in amount  # stated, and printed (12.60)
    share = client.get(f"/page/{DATASET_PATH}/claim/28").text
    assert "Warning: 第二部分 &gt; 五、一般公共预算支出预算情况说明 (line 119)" in share and "= 2.9%" in share
    assert f'href="/page/{DATASET_PATH}/claim/27">12.6万元</a>' in share  # its part


def test_the_report_groups_findings_by_section(client: httpx.Client) -> None:
    page = client.get(f"/page/{DATASET_PATH}/report").text
    assert page.index("<h2>(the tables)</h2>") < page.index("<h2>第二部分 &gt; 五、一般公共预算支出预算情况说明</h2>")
