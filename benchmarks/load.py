"""Load test: many concurrent clients against a real ``budgetgraph serve`` on 127.0.0.1, over an on-disk store.

    python -m benchmarks.load                                  # 200 clients for 60 s; builds (then reuses) the store
    python -m benchmarks.load --clients 50 --seconds 20 --store budgetgraph-store

The store is the bundled documents (data/documents, data/real, data/synthetic) and ``--documents`` generated ones
(benchmarks/generate.py), ingested with ``budgetgraph ingest --bulk`` into benchmarks/out/load/ (git-ignored) and
reused by later runs; ``--store`` serves an existing store instead. The server is started as a subprocess in its
own process group on a free port, with ``--query-timeout`` and a per-client query cap high enough for the whole
load (every client is 127.0.0.1), and stopped afterwards whatever happens; its stderr is kept in
benchmarks/out/load/server-stderr.log.

``--expensive-clients`` clients send only queries that run into the timeout (a cross join counted); the others
pick, request by request, a small SPARQL query, a resource page (``/id/…`` → 303 → ``/page/…``), a dataset page or
a catalogue page (``/catalog?page=N``, ``/``). The IRIs are read from the store over /sparql before the run.
A client answered 503 with Retry-After waits as long as the header says (``--ignore-retry-after`` not), then goes
on. Reported: requests per second overall and by kind, p50 / p95 / p99 latency by kind, answers by status (the
deliberate 503 with Retry-After and the timeouts of the expensive queries apart from errors), the peak RSS (and
PSS) of the server and all its descendants (the query workers) sampled from /proc, and the client's own CPU and
event-loop lag, which say whether the client kept up.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from benchmarks.common import (
    BASE,
    JSON,
    ROOT,
    budgetgraph_serve,
    free_port,
    load_averages,
    machine,
    percentile,
    timed,
    wait_until_up,
)
from benchmarks.generate import write_documents
from benchmarks.scale import SMALL_QUERY
from budgetgraph.service.links import Linker

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "load"
BUNDLED = [ROOT / "data" / "documents", ROOT / "data" / "real", ROOT / "data" / "synthetic"]
BG = "https://w3id.org/budgetgraph/def#"
# Resource pages: a sample of each type whose page the service renders in its own view (and plain rows).
RESOURCE_TYPES = (
    f"{BG}BudgetObservation", f"{BG}Table", f"{BG}Department", f"{BG}District", f"{BG}PerformanceIndicator", f"{BG}Claim",
    "http://www.w3.org/2004/02/skos/core#Concept",
)
SAMPLE = 300  # resources of each type
# Runs into any timeout on a store of this size: every pair of triples, counted.
EXPENSIVE_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
MIX = {"sparql-small": 50, "resource-page": 25, "dataset-page": 15, "catalog": 10}  # weights of the mixed clients
KINDS = [*MIX, "sparql-expensive"]
CLIENT_TIMEOUT_S = 60.0


# ---- the store -------------------------------------------------------------------------------------------

def built_store(documents: int, seed: int) -> tuple[Path, float | None]:
    """The bundled documents and ``documents`` generated ones, ingested in bulk mode into a cached store; the
    seconds the build took, None when the cache had it."""
    folder = OUT / f"store-seed-{seed}-{documents}"
    if (folder / "complete").exists():
        return folder, None
    generated = OUT / f"documents-seed-{seed}-{documents}"
    started = time.perf_counter()
    paths = write_documents(generated, documents, seed)
    command = [sys.executable, "-m", "budgetgraph.cli", "ingest", "--bulk", "--store", str(folder), *map(str, BUNDLED), *map(str, paths)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    (folder / "complete").write_text("", encoding="utf-8")
    return folder, time.perf_counter() - started


# ---- the server, in its own process group ----------------------------------------------------------------

@contextmanager
def server_group(command: list[str], probe: str, stderr: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` as the leader of a new process group (its query workers join it), up once ``probe``
    answers 200; the whole group is stopped afterwards: SIGTERM, then SIGKILL after 30 s."""
    with stderr.open("wb") as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, process_group=0)
    try:
        with httpx.Client(timeout=120) as client:
            wait_until_up(client, probe, server)
        yield server
    finally:
        _stop_group(server)


