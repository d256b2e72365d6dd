"""Where the endpoint's queries are evaluated, and how many at a time.

On an on-disk embedded store, each query runs in one of a pool of worker processes, each with its own read-only
open of the store's latest checkpoint (``snapshots.py``); a query still running at the deadline has its process killed (its CPU is back at once) and
replaced, so ``--query-timeout`` holds whatever the query's shape. An in-memory store cannot be opened twice,
and a SPARQL server evaluates elsewhere under its own timeout, so those queries run in the service's threads.

Either way the service admits a bounded number of queries in flight (running or waiting for a worker), in all
and per client address, and answers 503 with Retry-After beyond them, so that a few clients with expensive
queries cannot take every worker from the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from budgetgraph.config import Limits
from budgetgraph.service.answer_cache import AnswerCache
from budgetgraph.service.answers import QueryCall, Reply, answer
from budgetgraph.service.snapshots import Snapshots
from budgetgraph.store import EmbeddedStore, GraphStore
from budgetgraph.workers import Worker, WorkerLost

RETRY_AFTER_S = 2


class Full(Exception):
    """No room for another query: the message says whose."""


class Admission:
    """Counts the queries (or other requests: ``what``) in flight, in all and per client address, in the event
    loop's thread."""

    def __init__(self, most: int, most_per_client: int, what: str = "queries") -> None:
        self.most, self.most_per_client, self.what = most, most_per_client, what
        self.in_flight = 0
        self.by_client: Counter[str] = Counter()

    @contextlib.contextmanager
    def admitted(self, client: str) -> Iterator[None]:
        if self.in_flight >= self.most:
            raise Full(f"this endpoint is answering {self.in_flight} {self.what}, its limit: try again shortly")
        if self.by_client[client] >= self.most_per_client:
            raise Full(f"{client} has {self.by_client[client]} {self.what} running, the limit per client: wait for one to finish")
        self.in_flight += 1
        self.by_client[client] += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self.by_client[client] -= 1
            if not self.by_client[client]:
                del self.by_client[client]


class Evaluator:
    """Queries answered in the service's threads; their answers kept (``answer_cache.py``) when the service is
    the store's only writer, as it is of an embedded store: a SPARQL server's data may change under it."""

    def __init__(self, store: GraphStore, limits: Limits) -> None:
        self.store, self.limits, self.admission = store, limits, Admission(limits.max_queries, limits.max_queries_per_client)
        self.version = 0
        self.cache = AnswerCache(limits.answer_cache_entries if isinstance(store, EmbeddedStore) else 0, limits.answer_cache_bytes)

    def cached(self, call: QueryCall) -> Reply | None:
        return self.cache.get(self.cache.key(self.version, call))

    async def answer(self, call: QueryCall) -> Reply:
        key = self.cache.key(self.version, call)  # the version before evaluation: an answer read later is newer
        reply = self.cache.get(key) or await self._evaluate(call)
        self.cache.put(key, reply)
        return reply

    async def _evaluate(self, call: QueryCall) -> Reply:
        return await run_in_threadpool(answer, self.store, self.limits, call)

    def store_changed(self) -> None:
        """What was written is visible to the next query (a store opened once sees it); the answers kept are not
        given again."""
        self.version += 1

    def close(self) -> None:
        pass


class IdleWorkers:
    """The workers free for a query, and the queries waiting for one, first come first served; used from the
    event loop's thread."""

    def __init__(self) -> None:
        self.free: list[Worker] = []
        self.waiting: deque[asyncio.Future[Worker | None]] = deque()

    def put(self, worker: Worker) -> None:
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():  # not timed out or cancelled
                waiter.set_result(worker)
                return
        self.free.append(worker)

    async def take(self, timeout: float) -> Worker | None:
        """A free worker, or None when none was free within ``timeout`` seconds."""
        if self.free:
            return self.free.pop()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Worker | None] = loop.create_future()
        self.waiting.append(waiter)
        timer = loop.call_later(timeout, lambda: waiter.done() or waiter.set_result(None))
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                self.put(waiter.result())  # handed a worker as its caller was cancelled: for the next
            raise
        finally:
            timer.cancel()


