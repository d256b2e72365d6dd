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
    """What one query may cost and reach, and how many may be in flight. On an on-disk store a query runs in one
    of ``query_workers`` processes, killed at ``timeout_s`` whatever it is doing; elsewhere time and size are
    checked as the answer is written (a SPARQL server applies its own timeout too). ``max_queries`` are admitted
    at a time, running or waiting for a worker, ``max_queries_per_client`` from one client address; beyond them
    the answer is 503 with Retry-After; so too beyond ``max_requests`` other requests in flight (pages, RDF,
    catalogues, dumps), ``max_requests_per_client`` from one address. The answers of an embedded store are kept
    for the same question until the store changes, at most ``answer_cache_entries`` of them in
    ``answer_cache_bytes`` (0: none kept). ``service_calls`` lets queries call other endpoints (SERVICE): only an
    operator who wants this server to reach other machines turns it on."""

    timeout_s: float = 60.0
    max_bytes: int = 100 * 2**20
    service_calls: bool = False
    query_workers: int = 4
    max_queries: int = 16
    max_queries_per_client: int = 2
    max_requests: int = 32
    max_requests_per_client: int = 8
    answer_cache_entries: int = 1024
    answer_cache_bytes: int = 64 * 2**20


@dataclass(frozen=True)
class FileLimits:
    """What reading one source file may cost: an upload or an ingested file is untrusted. Size, what a ZIP
    container (XLSX, DOCX) declares it unpacks to, and pages are checked before parsing; memory and time bound
    the worker process that reads, maps and validates it."""

    max_bytes: int = 64 * 2**20
    max_unzipped_bytes: int = 512 * 2**20
    max_pages: int = 2_000
    memory_bytes: int = 4 * 2**30
    timeout_s: float = 300.0
