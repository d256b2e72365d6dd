"""Queries on an on-disk store run in worker processes: killed at the deadline whatever the query's shape, with
short queries answered meanwhile, a cap in all and per client, and writes of the admin API seen by the next query."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import BASE, ROOT, SEED, serving

from budgetgraph.config import Limits
from budgetgraph.pipeline import ingest
from budgetgraph.service import app as app_module
from budgetgraph.service import create_app
from budgetgraph.service.answers import QueryCall, Reply
from budgetgraph.service.evaluation import IdleWorkers, WorkerPool
from budgetgraph.store import EmbeddedStore

TOKEN = "workers-test-token"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Every triple with every triple with every triple, counted: hours on a store of a few documents.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUERIES = [
    ("SELECT ?d ?title WHERE { ?d a <https://w3id.org/budgetgraph/def#BudgetDataset> ; <http://purl.org/dc/terms/title> ?title } ORDER BY ?d", "json"),
    ("SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } ORDER BY ?s ?o LIMIT 50", "csv"),
    ("CONSTRUCT { ?d ?p ?o } WHERE { ?d a <https://w3id.org/budgetgraph/def#BudgetDataset> ; ?p ?o }", "nt"),
    ("ASK { ?s ?p 394.40 }", "xml"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("workers") / "store")
    for path in sorted((ROOT / "data" / "synthetic").iterdir())[:4]:
        ingest(path, store, BASE)
    store.flush()
    return store


@contextlib.contextmanager
def service(store: EmbeddedStore, **limits: object) -> Iterator[tuple[httpx.Client, WorkerPool]]:
    app = create_app(store, base=BASE, admin_token=TOKEN, limits=Limits(**limits))  # type: ignore[arg-type]
    pool = app.state.evaluator
    assert isinstance(pool, WorkerPool)
    try:
        with serving(app) as root, httpx.Client(base_url=root, timeout=60) as client:
            yield client, pool
    finally:
        pool.close()


def _from(address: str, root: str) -> httpx.Client:
    """A client whose requests come from another loopback address, as another machine's would."""
    return httpx.Client(base_url=root, timeout=60, transport=httpx.HTTPTransport(local_address=address))


def test_workers_answer_as_the_threads_do(store: EmbeddedStore) -> None:
    threads = create_app(store, base=BASE, limits=Limits(query_workers=0))
    with service(store) as (client, _), serving(threads) as root, httpx.Client(base_url=root) as in_threads:
        for query, format in QUERIES:
            by_workers = client.get("/sparql", params={"query": query, "format": format})
            by_threads = in_threads.get("/sparql", params={"query": query, "format": format})
            assert by_workers.status_code == by_threads.status_code == 200
            assert by_workers.headers["content-type"] == by_threads.headers["content-type"]
            assert by_workers.content == by_threads.content
        library = client.get("/queries/general-budget-by-class", params={"format": "csv"})
        assert library.status_code == 200 and library.content == in_threads.get("/queries/general-budget-by-class", params={"format": "csv"}).content


def test_a_query_that_would_run_for_hours_is_stopped_at_the_timeout(store: EmbeddedStore) -> None:
    with service(store, timeout_s=1.0, query_workers=2) as (client, pool):
        before = pool.pids()
        started = time.monotonic()
        response = client.get("/sparql", params={"query": ENDLESS})
        took = time.monotonic() - started
        assert response.status_code == 503 and "longer than this endpoint's limit of 1 s" in response.text
        assert took < 2.0
        killed = before - pool.pids()
        assert len(killed) == 1 and not Path(f"/proc/{killed.pop()}").exists()  # gone, not left spinning
        assert _cpu_seconds(pool.pids(), over=0.5) < 0.1  # the replacement and the other worker are idle
        assert client.get("/sparql", params={"query": COUNT}).status_code == 200