def _stop_group(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    try:
        os.killpg(server.pid, signal.SIGKILL)  # whatever of the group is left: workers of a stuck shutdown
    except ProcessLookupError:
        pass
    server.wait()


# ---- /proc: memory and CPU of the server's process tree --------------------------------------------------

def descendants(root: int) -> set[int]:
    """``root`` and every process below it (the fork server and the query workers it forks)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children[int(stat.rpartition(")")[2].split()[1])].append(int(entry.name))
    found, pending = set(), [root]
    while pending:
        pid = pending.pop()
        found.add(pid)
        pending += children.get(pid, [])
    return found


def _status_kb(pid: int, path: str, key: str) -> int:
    try:
        text = Path(f"/proc/{pid}/{path}").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith(key)), 0)


def still_running(pids: set[int], seconds: float = 10) -> set[int]:
    """Those of ``pids`` still alive (not zombies) after up to ``seconds``: killed workers take a moment to go."""
    deadline = time.monotonic() + seconds
    while True:
        alive = {pid for pid in pids if _state(pid) not in ("", "Z")}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return ""


def cpu_of(pid: int) -> float:
    """A process's CPU seconds (user + system), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """Seconds of CPU the whole machine spent busy and in all, summed over the cores (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # without guest time, which user time already counts
    return (total - idle) / os.sysconf("SC_CLK_TCK"), total / os.sysconf("SC_CLK_TCK")


@dataclass
class Sampler:
    """Every ``interval`` s in a thread: the summed RSS and PSS of the server's process tree, its size, and
    the CPU time of each process of it as last seen (a worker killed at the timeout is counted up to the last
    sample before its death: a lower bound by at most ``interval`` s a killed worker)."""

    root: int
    interval: float = 0.5
    peak_rss_kb: int = 0
    peak_pss_kb: int = 0
    peak_processes: int = 0
    samples: int = 0
    cpu: dict[int, float] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            pids = descendants(self.root)
            for pid in pids:
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_of(pid))
            self.peak_rss_kb = max(self.peak_rss_kb, sum(_status_kb(pid, "status", "VmRSS:") for pid in pids))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_status_kb(pid, "smaps_rollup", "Pss:") for pid in pids))
            self.peak_processes = max(self.peak_processes, len(pids))
            self.samples += 1

    @contextmanager
    def running(self) -> Iterator[Sampler]:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            thread.join()


# ---- the requests --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Targets:
    resources: list[str]  # document paths under /id/
    datasets: list[str]  # document paths of the datasets' pages
    catalog_pages: int


def sparql_values(client: httpx.Client, root: str, query: str, variable: str) -> list[str]:
    response = client.get(f"{root}/sparql", params={"query": query}, headers={"Accept": JSON})
    response.raise_for_status()
    return [binding[variable]["value"] for binding in response.json()["results"]["bindings"]]


def targets(client: httpx.Client, root: str) -> Targets:
    """Resource and dataset IRIs read from the store, as the document paths the service serves them at."""
    linker = Linker(BASE)

    def paths(type_iri: str, limit: int | None) -> list[str]:
        query = f"SELECT ?r WHERE {{ ?r a <{type_iri}> }}" + (f" LIMIT {limit}" if limit else "")
        return [p for r in sparql_values(client, root, query, "r") if (p := linker.path(r)) is not None]

    resources = [p for kind in RESOURCE_TYPES for p in paths(kind, SAMPLE)]
    datasets = paths(f"{BG}BudgetDataset", None)
    catalog = client.get(f"{root}/catalog", params={"format": "nt"})
    catalog.raise_for_status()
    last = max((int(page) for page in _pages_named(catalog.text)), default=1)
    return Targets(resources, datasets, last)


def _pages_named(ntriples: str) -> Iterator[str]:
    for token in ntriples.split():
        if "/catalog?page=" in token:
            yield token.rpartition("page=")[2].rstrip(">").split("&")[0]


def small_query(rng: random.Random, found: Targets) -> str:
    """One of three small queries: a dataset list, a resource's properties, an ASK about a dataset."""
    choice = rng.randrange(3)
    if choice == 0:
        return SMALL_QUERY
    if choice == 1:
        return f"SELECT ?p ?o WHERE {{ <{BASE}id/{rng.choice(found.resources)}> ?p ?o }} LIMIT 50"
    return f"ASK {{ <{BASE}id/{rng.choice(found.datasets)}> a <{BG}BudgetDataset> }}"


