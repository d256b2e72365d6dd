"""Every operation of the service's OpenAPI schema fuzzed with schemathesis (its examples, coverage and fuzzing
phases, with data that fits the schema and data that does not, under any Accept header): no request is answered
with a server error.

The one 5xx the service answers on purpose is 503 with Retry-After, when the endpoint or the client has as many
queries in flight as it admits (``evaluation.Admission``): that is not a failure; any other 5xx is.

The app is the real one over an on-disk store of this module's own (so queries run in the worker processes, as
when serving), holding the bundled documents, the synthetic ones and the service fixture (a title with markup, a
``javascript:`` IRI). The admin API is fuzzed with the token, without one and with a wrong one; its writes reach
only this module's store.

Only ``not_a_server_error`` is checked: the schema FastAPI derives declares 200 and 422 alone, with JSON bodies,
where the service answers 303, 404, 406, HTML, RDF and CSV, so the conformance checks would only restate that.
Nor does it declare what /sparql reads (``query``, ``format``, the body) or an upload's filename, so those are
fuzzed here with Hypothesis directly.

Budget: at most ``MAX_EXAMPLES`` fuzzed examples an operation (plus the coverage phase's cases) and
``MAX_EXAMPLES`` SPARQL requests and uploads: about 40 s for the whole file on 2 cores (500 took 10 minutes).
"""

from __future__ import annotations

import string
from collections.abc import Iterator

import pytest
import schemathesis
from conftest import BASE, ROOT, SEED, load_trig
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from budgetgraph.config import Limits
from budgetgraph.pipeline import ingest
from budgetgraph.resources import resource
from budgetgraph.service import create_app
from budgetgraph.service.answers import GRAPH_FORMATS, RESULT_FORMATS
from budgetgraph.store import EmbeddedStore

TOKEN = "fuzz-admin-token"
AUTHORIZATIONS = {"token": {"Authorization": f"Bearer {TOKEN}"}, "no-token": {}, "wrong-token": {"Authorization": "Bearer wrong"}}
MAX_EXAMPLES = 100
FUZZED = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
HEADER_TEXT = st.text(string.printable.strip(string.whitespace) + " ", max_size=40)
ACCEPTS = st.one_of(
    st.sampled_from(["*/*", "text/html", "text/*;q=0", "application/ld+json, text/turtle;q=0.5", "text/csv;q=nan, */*;q=inf", "x/y;q=-1", ""]),
    HEADER_TEXT,
)
FORMATS = st.one_of(st.none(), st.sampled_from([f.name for f in RESULT_FORMATS + GRAPH_FORMATS]), HEADER_TEXT)
QUERIES = st.one_of(
    st.sampled_from([path.read_text(encoding="utf-8") for path in sorted(resource("queries").glob("*.rq"))]),
    st.sampled_from([
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        "ASK { ?s ?p 394.40 }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20",
        "DESCRIBE <http://127.0.0.1:8000/id/b>",
        "SELECT ?t WHERE { BIND(<<( <http://a/s> <http://a/p> 1 )>> AS ?t) }",
        "SELECT (1/0 AS ?x) (STRDT('x', <http://www.w3.org/2001/XMLSchema#integer>) AS ?y) WHERE {}",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "INSERT DATA { <http://a/s> <http://a/p> 1 }",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 999999999999999999999999",
    ]),
    st.text(max_size=80),
)
# The schema does not depend on what the store holds: read it from an app over an empty store.
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app(EmbeddedStore(), base=BASE, admin_token=TOKEN))


@SCHEMA.hook
def flatmap_headers(context: schemathesis.HookContext, headers: dict[str, str] | None) -> st.SearchStrategy[dict[str, str]]:
    """Every operation under any Accept header: the schema declares none, the service negotiates on it."""
    return ACCEPTS.map(lambda accept: {**(headers or {}), "Accept": accept})


