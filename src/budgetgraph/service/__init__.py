"""Stage 5: the web service over the store (SPARQL 1.1 Protocol endpoint and pages)."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``create_app``, imported when first asked for: the worker processes import ``service.answers``, and must
    not load the application's libraries (pyarrow reserves some 280 MB of address space, most of a reading
    worker's memory cap)."""
    if name == "create_app":
        from budgetgraph.service.app import create_app
        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