def request_of(kind: str, rng: random.Random, found: Targets) -> tuple[str, dict[str, str], dict[str, str]]:
    """(path, parameters, headers) of one request of ``kind``."""
    if kind == "sparql-small":
        return "/sparql", {"query": small_query(rng, found)}, {"Accept": JSON}
    if kind == "sparql-expensive":
        return "/sparql", {"query": EXPENSIVE_QUERY}, {"Accept": JSON}
    if kind == "resource-page":
        return f"/id/{rng.choice(found.resources)}", {}, {"Accept": "text/html"}
    if kind == "dataset-page":
        return f"/page/{rng.choice(found.datasets)}", {}, {"Accept": "text/html"}
    page = rng.randrange(found.catalog_pages + 1)
    return ("/", {}, {"Accept": "text/html"}) if page == 0 else ("/catalog", {"page": str(page)}, {"Accept": "text/turtle"})


@dataclass(frozen=True)
class Outcome:
    kind: str
    start: float  # seconds since the run started
    ms: float
    status: str  # "200", "503 full", "503 timeout", "503 no worker", another status, or an exception's name


def outcome_status(response: httpx.Response) -> str:
    if response.status_code != 503:
        return str(response.status_code)
    if "retry-after" in response.headers:
        return "503 full"
    return "503 timeout" if "ran longer" in response.text else "503 no worker" if "no query worker" in response.text else "503"


async def one_client(
    client: httpx.AsyncClient, root: str, kinds: list[str], weights: list[int], rng: random.Random, found: Targets,
    started: float, deadline: float, outcomes: list[Outcome], honour_retry_after: bool,
) -> None:
    while (now := time.perf_counter()) < deadline:
        kind = rng.choices(kinds, weights)[0]
        path, params, headers = request_of(kind, rng, found)
        wait = 0.0
        try:
            response = await client.get(root + path, params=params, headers=headers, follow_redirects=True)
            status = outcome_status(response)
            if status == "503 full" and honour_retry_after:
                wait = float(response.headers["retry-after"])
        except httpx.HTTPError as error:
            status = type(error).__name__
        outcomes.append(Outcome(kind, now - started, (time.perf_counter() - now) * 1000, status))
        if wait:
            await asyncio.sleep(min(wait, deadline - time.perf_counter()))


async def loop_lag(deadline: float, lags: list[float], tick: float = 0.05) -> None:
    """How late the event loop wakes a task that asked to sleep ``tick`` s: if the client cannot keep up, this grows."""
    while time.perf_counter() < deadline:
        before = time.perf_counter()
        await asyncio.sleep(tick)
        lags.append((time.perf_counter() - before - tick) * 1000)


@dataclass
class Run:
    """Requests started before ``seconds``; the rate counts those answered by then, the latencies all of them
    (those still in flight at the deadline are waited for, up to the client's timeout: ``drain_s``)."""

    outcomes: list[Outcome]
    seconds: float
    drain_s: float
    lags_ms: list[float]
    client_cpu_s: float
    server_cpu_s: float
    machine_busy_s: float
    machine_total_s: float


async def drive(root: str, found: Targets, clients: int, expensive: int, seconds: float, seed: int, honour_retry_after: bool, sampler: Sampler) -> Run:
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)
    outcomes: list[Outcome] = []
    lags: list[float] = []
    async with httpx.AsyncClient(limits=limits, timeout=CLIENT_TIMEOUT_S) as client:
        cpu_before, server_before, (busy_before, total_before) = time.process_time(), sum(sampler.cpu.values()), machine_busy()
        started = time.perf_counter()
        deadline = started + seconds
        tasks = [
            one_client(client, root, ["sparql-expensive"], [1], random.Random(seed * 1000 + n), found, started, deadline, outcomes, honour_retry_after)
            if n < expensive else
            one_client(client, root, list(MIX), list(MIX.values()), random.Random(seed * 1000 + n), found, started, deadline, outcomes, honour_retry_after)
            for n in range(clients)
        ]
        await asyncio.gather(loop_lag(deadline, lags), *tasks)
        drained = time.perf_counter() - deadline
        cpu = time.process_time() - cpu_before
        busy, total = machine_busy()
        server_cpu = sum(sampler.cpu.values()) - server_before
    return Run(outcomes, seconds, drained, lags, cpu, server_cpu, busy - busy_before, total - total_before)