def test_short_queries_answer_while_long_ones_run(store: EmbeddedStore) -> None:
    with service(store, timeout_s=4.0, query_workers=3, max_queries_per_client=2) as (client, _):
        long_ones = [threading.Thread(target=client.get, args=("/sparql",), kwargs={"params": {"query": ENDLESS}}) for _ in range(2)]
        for thread in long_ones:
            thread.start()
        time.sleep(0.5)  # both are running
        with _from("127.0.0.2", str(client.base_url)) as other:
            latencies = []
            for _ in range(10):
                started = time.monotonic()
                assert other.get("/sparql", params={"query": COUNT}).status_code == 200
                latencies.append(time.monotonic() - started)
        assert max(latencies) < 1.0, latencies
        assert all(thread.is_alive() for thread in long_ones)  # the short ones did not wait for them
        for thread in long_ones:
            thread.join()


def test_a_query_waiting_for_a_worker_gets_its_whole_time_limit_to_run(store: EmbeddedStore) -> None:
    """Found by the load test: the time a query spent waiting for a worker counted against its running time, so a
    query behind another was stopped early as "ran longer than the limit"."""
    with service(store, timeout_s=2.0, query_workers=1) as (client, _):
        first = threading.Thread(target=client.get, args=("/sparql",), kwargs={"params": {"query": ENDLESS}})
        first.start()
        time.sleep(1.0)  # the first has the only worker until it is stopped, 1 s from now
        with _from("127.0.0.2", str(client.base_url)) as other:
            started = time.monotonic()
            second = other.get("/sparql", params={"query": ENDLESS})
        took = time.monotonic() - started
        assert second.status_code == 503 and "ran longer than this endpoint's limit of 2 s" in second.text
        assert 2.8 < took < 4.5, took  # 1 s waiting for the worker, then its own 2 s (not the 1 s left of them)
        first.join()


def test_a_query_whose_caller_is_cancelled_leaves_no_answer_for_the_next(store: EmbeddedStore) -> None:
    """The event loop waits for the worker: a request cancelled meanwhile (its client gone) must not leave the
    worker's late reply to be read as the next query's answer."""
    pool = WorkerPool(store, Limits(timeout_s=10.0, query_workers=1))

    async def scenario() -> tuple[set[int | None], Reply]:
        before = pool.pids()
        running = asyncio.create_task(pool.answer(QueryCall(ENDLESS, "json", "*/*")))
        await asyncio.sleep(0.5)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return before, await asyncio.wait_for(pool.answer(QueryCall(COUNT, "csv", "*/*")), 5)

    try:
        before, reply = asyncio.run(scenario())
        assert reply.status == 200 and reply.body.decode().splitlines()[0] == "n" and int(reply.body.decode().splitlines()[1]) > 0
        assert pool.pids() and not pool.pids() & before  # the cancelled query's worker was replaced
        assert not any(Path(f"/proc/{pid}").exists() for pid in before)  # and killed, not left spinning
    finally:
        pool.close()


def test_a_free_worker_goes_to_the_longest_waiting_query_still_waiting() -> None:
    async def scenario() -> None:
        idle = IdleWorkers()
        worker = object()
        assert await idle.take(0.05) is None  # none was free in time
        first, second = asyncio.create_task(idle.take(5)), asyncio.create_task(idle.take(5))
        await asyncio.sleep(0)
        idle.put(worker)  # type: ignore[arg-type]
        first.cancel()  # handed the worker as it is cancelled: it passes it on
        assert await second is worker
        with pytest.raises(asyncio.CancelledError):
            await first
        idle.put(worker)  # type: ignore[arg-type]
        assert idle.free == [worker] and await idle.take(5) is worker

    asyncio.run(scenario())


