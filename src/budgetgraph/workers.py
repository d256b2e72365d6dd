"""Child processes that do one call at a time within a deadline, for work that must be stoppable whatever it does:
the service's SPARQL queries (pyoxigraph cannot be interrupted mid-evaluation) and the reading of untrusted files
(a parser can loop, or eat the memory). A call that overruns its deadline gets the process killed, which gives its
CPU and memory back at once; a process that crashes fails that call only. Either way the caller starts a new one.

Processes come from a fork server started before any store is opened or thread started (forking a process that
holds RocksDB or runs an event loop is unsafe), with budgetgraph already imported, so a new one is ready in
milliseconds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["budgetgraph.pipeline", "budgetgraph.service.answers"])


class WorkerLost(Exception):
    """The call did not finish: the process overran its deadline and was killed, or it died."""

    def __init__(self, message: str, *, timed_out: bool) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class Worker:
    """One child process running ``handle(request)`` for each request it is sent, with its address space capped
    at ``memory_bytes`` when given (an allocation beyond it fails in the child, not in this process)."""

    def __init__(self, handle: Callable[[Any], Any], *, memory_bytes: int | None = None) -> None:
        self.connection, theirs = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=_serve, args=(theirs, handle, memory_bytes), daemon=True)
        self.process.start()
        theirs.close()

    def call(self, request: Any, timeout: float) -> Any:
        """``handle(request)`` in the child, or WorkerLost when it overruns ``timeout`` seconds or dies; after
        WorkerLost this worker is gone."""
        try:
            self.connection.send(request)
            if self.connection.poll(max(timeout, 0)):
                return self.connection.recv()
        except (EOFError, OSError):  # the child died: its end of the pipe closed
            raise self._died() from None
        raise self._overran(timeout)

    async def call_async(self, request: Any, timeout: float) -> Any:
        """``call`` from an event loop, which waits for the reply itself: no thread is held while the child works.
        A caller cancelled meanwhile gets the child killed (its reply would be read as the next call's) and must
        not use this worker again."""
        try:
            self.connection.send(request)
            if await _readable(self.connection.fileno(), timeout):
                return self.connection.recv()
        except (EOFError, OSError):
            raise self._died() from None
        except asyncio.CancelledError:
            self.kill()
            raise
        raise self._overran(timeout)

    def _died(self) -> WorkerLost:
        self.kill()
        return WorkerLost(f"the worker process died (exit code {self.process.exitcode})", timed_out=False)

    def _overran(self, timeout: float) -> WorkerLost:
        self.kill()
        return WorkerLost(f"stopped after {timeout:g} s", timed_out=True)

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()

    def close(self) -> None:
        """Let the child finish and exit (it reads the end of its pipe), or kill it after a second."""
        self.connection.close()
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.kill()


def _serve(connection: Connection, handle: Callable[[Any], Any], memory_bytes: int | None) -> None:
    if memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        connection.send(handle(request))


async def _readable(descriptor: int, timeout: float) -> bool:
    """Whether ``descriptor`` has something to read (or its writer closed it) within ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    loop.add_reader(descriptor, lambda: ready.done() or ready.set_result(True))
    timer = loop.call_later(max(timeout, 0), lambda: ready.done() or ready.set_result(False))
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(descriptor)