@dataclass
class QueryHandler:
    """A worker's side: the checkpoint of the store's version opened read-only, again whenever the service has
    written to the store since."""

    snapshots: Path
    limits: Limits
    opened: dict[int, EmbeddedStore] = field(default_factory=dict)

    def __call__(self, numbered: tuple[int, QueryCall]) -> Reply:
        version, call = numbered
        if version not in self.opened:
            self.opened.clear()  # the older open is closed before the newer one
            self.opened[version] = EmbeddedStore(self.snapshots / str(version), read_only=True)
        return answer(self.opened[version], self.limits, call)


class WorkerPool(Evaluator):
    """Queries answered by ``limits.query_workers`` processes over the store at ``store.path``."""

    def __init__(self, store: EmbeddedStore, limits: Limits) -> None:
        super().__init__(store, limits)
        self.snapshots = Snapshots(store)
        self.snapshots.take(0)
        self.handler = QueryHandler(self.snapshots.folder, limits)
        self.reading: Counter[int] = Counter()  # queries in flight by the version they read
        self.oldest_kept = 0
        self.idle = IdleWorkers()
        self.workers: set[Worker] = set()
        self.lock = threading.Lock()
        for _ in range(limits.query_workers):
            self._start()

    async def _evaluate(self, call: QueryCall) -> Reply:
        """The query waits at most the time limit for a worker, then runs at most the time limit: its own time,
        not what the queries before it took. The event loop waits for both, no thread."""
        worker = await self.idle.take(self.limits.timeout_s)
        if worker is None:
            return Reply.text(503, f"no query worker was free within this endpoint's limit of {self.limits.timeout_s:g} s")
        with self.lock:
            version = self.version
            self.reading[version] += 1
        try:
            reply: Reply = await worker.call_async((version, call), self.limits.timeout_s)
        except WorkerLost as lost:
            self._replace(worker)
            if lost.timed_out:
                return Reply.text(503, f"the query ran longer than this endpoint's limit of {self.limits.timeout_s:g} s and was stopped")
            return Reply.text(500, f"the query could not be evaluated: {lost}")
        except asyncio.CancelledError:  # the worker was killed
            self._replace(worker)
            raise
        finally:
            self._done_reading(version)
        self.idle.put(worker)
        return reply

    def store_changed(self) -> None:
        with self.lock:
            self.version += 1
            self.snapshots.take(self.version)
            self._remove_unread()

    def _done_reading(self, version: int) -> None:
        with self.lock:
            self.reading[version] -= 1
            if not self.reading[version]:
                del self.reading[version]
            self._remove_unread()

    def _remove_unread(self) -> None:
        """The checkpoints older than the latest that no query reads (called holding the lock)."""
        for version in range(self.oldest_kept, self.version):
            if self.reading[version]:
                return
            self.snapshots.remove(version)
            self.oldest_kept = version + 1

    def pids(self) -> set[int]:
        with self.lock:
            return {worker.pid for worker in self.workers if worker.pid is not None}

    def _start(self) -> None:
        worker = Worker(self.handler)
        with self.lock:
            self.workers.add(worker)
        self.idle.put(worker)

    def _replace(self, lost: Worker) -> None:
        with self.lock:
            self.workers.discard(lost)
        self._start()

    def close(self) -> None:
        with self.lock:
            workers, self.workers = self.workers, set()
        for worker in workers:
            worker.close()
        self.snapshots.close()


def evaluator_for(store: GraphStore, limits: Limits) -> Evaluator:
    if isinstance(store, EmbeddedStore) and store.path is not None and limits.query_workers > 0:
        return WorkerPool(store, limits)
    return Evaluator(store, limits)
