"""Settings shared by every command: where the store lives, the base of minted URIs, the admin token, the
licence the catalogues state, the limits of a query."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_STORE = Path(os.environ.get("BUDGETGRAPH_STORE", "budgetgraph-store"))
DEFAULT_BASE = os.environ.get("BUDGETGRAPH_BASE", "http://127.0.0.1:8000/")
DEFAULT_ADMIN_TOKEN = os.environ.get("BUDGETGRAPH_ADMIN_TOKEN")

# Budget disclosures are government information published for reuse; CC BY 4.0 keeps the attribution to the
# disclosing department with every copy. A deployment whose terms differ sets $BUDGETGRAPH_LICENSE (an IRI).
CC_BY_4_0 = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
DEFAULT_LICENSE = os.environ.get("BUDGETGRAPH_LICENSE", CC_BY_4_0)


@dataclass(frozen=True)
class Limits:
    """What one query may cost and reach. Time and size are checked as the answer is written, which stops the
    evaluation of a query whose solutions stream (most do); one that must see every solution before its first
    (ORDER BY, an aggregate) is stopped only once it starts writing, and a server store applies its own timeout
    too. ``service_calls`` lets queries call other endpoints (SERVICE): only an operator who wants this
    server to reach other machines turns it on."""

    timeout_s: float = 60.0
    max_bytes: int = 100 * 2**20
    service_calls: bool = False
