"""What the portal derives from the store (dataset list, dumps, checksums), kept for the life of the process.

The public service only reads the store, so whatever is derived from it stays true until something writes to
the store. Whatever writes (the admin API) must call ``forget()`` afterwards.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")

# Re-entrant: a derived value (the catalogue) may be computed from others (the dumps' checksums).
_lock = threading.RLock()
_values: dict[tuple[Hashable, ...], object] = {}
_read_at: list[datetime] = []
_forgotten = [0]


def remembered(compute: Callable[..., T]) -> Callable[..., T]:
    """``compute`` evaluated once per distinct (hashable) arguments until ``forget()``."""

    @functools.wraps(compute)
    def remembering(*args: Hashable) -> T:
        key = (compute, *args)
        with _lock:
            if key not in _values:
                _values[key] = compute(*args)
            return _values[key]  # type: ignore[return-value]

    return remembering


def read_at() -> datetime:
    """When the store was first read since the process started or since ``forget()``, to the second: the
    Last-Modified of whatever is derived from it, as the store records no modification times."""
    with _lock:
        if not _read_at:
            _read_at.append(datetime.now(UTC).replace(microsecond=0))
        return _read_at[0]


def generation() -> int:
    """How many times the store was written to (``forget()`` called) since the process started."""
    with _lock:
        return _forgotten[0]


def forget() -> None:
    """Drop everything derived from the store: call after writing to it."""
    with _lock:
        _values.clear()
        _read_at.clear()
        _forgotten[0] += 1
