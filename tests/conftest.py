from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.records import BudgetDocument

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
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive()
