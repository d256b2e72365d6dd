from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest
import uvicorn
from fastapi import FastAPI
from rdflib import URIRef

from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.pipeline import ingest
from budgetgraph.records import BudgetDocument
from budgetgraph.store import EmbeddedStore, GraphStore
from servers import oxigraph_server, virtuoso_server

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "documents" / "luoyang-xigong-zhengshuju-2021-budget.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "000_117098cfe8f5af66.txt"
# The real Shanghai PDFs and their answer keys sit beside the repository (../shared/corpus): not ours to ship, so a
# clone elsewhere skips the tests that read them, naming the path it looked for.
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"the corpus of real documents is not here: {CORPUS}")
BASE = "http://127.0.0.1:8000/"
BACKENDS = ["embedded", "oxigraph-server", "virtuoso"]
SERVERS = {"oxigraph-server": oxigraph_server, "virtuoso": virtuoso_server}


@pytest.fixture(scope="session")
def seed() -> BudgetDocument:
    return read_document(SEED)


@pytest.fixture(scope="session")
def seed_rdf(seed: BudgetDocument) -> MappedDocument:
    return map_document(seed, BASE)


def new_store(backend: str, stack: contextlib.ExitStack) -> GraphStore:
    """An empty store of the backend: the embedded one in memory, or a real SPARQL server started on free
    loopback ports for the lifetime of ``stack``."""
    if backend == "embedded":
        return EmbeddedStore()
    return stack.enter_context(SERVERS[backend]())


def load_trig(store: GraphStore, path: Path) -> None:
    """Put each named graph of a TriG file into the store, as a loaded document would be."""
    graphs: dict[URIRef, list[str]] = {}
    for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TRIG):
        graphs.setdefault(URIRef(quad.graph_name.value), []).append(f"{quad.triple} .\n")  # type: ignore[union-attr]
    store.replace_graphs({name: "".join(lines).encode() for name, lines in graphs.items()})


@pytest.fixture(scope="session", params=BACKENDS)
def published_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """What the service publishes in the page tests, in each backend: the bundled documents as ``budgetgraph
    ingest`` loads them, plus the service fixture (a title with markup, a ``javascript:`` IRI) and one link to
    that IRI."""
    with contextlib.ExitStack() as stack:
        store = new_store(request.param, stack)
        for path in sorted((ROOT / "data" / "documents").iterdir()):
            ingest(path, store, BASE)
        load_trig(store, ROOT / "tests" / "data" / "service-fixture.trig")
        store.update(f"INSERT DATA {{ GRAPH <{BASE}graph/b> {{ <{BASE}id/b> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(3)> }} }}")
        yield store


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """uvicorn on a free loopback port, in a thread, stopped the way a signal would stop it; yields its root URL."""
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.025)
        assert server.started
        yield "http://127.0.0.1:{}".format(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive()


@contextlib.contextmanager
def hanging_up() -> Iterator[tuple[str, list[object]]]:
    """A loopback "endpoint" that hangs up on every caller (so nothing waits on it) and records them."""
    calls: list[object] = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.02)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, peer = server.accept()
            except TimeoutError:
                continue
            calls.append(peer)
            connection.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield "http://127.0.0.1:{}/sparql".format(server.getsockname()[1]), calls
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture
def listener() -> Iterator[tuple[str, list[object]]]:
    with hanging_up() as endpoint:
        yield endpoint


@contextlib.contextmanager
def live_client(app: FastAPI) -> Iterator[httpx.Client]:
    """An HTTP client of ``app`` running on a live loopback server: requests go through real sockets."""
    with serving(app) as root, httpx.Client(base_url=root, follow_redirects=True, timeout=120) as client:
        yield client
