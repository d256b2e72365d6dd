"""The answers kept by the service (``service/answer_cache.py``), through the real stack on an on-disk store with
its query workers: the same question gets the same bytes without reaching a worker, an admin write is seen by
the next query, and the limits and refusals hold for a kept answer as for any other."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import test_query_workers as workers
from conftest import SEED
from test_query_workers import ENDLESS, TOKEN, service

from budgetgraph.service.answer_cache import AnswerCache
from budgetgraph.service.answers import QueryCall, Reply
from budgetgraph.service.evaluation import WorkerPool
from budgetgraph.store import EmbeddedStore

JSON = {"Accept": "application/sparql-results+json"}
DATASETS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/budgetgraph/def#BudgetDataset> }"
SAME = ("content-type", "content-length", "vary")
store = workers.store  # the fixture: a few documents in an on-disk store, for the module


def _evaluations(pool: WorkerPool) -> list[str]:
    """The queries that reach the workers from now on."""
    evaluate, queries = pool._evaluate, []

    async def counted(call: QueryCall) -> Reply:
        queries.append(call.query)
        return await evaluate(call)

    pool._evaluate = counted  # type: ignore[method-assign]
    return queries


def test_the_same_question_gets_the_same_bytes_without_a_worker(store: EmbeddedStore) -> None:
    with service(store) as (client, pool):
        evaluations = _evaluations(pool)
        first = client.get("/sparql", params={"query": DATASETS}, headers=JSON)
        again = client.get("/sparql", params={"query": DATASETS}, headers=JSON)
        posted = client.post("/sparql", data={"query": DATASETS}, headers=JSON)
        assert first.status_code == again.status_code == posted.status_code == 200
        assert first.content == again.content == posted.content
        assert [first.headers[h] for h in SAME] == [again.headers[h] for h in SAME] == [posted.headers[h] for h in SAME]
        assert evaluations == [DATASETS]
        from_a_page = client.get("/sparql", params={"query": DATASETS}, headers={**JSON, "Origin": "https://example.org"})
        assert from_a_page.content == first.content and from_a_page.headers["access-control-allow-origin"] == "*"
        as_csv = client.get("/sparql", params={"query": DATASETS}, headers={"Accept": "text/csv"})
        assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.content != first.content
        assert evaluations == [DATASETS, DATASETS]  # another format is another question


def test_an_admin_write_is_answered_at_once(store: EmbeddedStore) -> None:
    with service(store) as (client, pool):
        evaluations = _evaluations(pool)
        count: Callable[[], int] = lambda: int(client.get("/sparql", params={"query": DATASETS}, headers=JSON).json()["results"]["bindings"][0]["n"]["value"])
        before = count()
        assert count() == before and len(evaluations) == 1
        with SEED.open("rb") as seed:
            uploaded = client.post("/admin/documents", files={"file": (SEED.name, seed)}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert uploaded.status_code == 201
        assert count() == before + 1 and len(evaluations) == 2
        path = uploaded.json()["dataset"].split("/id/dataset/")[1]
        assert client.delete(f"/admin/datasets/{path}", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 204
        assert count() == before and count() == before and len(evaluations) == 3


def test_a_kept_answer_counts_against_the_client_cap(store: EmbeddedStore) -> None:
    with service(store, timeout_s=3.0, query_workers=2, max_queries_per_client=1) as (client, _):
        assert client.get("/sparql", params={"query": DATASETS}).status_code == 200
        running = threading.Thread(target=client.get, args=("/sparql",), kwargs={"params": {"query": ENDLESS}})
        running.start()
        time.sleep(0.5)
        refused = client.get("/sparql", params={"query": DATASETS})
        assert refused.status_code == 503 and "the limit per client" in refused.text and refused.headers["retry-after"] == "2"
        running.join()
        assert client.get("/sparql", params={"query": DATASETS}).status_code == 200


def test_refusals_and_errors_are_not_kept_and_the_cache_can_be_off(store: EmbeddedStore) -> None:
    federated = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with service(store) as (client, pool):
        assert client.get("/sparql", params={"query": federated}).status_code == 400
        assert client.get("/sparql", params={"query": federated}).status_code == 400
        assert client.get("/sparql", params={"query": DATASETS, "update": "CLEAR ALL"}).status_code == 403
        assert client.get("/sparql", params={"query": "SELECT nonsense"}).status_code == 400
        assert client.get("/sparql", params={"query": DATASETS, "default-graph-uri": "http://x/"}).status_code == 400
        assert not pool.cache.entries
    with service(store, answer_cache_entries=0) as (client, pool):
        evaluations = _evaluations(pool)
        answers = [client.get("/sparql", params={"query": DATASETS}, headers=JSON).content for _ in range(2)]
        assert answers[0] == answers[1] and evaluations == [DATASETS, DATASETS] and not pool.cache.entries


def test_the_least_recently_asked_answers_go_first() -> None:
    reply = lambda size: Reply(200, "text/csv", b"x" * size)
    key = lambda query: AnswerCache.key(0, QueryCall(query, None, "*/*"))
    cache = AnswerCache(max_entries=2, max_bytes=800)
    cache.put(key("a"), reply(10))
    cache.put(key("b"), reply(10))
    assert cache.get(key("a"))  # "b" is now the least recently asked
    cache.put(key("c"), reply(10))
    assert cache.get(key("b")) is None and cache.get(key("a")) and cache.get(key("c"))
    cache.put(key("big"), reply(101))  # over an eighth of the bytes
    cache.put(key("error"), Reply(400, "text/plain", b"no"))
    assert cache.get(key("big")) is None and cache.get(key("error")) is None
    cache = AnswerCache(max_entries=100, max_bytes=800)
    for name in "abcdefghi":
        cache.put(key(name), reply(100))
    assert cache.size == 800 and cache.get(key("a")) is None and cache.get(key("i"))
    assert AnswerCache.key(1, QueryCall("a", None, "*/*")) != key("a")  # another version of the store