# ---- the report ------------------------------------------------------------------------------------------

def latency_text(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):,.0f} / {percentile(values, 0.95):,.0f} / {percentile(values, 0.99):,.0f}"


def results_table(run: Run) -> str:
    """One row a kind and one for all: requests per second (every answer), answers by status, and p50 / p95 /
    p99 latency of the 200s (of the expensive queries' timeouts, for them) and of every answer."""
    lines = [
        "| kind | requests | req/s (answered within the run) | 200 | 503 + Retry-After (full) | 503 timeout | errors | p50 / p95 / p99 ms, answered (200) | p50 / p95 / p99 ms, every request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in [*KINDS, "all"]:
        mine = [o for o in run.outcomes if kind in ("all", o.kind)]
        if not mine:
            continue
        statuses = Counter(o.status for o in mine)
        errors = sum(n for s, n in statuses.items() if s not in ("200", "503 full", "503 timeout"))
        answered = [o.ms for o in mine if o.status == ("503 timeout" if kind == "sparql-expensive" else "200")]
        in_time = sum(1 for o in mine if o.start + o.ms / 1000 <= run.seconds)
        lines.append(
            f"| {kind} | {len(mine):,} | {in_time / run.seconds:,.1f} | {statuses['200']:,} | {statuses['503 full']:,} | {statuses['503 timeout']:,} "
            f"| {errors:,} | {latency_text(answered)} | {latency_text([o.ms for o in mine])} |"
        )
    return "\n".join(lines)


def during_expensive(run: Run) -> tuple[list[float], int, float]:
    """Latencies of the small queries answered (200) wholly while an expensive query was in flight; the
    smallest number of small queries answered in any whole second of the run, and the longest gap between two."""
    busy = sorted((o.start, o.start + o.ms / 1000) for o in run.outcomes if o.kind == "sparql-expensive")
    small = [o for o in run.outcomes if o.kind == "sparql-small" and o.status == "200"]
    overlapping = [o.ms for o in small if any(a <= o.start and o.start + o.ms / 1000 <= b for a, b in busy)]
    ends = sorted(o.start + o.ms / 1000 for o in small)
    per_second = Counter(int(end) for end in ends)
    quietest = min((per_second[s] for s in range(int(run.seconds))), default=0)  # within the run, not the drain
    gap = max((b - a for a, b in itertools.pairwise(ends)), default=0.0)
    return overlapping, quietest, gap


def report(run: Run, sampler: Sampler, options: argparse.Namespace, store: str, server: list[str], build: str, cold: dict[str, float], tracebacks: int) -> str:
    statuses = Counter(o.status for o in run.outcomes)
    overlapping, quietest, gap = during_expensive(run)
    others = ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items()) if s not in ("200", "503 full", "503 timeout")) or "none"
    lags = run.lags_ms
    return "\n".join([
        f"# Load test ({date.today().isoformat()})\n",
        f"```sh\npython -m benchmarks.load {' '.join(sys.argv[1:])}\n```\n",
        f"Machine: {machine()}. Load averages (1/5/15 min) after the run: {load_averages()}.\n",
        f"Store: {store} ({build}).\n",
        f"Server: `{' '.join(Path(a).name if a == sys.executable else a for a in server)}`.\n",
        (f"{options.clients} clients ({options.expensive_clients} sending only the expensive query) for {run.seconds:g} s, then "
        f"{sum(1 for o in run.outcomes if o.start + o.ms / 1000 > run.seconds):,} requests still in flight waited for ({run.drain_s:,.1f} s); "
        f"Retry-After {'honoured' if not options.ignore_retry_after else 'ignored'}.\n"),
        results_table(run),
        "",
        f"- Statuses other than 200, 503 full and 503 timeout: {others}.",
        (f"- Small queries answered wholly while an expensive query ran: {len(overlapping):,}, p50 / p95 / p99 {latency_text(overlapping)} ms; "
        f"fewest small answers in one second of the run: {quietest}; longest gap between two: {gap * 1000:,.0f} ms."),
        "- Cold requests before the run (not counted above): " + ", ".join(f"{name} {ms:,.0f} ms" for name, ms in cold.items()) + ".",
        (f"- Peak memory of the server's process tree (up to {sampler.peak_processes} processes, {sampler.samples} samples every "
        f"{sampler.interval:g} s): RSS summed {sampler.peak_rss_kb / 1024:,.0f} MB, PSS summed {sampler.peak_pss_kb / 1024:,.0f} MB."),
        (f"- CPU during the run and the drain: the machine {100 * run.machine_busy_s / run.machine_total_s:,.0f}% busy over its {os.cpu_count()} cores; "
        f"the server tree {run.server_cpu_s:,.1f} s ({100 * run.server_cpu_s / (run.seconds + run.drain_s):,.0f}% of one core; killed workers up to their last sample), "
        f"this client {run.client_cpu_s:,.1f} s ({100 * run.client_cpu_s / (run.seconds + run.drain_s):,.0f}% of one core); "
        f"client event-loop lag p50 / p99 / max {statistics.median(lags):,.1f} / {percentile(lags, 0.99):,.1f} / {max(lags):,.1f} ms."),
        f"- Server stderr: {tracebacks} traceback(s) (benchmarks/out/load/server-stderr.log).",
        "",
    ])