PUBLIC = SCHEMA.exclude(path_regex="^/admin/")
ADMIN = SCHEMA.include(path_regex="^/admin/")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    store = EmbeddedStore(tmp_path_factory.mktemp("fuzz") / "store")
    for folder in ("documents", "synthetic"):
        for path in sorted((ROOT / "data" / folder).iterdir()):
            ingest(path, store, BASE)
    load_trig(store, ROOT / "tests" / "data" / "service-fixture.trig")
    store.flush()
    app = create_app(store, base=BASE, admin_token=TOKEN, limits=Limits(query_workers=2, timeout_s=20))
    yield app
    app.state.evaluator.close()


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _deliberate(status: int, headers: object) -> bool:
    """503 with Retry-After: the endpoint is full, as it says."""
    return status == 503 and "retry-after" in headers  # type: ignore[operator]


def _no_server_error(case: schemathesis.Case, app: FastAPI, headers: dict[str, str] | None = None) -> None:
    response = case.call(app=app, headers=headers)
    if not _deliberate(response.status_code, response.headers):
        case.validate_response(response, checks=[not_a_server_error])


@PUBLIC.parametrize()
@FUZZED
def test_public_operations_never_fail(case: schemathesis.Case, app: FastAPI) -> None:
    _no_server_error(case, app)


@ADMIN.parametrize()
@pytest.mark.parametrize("authorization", list(AUTHORIZATIONS))
@FUZZED
def test_admin_operations_never_fail(case: schemathesis.Case, app: FastAPI, authorization: str) -> None:
    _no_server_error(case, app, AUTHORIZATIONS[authorization])


@FUZZED
@given(
    how=st.sampled_from(["get", "form", "direct", "update", "other"]),
    query=QUERIES,
    format=FORMATS,
    accept=ACCEPTS,
)
def test_the_sparql_protocol_never_fails(client: TestClient, how: str, query: str, format: str | None, accept: str) -> None:
    """What /sparql reads and the schema does not declare: the query, by GET, form, body or as an update."""
    params = {"format": format} if format is not None else {}
    headers = {"Accept": accept}
    if how == "get":
        response = client.get("/sparql", params={"query": query, **params}, headers=headers)
    elif how == "form":
        response = client.post("/sparql", data={"query": query, **params}, headers=headers)
    else:
        media_type = {"direct": "application/sparql-query", "update": "application/sparql-update", "other": "text/plain"}[how]
        response = client.post("/sparql", params=params, content=query.encode(), headers={**headers, "Content-Type": media_type})
    assert response.status_code < 500 or _deliberate(response.status_code, response.headers), response.text


@FUZZED
@given(filename=st.one_of(st.sampled_from(["..", ".", "/", "a/", "x" * 256, "a\0b"]), st.text(max_size=300)))
def test_any_upload_filename_is_answered(client: TestClient, filename: str) -> None:
    response = client.post("/admin/documents", files={"file": (filename, b"not a budget")}, headers=AUTHORIZATIONS["token"])
    assert response.status_code in (400, 422), response.text


# Regressions: the 500s the fuzzing found.


@pytest.mark.parametrize("filename", ["..", ".", "/", "uploads/..", "x" * 256])
def test_an_upload_whose_filename_names_no_file_is_400(client: TestClient, filename: str) -> None:
    """Its last part was empty, "..", or beyond the file system's 255 bytes: writing it raised, a 500."""
    response = client.post("/admin/documents", files={"file": (filename, SEED.read_bytes())}, headers=AUTHORIZATIONS["token"])
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"file: the upload's filename {filename!r} names no file")


def test_a_graph_json_ld_cannot_carry_is_refused_as_not_acceptable(client: TestClient) -> None:
    construct = "CONSTRUCT { <http://a/s> <http://a/p> <<( <http://a/s> <http://a/p> 1 )>> } WHERE {}"
    response = client.get("/sparql", params={"query": construct, "format": "jsonld"})
    assert (response.status_code, response.text) == (406, "the answer holds RDF 1.2 triple terms, which JSON-LD cannot carry: ask for Turtle, N-Triples or RDF/XML")
    assert client.get("/sparql", params={"query": construct, "format": "nt"}).status_code == 200