from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pyoxigraph
import pytest
import uvicorn
from fastapi import FastAPI

from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.pipeline import ingest
from budgetgraph.records import BudgetDocument
from budgetgraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "documents" / "luoyang-xigong-zhengshuju-2021-budget.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "000_117098cfe8f5af66.txt"
BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="session")
def seed() -> BudgetDocument:
    return read_document(SEED)


@pytest.fixture(scope="session")
def seed_rdf(seed: BudgetDocument) -> MappedDocument:
    return map_document(seed, BASE)


@pytest.fixture(scope="session")
def published_store() -> EmbeddedStore:
    """What the service publishes in the page tests: the bundled documents as ``budgetgraph ingest`` loads them,
    plus the service fixture (a title with markup, a ``javascript:`` IRI) and one link to that IRI."""
    store = EmbeddedStore()
    for path in sorted((ROOT / "data" / "documents").iterdir()):
        ingest(path, store, BASE)
    store.engine.load(path=str(ROOT / "tests" / "data" / "service-fixture.trig"), format=pyoxigraph.RdfFormat.TRIG)
    store.engine.add(pyoxigraph.Quad(
        pyoxigraph.NamedNode(BASE + "id/b"), pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
        pyoxigraph.NamedNode("javascript:alert(3)"), pyoxigraph.NamedNode(BASE + "graph/b"),
    ))
    return store


@contextmanager
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
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive()


@pytest.fixture(scope="session")
def serve() -> Callable[[FastAPI], AbstractContextManager[str]]:
    """``with serve(app) as root:`` runs ``app`` on a live loopback server for the block."""
    return serving
