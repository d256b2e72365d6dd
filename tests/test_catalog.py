"""The data portal through HTTP: the DCAT-AP 3 catalogue (checked with the official SHACL shapes), the DCAT-US
data.json (checked with the official JSON schema), VoID and the dumps, over a store holding the ingested seed."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import jsonschema
import pyshacl
import pytest
import referencing
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SH, VOID

from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.config import CC_BY_4_0
from budgetgraph.pipeline import ingest
from budgetgraph.service import catalog, create_app
from budgetgraph.service.snapshot import forget
from budgetgraph.store import EmbeddedStore, GraphStore
from conftest import live_client, BACKENDS, BASE, ROOT, new_store, serving

DOCUMENTS = ROOT / "data" / "documents"
STANDARDS = ROOT / "tests" / "standards"  # copies of the official files (tests/standards/SOURCE.md)
DCAT_AP = STANDARDS / "dcat-ap-3.0.1"
DCAT_US = STANDARDS / "dcat-us-1.1" / "non-federal-v1.1"  # budgetgraph's publishers are not US federal agencies
# Plain namespaces: pytest's module inspection makes rdflib's closed DCAT and XSD warn.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SEED_DATASET = URIRef(BASE + "id/dataset/410303/113001/2021/budget")
OBSERVATIONS = URIRef(BASE + "observations")
SEED_GRAPH = URIRef(BASE + "graph/dataset/410303/113001/2021/budget")
SEED_TITLE = Literal("西工区政务服务和大数据局 部门 2021 年度部门预算", lang="zh")
SEED_DUMP = "/dumps/dataset/410303/113001/2021/budget.nq.gz"
BG = "https://w3id.org/budgetgraph/def#"

# The release's machine-readable shapes (releases/3.0.1/shacl/) are the conformance set: dcat-ap-SHACL.ttl
# (cardinalities, datatypes and most class ranges) with ranges.ttl (the rest of the ranges, among them the two
# DataService property shapes dcat-ap-SHACL.ttl refers to). The html/shacl files split the same constraints by
# topic for the specification's pages, so they are checked too, as a second reading: shapes with range. Left
# out: the recommended-property shapes and deprecated-URI checks (warnings about what DCAT-AP only recommends),
# and html-mdr-vocabularies.shape.ttl, which is DCAT-AP 2.1.1's (its owl:versionInfo) and contradicts 3.0.1: it
# wants checksum algorithms under https://spdx.org/rdf/terms, where DCAT-AP 3 uses SPDX's http://spdx.org/rdf/terms#,
# and catalogue publishers from the EU institutions' corporate-body list.
SHAPE_SETS = {
    "release": ("dcat-ap-SHACL.ttl", "ranges.ttl"),
    "specification": ("html-shapes.ttl", "html-range.ttl"),
}


def dcat_ap_shapes(files: tuple[str, ...]) -> Graph:
    """The shapes, less the release's references to property shapes defined in none of its files (five in
    ranges.ttl): such a reference states no constraint, and pySHACL refuses it as an ill-formed shape."""
    shapes = Graph()
    for name in files:
        shapes.parse(DCAT_AP / name)
    for shape, property_shape in list(shapes.subject_objects(SH.property)):
        if (property_shape, None, None) not in shapes:
            shapes.remove((shape, SH.property, property_shape))
    return shapes


@pytest.fixture(scope="module")
def observations(tmp_path_factory: pytest.TempPathFactory) -> ObservationTable:
    return ObservationTable(tmp_path_factory.mktemp("observations"))


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, observations: ObservationTable) -> Iterator[GraphStore]:
    with contextlib.ExitStack() as stack:
        store = new_store(request.param, stack)
        for document in sorted(DOCUMENTS.iterdir()):
            ingest(document, store, BASE, observations)
        yield store


@pytest.fixture(scope="module")
def client(store: GraphStore, observations: ObservationTable) -> Iterator[httpx.Client]:
    """The service through real HTTP on loopback."""
    with live_client(create_app(store, base=BASE, observations=observations)) as client:
        yield client


@pytest.fixture(scope="module")
def live_catalog(store: GraphStore, observations: ObservationTable) -> Iterator[Graph]:
    """The catalogue as a harvester gets it (the observation table's dataset too): over HTTP from a running server."""
    with serving(create_app(store, base=BASE, observations=observations)) as root:
        response = httpx.get(root + "/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


@pytest.mark.parametrize("shape_set", SHAPE_SETS)
def test_catalog_conforms_to_dcat_ap_3(live_catalog: Graph, shape_set: str) -> None:
    conforms, _, text = pyshacl.validate(live_catalog, shacl_graph=dcat_ap_shapes(SHAPE_SETS[shape_set]))
    assert conforms, text


@pytest.mark.parametrize("shape_set", SHAPE_SETS)
def test_a_dataset_without_title_does_not_conform(live_catalog: Graph, shape_set: str) -> None:
    untitled = Graph()
    untitled += live_catalog
    untitled.remove((SEED_DATASET, DCTERMS.title, None))
    conforms, report, _ = pyshacl.validate(untitled, shacl_graph=dcat_ap_shapes(SHAPE_SETS[shape_set]))
    assert not conforms
    results = set(report.subjects(RDF.type, SH.ValidationResult))
    assert {(report.value(r, SH.focusNode), report.value(r, SH.resultPath)) for r in results} == {(SEED_DATASET, DCTERMS.title)}


def test_the_observation_table_is_listed_with_its_parquet_and_csv_and_their_checksums(live_catalog: Graph, client: httpx.Client) -> None:
    g = live_catalog
    downloads = {}
    for distribution in g.objects(OBSERVATIONS, DCAT.distribution):
        url = str(g.value(distribution, DCAT.downloadURL))
        checksum = g.value(g.value(distribution, SPDX.checksum), SPDX.checksumValue)
        answer = client.get(url.removeprefix(BASE.rstrip("/")))
        assert answer.status_code == 200
        assert hashlib.sha256(answer.content).hexdigest() == str(checksum)
        assert int(g.value(distribution, DCAT.byteSize)) == len(answer.content)
        downloads[str(g.value(distribution, DCAT.mediaType)).rsplit("/media-types/", 1)[1]] = answer
    assert set(downloads) == {"application/vnd.apache.parquet", "text/csv"}
    assert downloads["application/vnd.apache.parquet"].headers["content-type"] == "application/vnd.apache.parquet"
    assert downloads["application/vnd.apache.parquet"].content.startswith(b"PAR1")
    assert downloads["text/csv"].text.splitlines()[0].startswith('"document","dataset","department"')


def test_catalog_describes_the_seed(live_catalog: Graph) -> None:
    g = live_catalog
    assert set(g.subjects(RDF.type, DCAT.Dataset)) == {SEED_DATASET, OBSERVATIONS}
    assert list(g.objects(SEED_DATASET, DCTERMS.title)) == [SEED_TITLE]
    publisher = g.value(SEED_DATASET, DCTERMS.publisher)
    assert publisher == URIRef(BASE + "id/department/410303/113001") and (publisher, RDF.type, FOAF.Agent) in g
    assert g.value(publisher, FOAF.name) == Literal("洛阳市西工区政务服务和大数据管理局", lang="zh")
    assert g.value(SEED_DATASET, DCTERMS.spatial) == URIRef(BASE + "id/district/410303")
    period = g.value(SEED_DATASET, DCTERMS.temporal)
    assert (g.value(period, DCAT.startDate), g.value(period, DCAT.endDate)) == (Literal("2021-01-01", datatype=XSD.date), Literal("2021-12-31", datatype=XSD.date))
    assert {str(t).rsplit("/", 1)[1] for t in g.objects(SEED_DATASET, DCAT.theme)} == {"GOVE", "ECON"}
    distribution = g.value(SEED_DATASET, DCAT.distribution)
    assert g.value(distribution, DCAT.downloadURL) == URIRef(BASE + SEED_DUMP.lstrip("/"))
    assert g.value(distribution, DCTERMS.license) == URIRef(CC_BY_4_0)
    service = URIRef(BASE + "sparql")
    assert (service, RDF.type, DCAT.DataService) in g and g.value(service, DCAT.endpointURL) == service
    assert list(g.objects(service, DCAT.servesDataset)) == [SEED_DATASET]


@pytest.mark.parametrize(
    ("accept", "format", "rdflib_format"),
    [("application/rdf+xml", None, "xml"), ("application/ld+json", None, "json-ld"), (None, "rdfxml", "xml"), (None, "jsonld", "json-ld")],
)
def test_catalog_in_other_formats(client: httpx.Client, live_catalog: Graph, accept: str | None, format: str | None, rdflib_format: str) -> None:
    response = client.get("/catalog", params={"format": format} if format else {}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert isomorphic(Graph().parse(data=response.text, format=rdflib_format), live_catalog)


def test_catalog_refuses_formats_it_cannot_write(client: httpx.Client) -> None:
    assert client.get("/catalog", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get("/catalog", params={"format": "csv"}).status_code == 406


def test_checksum_and_size_in_catalog_are_those_of_the_served_bytes(client: httpx.Client, live_catalog: Graph) -> None:
    distribution = live_catalog.value(SEED_DATASET, DCAT.distribution)
    checksum = live_catalog.value(distribution, SPDX.checksum)
    assert live_catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    stated = str(live_catalog.value(checksum, SPDX.checksumValue))
    download = client.get(SEED_DUMP)
    assert download.headers["content-type"] == "application/gzip" and "content-encoding" not in download.headers
    assert hashlib.sha256(download.content).hexdigest() == stated
    assert download.headers["etag"] == f'"{stated}"'
    assert int(live_catalog.value(distribution, DCAT.byteSize)) == len(download.content)
    assert f"{stated}  dataset/410303/113001/2021/budget.nq.gz" in client.get("/dumps/SHA256SUMS").text.splitlines()
    assert client.get(SEED_DUMP).content == download.content


def test_dataset_dump_holds_the_document_and_its_report_as_sorted_n_quads(client: httpx.Client) -> None:
    nquads = gzip.decompress(client.get(SEED_DUMP).content)
    lines = nquads.splitlines()
    own, report = ([line for line in lines if line.endswith(f"<{graph}> .".encode())] for graph in (SEED_GRAPH, f"{SEED_GRAPH}/report"))
    assert lines == sorted(own) + sorted(report)
    dataset = Dataset().parse(data=nquads, format="nquads")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {str(SEED_GRAPH), str(SEED_GRAPH) + "/report"}
    assert (SEED_DATASET, DCTERMS.title, SEED_TITLE) in dataset.graph(SEED_GRAPH)
    assert len(list(dataset.graph(URIRef(str(SEED_GRAPH) + "/report")).subjects(RDF.type, SH.ValidationResult))) == 6


def test_if_none_match_and_last_modified(client: httpx.Client) -> None:
    first = client.get(SEED_DUMP)
    etag = first.headers["etag"]
    assert parsedate_to_datetime(first.headers["last-modified"]).tzinfo is not None
    for header in (etag, f'W/{etag}', f'"other", {etag}', "*"):
        again = client.get(SEED_DUMP, headers={"If-None-Match": header})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert client.get(SEED_DUMP, headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.head(SEED_DUMP)
    assert (head.status_code, head.headers["etag"], head.headers["content-length"]) == (200, etag, str(len(first.content)))
    whole = client.get("/dumps/budgetgraph.nq.gz")
    assert client.get("/dumps/budgetgraph.nq.gz", headers={"If-None-Match": whole.headers["etag"]}).status_code == 304


def test_unknown_dataset_is_404(client: httpx.Client) -> None:
    response = client.get("/dumps/dataset/410303/113001/2021/no-such-phase.nq.gz")
    assert response.status_code == 404
    assert "no dataset '410303/113001/2021/no-such-phase'" in response.text and "/dumps/SHA256SUMS" in response.text


def test_whole_dump_is_every_quad_as_void_counts_them(client: httpx.Client, store: GraphStore) -> None:
    whole = client.get("/dumps/budgetgraph.nq.gz")
    assert hashlib.sha256(whole.content).hexdigest() in client.get("/dumps/SHA256SUMS").text.split()
    dataset = Dataset().parse(data=gzip.decompress(whole.content), format="nquads")
    assert len(dataset) == len(store)
    void = Graph().parse(data=client.get("/void").text, format="turtle")
    description = void.value(predicate=RDF.type, object=VOID.Dataset)
    assert int(void.value(description, VOID.triples)) == len(store)
    assert void.value(description, VOID.dataDump) == URIRef(BASE + "dumps/budgetgraph.nq.gz")
    assert void.value(description, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert {URIRef(BG), URIRef("http://purl.org/linked-data/cube#")} <= set(void.objects(description, VOID.vocabulary))
    as_jsonld = client.get("/void", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=as_jsonld.text, format="json-ld"), void)


def _data_json_validator() -> jsonschema.Draft4Validator:
    schemas = [json.loads(path.read_text(encoding="utf-8")) for path in DCAT_US.glob("*.json")]
    registry = referencing.Registry().with_resources(
        (schema["id"].rstrip("#"), referencing.Resource.from_contents(schema, referencing.jsonschema.DRAFT4)) for schema in schemas
    )
    catalog_schema = next(s for s in schemas if s["id"].endswith("/catalog.json#"))
    return jsonschema.Draft4Validator(catalog_schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_data_json_is_valid_dcat_us(client: httpx.Client) -> None:
    response = client.get("/data.json")
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    _data_json_validator().validate(data)
    (dataset,) = data["dataset"]
    assert (dataset["identifier"], dataset["title"], dataset["accessLevel"]) == (str(SEED_DATASET), str(SEED_TITLE), "public")
    assert dataset["publisher"]["name"] == "洛阳市西工区政务服务和大数据管理局"
    assert dataset["temporal"] == "2021-01-01/2021-12-31"
    assert dataset["distribution"][0]["downloadURL"] == BASE + SEED_DUMP.lstrip("/")


def test_data_json_check_can_fail(client: httpx.Client) -> None:
    data = client.get("/data.json").json()
    del data["dataset"][0]["title"]
    with pytest.raises(jsonschema.ValidationError, match="'title' is a required property"):
        _data_json_validator().validate(data)


def _add_dataset(store: GraphStore, path: str, title: str) -> URIRef:
    """A minimal stored dataset, as the mapping would name it."""
    dataset = URIRef(f"{BASE}id/dataset/{path}")
    district, department, year, phase = path.split("/")
    ntriples = f"""<{dataset}> <{RDF.type}> <{BG}BudgetDataset> .
<{dataset}> <{DCTERMS.title}> "{title}"@zh .
<{dataset}> <{BG}fiscalYear> "{year}"^^<{XSD.gYear}> .
<{dataset}> <{BG}phase> <{BG}phase-{phase}> .
<{dataset}> <{BG}department> <{BASE}id/department/{district}/{department}> .
<{dataset}> <{DCTERMS.spatial}> <{BASE}id/district/{district}> .
"""
    store.replace_graphs({URIRef(f"{BASE}graph/dataset/{path}"): ntriples.encode()})
    return dataset


def _page(client: httpx.Client, number: int) -> tuple[Graph, URIRef]:
    response = client.get("/catalog", params={"page": number})
    assert response.status_code == 200
    return Graph().parse(data=response.text, format="turtle"), URIRef(f"{BASE}catalog?page={number}")


def test_catalog_pages(store: GraphStore, tmp_path: Path) -> None:
    paged_store = EmbeddedStore()
    ingest(DOCUMENTS / "luoyang-xigong-zhengshuju-2021-budget.txt", paged_store, BASE)
    added = {_add_dataset(paged_store, f"410303/9{n:05}/2022/final-accounts", f"第{n}局2022年决算") for n in range(2)}
    app = FastAPI()
    app.include_router(catalog.router(paged_store, BASE, tmp_path, page_size=2))
    client = TestClient(app)
    (first, first_view), (second, second_view) = _page(client, 1), _page(client, 2)
    assert (first.value(first_view, HYDRA.first), first.value(first_view, HYDRA.next), first.value(first_view, HYDRA.last)) == (first_view, second_view, second_view)
    assert first.value(first_view, HYDRA.previous) is None and (first_view, RDF.type, HYDRA.PartialCollectionView) in first
    assert (second.value(second_view, HYDRA.previous), second.value(second_view, HYDRA.next)) == (first_view, None)
    on_first, on_second = set(first.subjects(RDF.type, DCAT.Dataset)), set(second.subjects(RDF.type, DCAT.Dataset))
    assert (len(on_first), len(on_second), on_first | on_second) == (2, 1, added | {SEED_DATASET})
    assert int(first.value(URIRef(BASE + "catalog"), HYDRA.totalItems)) == 3
    statements = client.get("/catalog", params={"page": 1, "format": "nt"}).text.splitlines()
    assert f"<{BASE}id/district/410303> <{RDF.type}> <{DCTERMS.Location}> ." in statements
    assert len(statements) == len(set(statements))  # the district both datasets name is described once
    assert client.get("/catalog", params={"page": 3}).status_code == 404
    assert client.get("/catalog", params={"page": 0}).status_code == 422


def test_forget_shows_what_was_written_since() -> None:
    written = EmbeddedStore()
    ingest(DOCUMENTS / "luoyang-xigong-zhengshuju-2021-budget.txt", written, BASE)
    client = TestClient(create_app(written, base=BASE))
    before = client.get("/dumps/budgetgraph.nq.gz").headers["etag"]
    assert len(client.get("/data.json").json()["dataset"]) == 1
    _add_dataset(written, "410303/900009/2023/revised-budget", "新局2023年调整预算")
    assert len(client.get("/data.json").json()["dataset"]) == 1  # what the process computed stands until forget()
    assert client.get("/dumps/budgetgraph.nq.gz").headers["etag"] == before
    forget()
    assert len(client.get("/data.json").json()["dataset"]) == 2
    assert client.get("/dumps/budgetgraph.nq.gz").headers["etag"] != before
    assert client.get("/dumps/dataset/410303/900009/2023/revised-budget.nq.gz").status_code == 200


def test_dumps_are_files_of_the_current_state_only() -> None:
    """Downloads stream from files named by their checksum; the files of the state before a write are removed
    once a dump of the new state is written."""
    written = EmbeddedStore()
    ingest(DOCUMENTS / "luoyang-xigong-zhengshuju-2021-budget.txt", written, BASE)
    app = create_app(written, base=BASE)
    client, folder = TestClient(app), app.state.dumps_folder

    def on_disk() -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in folder.glob("*/*")}

    def listed() -> set[str]:
        return {line.split()[0] + ".nq.gz" for line in client.get("/dumps/SHA256SUMS").text.splitlines()}

    whole = client.get("/dumps/budgetgraph.nq.gz").content
    assert on_disk()[hashlib.sha256(whole).hexdigest() + ".nq.gz"] == whole
    assert listed() == set(on_disk()) and len(listed()) == 2
    _add_dataset(written, "410303/900009/2023/revised-budget", "新局2023年调整预算")
    forget()
    assert listed() == set(on_disk()) and len(listed()) == 3
    assert len(list(folder.iterdir())) == 1


def test_dataset_dump_bytes_do_not_depend_on_the_store_or_the_moment(client: httpx.Client, tmp_path: Path) -> None:
    """Sorted quads and a gzip header without time stamp: another load of the same document gives the same file."""
    other = EmbeddedStore()
    ingest(DOCUMENTS / "luoyang-xigong-zhengshuju-2021-budget.txt", other, BASE, ObservationTable(tmp_path))
    assert TestClient(create_app(other, base=BASE)).get(SEED_DUMP).content == client.get(SEED_DUMP).content