def test_a_client_beyond_its_cap_and_a_full_endpoint_are_told_to_retry(store: EmbeddedStore) -> None:
    with service(store, timeout_s=3.0, query_workers=2, max_queries=2, max_queries_per_client=1) as (client, _):
        running = threading.Thread(target=client.get, args=("/sparql",), kwargs={"params": {"query": ENDLESS}})
        running.start()
        time.sleep(0.5)
        refused = client.get("/sparql", params={"query": COUNT})
        assert refused.status_code == 503 and "the limit per client" in refused.text and refused.headers["retry-after"] == "2"
        with _from("127.0.0.2", str(client.base_url)) as second, _from("127.0.0.3", str(client.base_url)) as third:
            also_running = threading.Thread(target=second.get, args=("/sparql",), kwargs={"params": {"query": ENDLESS}})
            also_running.start()
            time.sleep(0.5)
            full = third.get("/sparql", params={"query": COUNT})
            assert full.status_code == 503 and "its limit" in full.text and "retry-after" in full.headers
            also_running.join()
        running.join()
        assert client.get("/sparql", params={"query": COUNT}).status_code == 200  # room again


def test_a_worker_that_dies_fails_its_query_only(store: EmbeddedStore) -> None:
    with service(store, timeout_s=10.0, query_workers=1) as (client, pool):
        running = {}

        def ask() -> None:
            running["response"] = client.get("/sparql", params={"query": ENDLESS})

        thread = threading.Thread(target=ask)
        thread.start()
        time.sleep(0.5)
        (pid,) = pool.pids()
        os.kill(pid, signal.SIGKILL)
        thread.join()
        assert running["response"].status_code == 500 and "worker process died" in running["response"].text
        assert client.get("/sparql", params={"query": COUNT}).status_code == 200
        assert pool.pids() and pid not in pool.pids()


def test_the_workers_see_what_the_admin_api_writes(store: EmbeddedStore) -> None:
    """Through checkpoints of the store, one per version (the workers never open the store its writer holds):
    once a newer one exists and nobody reads the older, only the newest is left; none when the service stops."""
    datasets = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/budgetgraph/def#BudgetDataset> }"
    with service(store) as (client, pool):
        count = lambda: int(client.get("/sparql", params={"query": datasets}).json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
        checkpoints = lambda: sorted(path.name for path in pool.snapshots.folder.iterdir())  # noqa: E731
        before = count()
        with SEED.open("rb") as seed:
            uploaded = client.post("/admin/documents", files={"file": (SEED.name, seed)}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert uploaded.status_code == 201
        assert count() == before + 1
        path = uploaded.json()["dataset"].removeprefix(f"{BASE}id/dataset/")
        assert client.delete(f"/admin/datasets/{path}", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 204
        assert count() == before
        assert checkpoints() == [str(pool.version)] and pool.version >= 2
    assert not pool.snapshots.folder.exists() and not pool.snapshots.folder.parent.exists()


def _cpu_seconds(pids: set[int], *, over: float) -> float:
    """The CPU time the processes used over the next ``over`` seconds."""

    def used() -> float:
        ticks = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    start = used()
    time.sleep(over)
    return used() - start


def test_pages_beyond_the_limits_are_told_to_retry(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the load test: pages queued in the service's threads until their clients gave up."""
    release = threading.Event()
    listing = app_module._datasets

    def held(*args: object) -> object:
        release.wait(30)
        return listing(*args)

    monkeypatch.setattr(app_module, "_datasets", held)
    with service(store, max_requests=2, max_requests_per_client=1) as (client, _):
        waiting = threading.Thread(target=client.get, args=("/",))
        waiting.start()
        time.sleep(0.5)  # the home page is being rendered, and held
        again = client.get("/def")
        assert again.status_code == 503 and "the limit per client" in again.text and again.headers["retry-after"] == "2"
        assert client.get("/sparql", params={"query": COUNT}).status_code == 200  # queries are counted apart
        with _from("127.0.0.2", str(client.base_url)) as second, _from("127.0.0.3", str(client.base_url)) as third:
            also_waiting = threading.Thread(target=second.get, args=("/",))
            also_waiting.start()
            time.sleep(0.5)
            full = third.get("/def")
            assert full.status_code == 503 and "answering 2 requests, its limit" in full.text
            release.set()
            also_waiting.join()
        waiting.join()
        assert client.get("/def").status_code == 200