def cold_requests(client: httpx.Client, root: str, found: Targets) -> dict[str, float]:
    """The first request of each catalogue page and of the home page computes what they list (the datasets, the
    dumps each catalogue page links with their checksums); timed once here, before the run."""
    cold = {"`/`": timed(lambda: client.get(f"{root}/").raise_for_status()) * 1000}
    for page in range(1, found.catalog_pages + 1):
        cold[f"`/catalog?page={page}`"] = timed(lambda page=page: client.get(f"{root}/catalog", params={"page": page}).raise_for_status()) * 1000
    return cold


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--expensive-clients", type=int, default=2, help="clients sending only queries that run into the timeout")
    parser.add_argument("--store", type=Path, help="serve this store instead of building one")
    parser.add_argument("--documents", type=int, default=450, help="generated documents in the store built (besides the bundled ones)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--query-timeout", type=float, default=5)
    parser.add_argument("--query-workers", type=int, default=4)
    parser.add_argument("--max-queries", type=int, default=16)
    parser.add_argument("--max-queries-per-client", type=int, help="default: --clients (all load comes from 127.0.0.1)")
    parser.add_argument("--ignore-retry-after", action="store_true", help="send the next request at once after a 503 with Retry-After")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # through the finally clauses: the server is stopped
    OUT.mkdir(parents=True, exist_ok=True)
    if options.store:
        folder, build = options.store, "given"
    else:
        folder, seconds = built_store(options.documents, options.seed)
        build = f"bundled documents + {options.documents} generated, seed {options.seed}; " + (f"built in {seconds:,.0f} s" if seconds else "from the cache")
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    per_client = options.max_queries_per_client or options.clients
    command = budgetgraph_serve(folder, port, options.query_timeout) + [
        "--query-workers", str(options.query_workers), "--max-queries", str(options.max_queries), "--max-queries-per-client", str(per_client),
    ]
    stderr = OUT / "server-stderr.log"
    with server_group(command, f"{root}/sparql", stderr) as server, httpx.Client(timeout=300) as client:
        quads = sparql_values(client, root, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "n")[0]
        found = targets(client, root)
        cold = cold_requests(client, root, found)
        store = f"`{folder}`, {int(quads):,} quads, {len(found.datasets):,} datasets, {found.catalog_pages} catalogue pages, {len(found.resources):,} resources sampled"
        with Sampler(server.pid).running() as sampler:
            time.sleep(1)  # a first sample of every process's CPU before the clock starts
            run = asyncio.run(drive(root, found, options.clients, options.expensive_clients, options.seconds, options.seed, not options.ignore_retry_after, sampler))
        pids = descendants(server.pid)
    assert not still_running(pids), f"processes of the server still running: {sorted(still_running(pids))}"
    tracebacks = stderr.read_text(encoding="utf-8", errors="replace").count("Traceback")
    text = report(run, sampler, options, store, command, build, cold, tracebacks)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
