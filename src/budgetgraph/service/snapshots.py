"""What the query workers read: checkpoints of the store, one per version of it.

pyoxigraph calls a read-only open beside a process that writes the same database undefined behaviour, and it is
not only in theory: the writer's compactions delete files the reader has just found listed (seen here as
"Corruption: … No such file or directory" when a worker opened the store after a load). So the service, the one
writer, takes a checkpoint of the store (``Store.backup``: hard links to its immutable files, taken in
milliseconds, no copy) at each version, and the workers open checkpoints, which nothing writes. A checkpoint is
removed once a newer one exists and no query is reading it. They live beside the store, in
``<store>.snapshots/PID.N/`` (N: the service's Nth pool of workers), and a service starting removes those of
processes that are gone (a killed service leaves its last ones there).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from pathlib import Path

from budgetgraph.errors import BudgetgraphError
from budgetgraph.store import EmbeddedStore


class Snapshots:
    pools = itertools.count()

    def __init__(self, store: EmbeddedStore) -> None:
        assert store.path is not None
        self.store = store
        every = store.path.with_name(store.path.name + ".snapshots")
        every.mkdir(exist_ok=True)
        for left in every.iterdir():
            if not Path(f"/proc/{left.name.partition('.')[0]}").exists():
                shutil.rmtree(left, ignore_errors=True)
        self.folder = every / f"{os.getpid()}.{next(self.pools)}"
        shutil.rmtree(self.folder, ignore_errors=True)  # a process gone with the same PID (a container's, restarted)
        self.folder.mkdir()

    def take(self, version: int) -> None:
        try:
            self.store.engine.backup(str(self.path(version)))
        except OSError as error:
            raise BudgetgraphError(f"cannot checkpoint the store for the query workers: {error}", file=str(self.folder)) from error

    def path(self, version: int) -> Path:
        return self.folder / str(version)

    def remove(self, version: int) -> None:
        shutil.rmtree(self.path(version), ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # others' checkpoints are in it
            self.folder.parent.rmdir()
