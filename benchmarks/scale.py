"""budgetgraph at national scale, against the engines underneath (issue 9).

    python -m benchmarks                                     # 1M and 10M quads; writes benchmarks/results-scale.md
    python -m benchmarks.scale --quads 1000000 --runs 5      # one size

Per size: the generated corpus (benchmarks/generate.py, cached as N-Quads in benchmarks/out/scale/, keyed by
seed and size; the first run generates it) is loaded by pyoxigraph's bulk loader and optimised, in batches as
``budgetgraph ingest --bulk`` writes them, and document by document as ``pipeline.load`` does (sizes up to
--per-document-load); every library query is then timed directly
on pyoxigraph, through ``budgetgraph serve`` over HTTP, through ``budgetgraph query`` and (sizes up to --rdflib)
on rdflib's in-memory engine; then a small query under concurrent load against ``budgetgraph serve`` and
``oxigraph serve-read-only`` on the same store. Heavy stages run in fresh processes so that their peak RSS is
their own. Medians and nearest-rank percentiles; ratios within one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph
import rdflib
from rdflib import URIRef

from benchmarks.common import BASE, JSON, Row, budgetgraph_serve, free_port, load_averages, machine, peak_of, percentile, serving, table, timed
from benchmarks.generate import write_documents, write_nquads
from benchmarks.run import batch_parallel, stored_quads
from budgetgraph import library, pipeline
from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.store import DocumentGraphs, EmbeddedStore
from budgetgraph.validation import validate

HERE = Path(__file__).resolve().parent
CACHE = HERE / "out" / "scale"
RESULTS = HERE / "results-scale.md"
SPAWN = multiprocessing.get_context("spawn")
BG = "https://w3id.org/budgetgraph/def#"
SMALL_QUERY = f"SELECT ?dataset ?year WHERE {{ ?dataset a <{BG}BudgetDataset> ; <{BG}fiscalYear> ?year }} LIMIT 10"
WARM_UP_KEPT_MS = 1000  # a first run slower than this is kept as a sample: caches matter little to it


class TimedOut(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    seed: int
    runs: int
    budget_s: float
    timeout_s: float
    concurrency: int
    load_s: float
    workers: int
    rdflib_timeout_s: float


@dataclass(frozen=True)
class Corpus:
    nquads: Path
    index: Path
    quads: int
    documents: int


@dataclass(frozen=True)
class Timing:
    """The samples of one query one way, in ms; ``None`` when its first run exceeded the timeout."""
    samples: list[float] | None
    rows: int | None

    def text(self, timeout_s: float) -> str:
        if self.samples is None:
            return f">{timeout_s:g} s"
        return f"{statistics.median(self.samples):,.0f} / {percentile(self.samples, 0.95):,.0f} ({len(self.samples)})"


# ---- the corpus: generated once, cached ------------------------------------------------------------------

def corpus(quads: int, seed: int, workers: int) -> tuple[Corpus, float | None]:
    """The N-Quads of documents 0, 1, … until ``quads``, and their index (generate.write_nquads); the seconds
    generating took, or None when the cache had them."""
    CACHE.mkdir(parents=True, exist_ok=True)
    nquads, index = CACHE / f"seed-{seed}-{quads}.nq", CACHE / f"seed-{seed}-{quads}.index.tsv"
    seconds = None
    if not (nquads.exists() and index.exists()):
        partial_nquads, partial_index = nquads.with_suffix(".nq.partial"), index.with_suffix(".tsv.partial")
        seconds = timed(lambda: write_nquads(partial_nquads, count=None, quads=quads, seed=seed, base=BASE, workers=workers, index=partial_index))
        partial_index.rename(index)
        partial_nquads.rename(nquads)
    with nquads.open("rb") as data:
        lines = sum(block.count(b"\n") for block in iter(lambda: data.read(1 << 24), b""))
    documents = sum(1 for _ in index.open(encoding="utf-8"))
    return Corpus(nquads, index, lines, documents), seconds


def in_child(function: Callable[..., Any], *args: object) -> Any:
    """``function(*args)`` in a fresh (spawned) process: its memory is its own, and freed afterwards."""
    with ProcessPoolExecutor(1, mp_context=SPAWN) as pool:
        return pool.submit(function, *args).result()


# ---- ingest and validation of whole documents ------------------------------------------------------------

def ingest_documents(count: int, seed: int, workers: int, folder: Path) -> dict[str, Any]:
    """In a child: ``pipeline.ingest_many`` (what ``budgetgraph ingest`` runs) of ``count`` generated
    documents into a fresh store; then ``validate`` of each mapped document alone."""
    paths = write_documents(folder / "documents", count, seed)
    seconds, findings, _ = batch_parallel(paths, folder / "ingest-store", workers)
    validations = []
    for path in paths:
        mapped = map_document(read_document(path), BASE)
        validations.append(timed(lambda: validate(mapped)) * 1000)
    return {"seconds": seconds, "findings": findings, "validation_ms": validations[1:], "peak_mb": peak_of("self")}


def ingest_rows(count: int, settings: Settings, scratch: Path) -> list[Row]:
    found = in_child(ingest_documents, count, settings.seed, settings.workers, scratch / "ingest")
    name = f"ingest of {count} generated documents"
    validation = found["validation_ms"]
    return [
        Row(name, f"`pipeline.ingest_many` ({settings.workers} workers read+map+validate, the main process loads): documents per second",
            f"{count / found['seconds']:,.1f} ({found['seconds']:,.1f} s)"),
        Row(name, "findings in the validation reports (0 expected)", f"{found['findings']}"),
        Row(name, f"`validate` of one mapped document, p50 / p95 of {len(validation)}", f"{statistics.median(validation):,.1f} / {percentile(validation, 0.95):,.1f} ms"),
        Row("memory", f"peak RSS of the ingesting process ({count} documents)", f"{found['peak_mb']:,.0f} MB"),
    ]


# ---- loading ---------------------------------------------------------------------------------------------

def bulk_load(nquads: Path, folder: Path) -> dict[str, float]:
    """In a child: pyoxigraph's bulk loader, then ``optimize`` (compacts what the loader wrote)."""
    store = pyoxigraph.Store(str(folder))

    def load() -> None:
        store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()

    return {"load_s": timed(load), "optimize_s": timed(store.optimize), "quads": len(store), "peak_mb": peak_of("self")}


def graphs_of_chunk(chunk: bytes) -> dict[URIRef, bytes]:
    """N-Quads lines ("<s> <p> <o> <g> .") back to N-Triples by graph."""
    graphs: dict[URIRef, list[bytes]] = {}
    for line in chunk.splitlines():
        triple, _, graph = line.rstrip()[:-2].rpartition(b" <")
        graphs.setdefault(URIRef(graph[:-1].decode()), []).append(triple + b" .\n")
    return {name: b"".join(lines) for name, lines in graphs.items()}


def documents_of(corpus: Corpus) -> Iterator[DocumentGraphs]:
    """Each document of the corpus as ``pipeline.load`` writes it: its graph, and as shared graphs the others
    it was the first to name."""
    with corpus.nquads.open("rb") as data, corpus.index.open(encoding="utf-8") as index:
        for line in index:
            start, end, own = line.rstrip("\n").split("\t")
            data.seek(int(start))
            graphs = graphs_of_chunk(data.read(int(end) - int(start)))
            yield DocumentGraphs(own, graphs, set(graphs) - {URIRef(own)})


def per_document_load(corpus: Corpus, folder: Path) -> dict[str, float]:
    """In a child: each document replaced in one transaction (``replace_graphs``, as ``pipeline.load`` calls
    it); only those calls and the final flush are timed, not reading the N-Quads."""
    store = EmbeddedStore(folder)
    seconds = sum(timed(lambda: store.replace_graphs(document.graphs, shared=document.shared)) for document in documents_of(corpus))
    seconds += timed(store.flush)
    return {"seconds": seconds, "quads": stored_quads(store), "peak_mb": peak_of("self")}


def bulk_mode_load(corpus: Corpus, folder: Path) -> dict[str, float]:
    """In a child: the documents in the batches ``budgetgraph ingest --bulk`` makes (``pipeline.bulk_batches``),
    each written by ``EmbeddedStore.bulk_write``, then ``flush`` and ``optimize``; only those calls are timed."""
    store = EmbeddedStore(folder)
    batches = pipeline.bulk_batches(documents_of(corpus), lambda document: document.own_quads)
    seconds = sum(timed(lambda: store.bulk_write(batch)) for batch in batches)
    seconds += timed(store.flush) + timed(store.optimize)
    return {"seconds": seconds, "quads": stored_quads(store), "peak_mb": peak_of("self")}


def loading_rows(corpus: Corpus, bulk: dict[str, float], bulk_mode: dict[str, float], documentwise: dict[str, float] | None) -> list[Row]:
    """The bulk loader's figures; ``ingest --bulk``'s, on which the target is judged; the default,
    transactional load's when it was measured."""
    name = f"{corpus.quads:,} quads ({corpus.documents:,} documents)"
    bulk_s = bulk["load_s"] + bulk["optimize_s"]
    rows = [
        Row(name, "pyoxigraph `bulk_load` + `flush`, then `optimize`: quads per second (load + optimize)",
            f"{bulk['quads'] / bulk_s:,.0f} ({bulk['load_s']:,.1f} + {bulk['optimize_s']:,.1f} s)"),
        Row("memory", f"peak RSS of the bulk load, {name}", f"{bulk['peak_mb']:,.0f} MB"),
        *budgetgraph_load_rows(name, "bulk mode (`ingest --bulk`): `bulk_write` of batches of ~"
                               f"{pipeline.BULK_QUADS:,} quads + `flush` + `optimize`", "bulk-mode load", bulk_mode, bulk),
    ]
    if documentwise is not None:
        rows += budgetgraph_load_rows(name, "default, transactional path: document by document, `replace_graphs` (one transaction each) + `flush`",
                                      "document-by-document load", documentwise, bulk)
    return rows


def budgetgraph_load_rows(name: str, way: str, short: str, found: dict[str, float], bulk: dict[str, float]) -> list[Row]:
    assert found["quads"] == bulk["quads"], f"{short} {found['quads']:,} quads, bulk loader {bulk['quads']:,}"
    ratio = found["seconds"] / (bulk["load_s"] + bulk["optimize_s"])
    return [
        Row(name, f"{way}: quads per second", f"{found['quads'] / found['seconds']:,.0f} ({found['seconds']:,.1f} s)"),
        Row("memory", f"peak RSS of the {short}, {name}", f"{found['peak_mb']:,.0f} MB"),
        Row("target", f"load within 1.5× of the bulk loader, {short}, {name}", f"{ratio:,.2f}× — {'met' if ratio <= 1.5 else 'MISSED'}"),
    ]


# ---- one query, three ways: directly, over HTTP, through the CLI ---------------------------------------

def sampled(run: Callable[[], tuple[float, int]], settings: Settings) -> Timing:
    """Up to ``runs`` timings after a warm-up (kept when slow), fewer once they add up to the budget."""
    try:
        first, rows = run()
    except TimedOut:
        return Timing(None, None)
    samples = [first] if first > WARM_UP_KEPT_MS else []
    while len(samples) < settings.runs and sum(samples) < settings.budget_s * 1000:
        samples.append(run()[0])
    return Timing(samples, rows)


def result_rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def answer_directly(folder: Path, connection: Connection) -> None:
    """In a child: each query name received is run on the store and serialised to SPARQL JSON, as the
    endpoint does; sends back the ms and the rows. The store is opened as ``serve`` opens it (read-write)."""
    store = EmbeddedStore(folder)
    while (name := connection.recv()) is not None:
        query = library.get(name)
        start = time.perf_counter()
        solutions = store.query(query.sparql, query.bindings())
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        body = solutions.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        milliseconds = (time.perf_counter() - start) * 1000
        assert body is not None
        connection.send((milliseconds, result_rows(body)))


class DirectRunner:
    """A child process answering queries on the store; restarted when a query exceeds the timeout."""

    def __init__(self, folder: Path, timeout_s: float) -> None:
        self.folder, self.timeout_s = folder, timeout_s
        self.start()

    def start(self) -> None:
        self.connection, child = SPAWN.Pipe()
        self.process = SPAWN.Process(target=answer_directly, args=(self.folder, child))
        self.process.start()

    def run(self, name: str) -> tuple[float, int]:
        self.connection.send(name)
        if not self.connection.poll(self.timeout_s):
            self.stop(kill=True)
            self.start()
            raise TimedOut(name)
        return self.connection.recv()

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            self.connection.send(None)
        self.process.join()


def oxigraph_serve(folder: Path, port: int) -> list[str]:
    program = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert program, "the oxigraph server is not installed: pip install oxigraph"
    return [program, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]


def http_request(name: str) -> tuple[str, dict[str, str]]:
    """The SPARQL protocol's /sparql for a query without parameters; the library's /queries/NAME (the same
    evaluation and serialisation, ``sparql.evaluated``) for one whose defaults bind variables, which /sparql
    cannot express."""
    query = library.get(name)
    return ("/sparql", {"query": query.sparql}) if not query.bindings() else (f"/queries/{name}", {})


def over_http(client: httpx.Client, root: str, name: str) -> tuple[float, int]:
    path, params = http_request(name)
    start = time.perf_counter()
    try:
        response = client.get(root + path, params=params, headers={"Accept": JSON})
    except httpx.TimeoutException:
        raise TimedOut(name) from None
    milliseconds = (time.perf_counter() - start) * 1000
    if response.status_code == 503:
        raise TimedOut(name)
    response.raise_for_status()
    return milliseconds, result_rows(response.content)


def through_cli(folder: Path, name: str, timeout_s: float) -> tuple[float, int]:
    command = [sys.executable, "-m", "budgetgraph.cli", "query", name, "--store", str(folder), "--format", "json"]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, check=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise TimedOut(name) from None
    return (time.perf_counter() - start) * 1000, result_rows(done.stdout)


# ---- throughput under concurrent load --------------------------------------------------------------------

def hammer(port: int, path: str, concurrency: int, seconds: float) -> tuple[float, list[float]]:
    """``concurrency`` threads, each with one keep-alive connection, sending GET ``path`` until the time is up;
    requests per second and every latency in ms."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    failures: list[int] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (start := time.perf_counter()) < deadline:
            connection.request("GET", path, headers={"Accept": JSON})
            response = connection.getresponse()
            response.read()
            latencies.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"{len(failures)} failed requests: {sorted(set(failures))}"
    return len(latencies) / (time.perf_counter() - started), latencies


def throughput(port: int, path: str, settings: Settings) -> tuple[float, list[float]]:
    hammer(port, path, settings.concurrency, 1)  # warm-up
    return hammer(port, path, settings.concurrency, settings.load_s)


def throughput_text(rate: float, latencies: list[float]) -> str:
    return f"{rate:,.0f} req/s; p50 / p95 {statistics.median(latencies):,.1f} / {percentile(latencies, 0.95):,.1f} ms"


# ---- rdflib, the naive baseline --------------------------------------------------------------------------

def rdflib_term(term: pyoxigraph.NamedNode | pyoxigraph.Literal) -> rdflib.term.Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    plain = term.datatype.value == "http://www.w3.org/2001/XMLSchema#string"
    return rdflib.Literal(term.value, datatype=None if plain else URIRef(term.datatype.value))


def alarm(signum: int, frame: object) -> None:
    raise TimedOut()


def rdflib_queries(nquads: Path, names: list[str], timeout_s: float) -> dict[str, Any]:
    """In a child: the N-Quads parsed into an rdflib ``Dataset`` (its default graph the union), then each
    query once, stopped by SIGALRM after ``timeout_s`` (rdflib evaluates in Python, so the signal lands)."""
    dataset = rdflib.Dataset(default_union=True)
    parse_s = timed(lambda: dataset.parse(str(nquads), format="nquads"))
    signal.signal(signal.SIGALRM, alarm)
    latencies: dict[str, float | None] = {}
    for name in names:
        query = library.get(name)
        bindings = {variable: rdflib_term(term) for variable, term in query.bindings().items()}
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            latencies[name] = timed(lambda: list(dataset.query(query.sparql, initBindings=bindings))) * 1000
        except TimedOut:
            latencies[name] = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return {"parse_s": parse_s, "peak_mb": peak_of("self"), "latencies": latencies}


# ---- one size --------------------------------------------------------------------------------------------

def query_timings(folder: Path, names: list[str], settings: Settings) -> tuple[dict[str, dict[str, Timing]], list[Row]]:
    """Every query directly, then over HTTP, then through the CLI (a query that exceeded the timeout directly
    is not sent the other ways); the throughput rows and the servers' memory with them."""
    timings: dict[str, dict[str, Timing]] = {name: {} for name in names}
    direct = DirectRunner(folder, settings.timeout_s)
    for name in names:
        timings[name]["direct"] = sampled(lambda: direct.run(name), settings)
    direct.stop()
    feasible = [name for name in names if timings[name]["direct"].samples is not None]
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    rows: list[Row] = []
    with serving(budgetgraph_serve(folder, port, settings.timeout_s), f"{root}/sparql") as server:
        with httpx.Client(timeout=settings.timeout_s + 5) as client:
            for name in feasible:
                timings[name]["http"] = sampled(lambda: over_http(client, root, name), settings)
        served = throughput(port, "/sparql?" + urlencode({"query": SMALL_QUERY}), settings)
        serve_peak = peak_of(server.pid)
    with serving(oxigraph_serve(folder, port), f"{root}/query?query=ASK%7B%7D") as server:
        oxigraph = throughput(port, "/query?" + urlencode({"query": SMALL_QUERY}), settings)
        oxigraph_peak = peak_of(server.pid)
    for name in feasible:
        timings[name]["cli"] = sampled(lambda: through_cli(folder, name, settings.timeout_s), settings)
    fixed = sampled(lambda: (timed(lambda: subprocess.run([sys.executable, "-m", "budgetgraph.cli", "query", "ASK {}", "--store", str(folder)],
                                                          capture_output=True, check=True)) * 1000, 1), settings)
    ratio = served[0] / oxigraph[0]
    small = f"small query ({settings.concurrency} concurrent keep-alive clients, {settings.load_s:g} s)"
    rows += [
        Row(small, "`budgetgraph serve` `/sparql`", throughput_text(*served)),
        Row(small, "`oxigraph serve-read-only --union-default-graph` `/query`, same store", throughput_text(*oxigraph)),
        Row("memory", "peak RSS of `budgetgraph serve` after every query and the load", f"{serve_peak:,.0f} MB"),
        Row("memory", "peak RSS of the Oxigraph server after the load", f"{oxigraph_peak:,.0f} MB"),
        Row("cli", f"`budgetgraph query 'ASK {{}}'`: the CLI's fixed cost, p50 of {len(fixed.samples or [])}", f"{statistics.median(fixed.samples or [0]):,.0f} ms"),
        Row("target", "small-query throughput ≥ 0.8× the Oxigraph server's", f"{ratio:,.2f}× — {'met' if ratio >= 0.8 else 'MISSED'}"),
    ]
    return timings, rows


def query_table(timings: dict[str, dict[str, Timing]], rdflib_ms: dict[str, float | None] | None, settings: Settings) -> str:
    heading = "| query | rows | pyoxigraph directly p50 / p95 ms (n) | `serve` over HTTP p50 / p95 ms (n) | HTTP / direct, p50 | `budgetgraph query` p50 / p95 ms (n) |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if rdflib_ms is not None:
        heading, rule = heading + " rdflib in memory, ms (1 run) |", rule + "---:|"
    lines = [heading, rule]
    for name, ways in timings.items():
        direct = ways["direct"]
        http = ways.get("http", Timing(None, None))
        cli = ways.get("cli", Timing(None, None))
        ratio = f"{statistics.median(http.samples) / statistics.median(direct.samples):,.2f}×" if http.samples and direct.samples else "—"
        rows = f"{direct.rows:,}" if direct.rows is not None else "—"
        if {http.rows, cli.rows} - {direct.rows, None}:
            rows += f" (HTTP {http.rows}, CLI {cli.rows}: differ!)"
        cells = [f"`{name}`", rows, direct.text(settings.timeout_s), http.text(settings.timeout_s), ratio, cli.text(settings.timeout_s)]
        if rdflib_ms is not None:
            found = rdflib_ms.get(name)
            cells.append(f"{found:,.0f}" if found is not None else f">{settings.rdflib_timeout_s:g} s")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def query_targets(timings: dict[str, dict[str, Timing]], quads: int) -> list[Row]:
    ratios = {name: statistics.median(w["http"].samples) / statistics.median(w["direct"].samples)  # type: ignore[arg-type]
              for name, w in timings.items() if w.get("http") and w["http"].samples and w["direct"].samples}
    worst = max(ratios, key=ratios.__getitem__)
    slow = [name for name, w in timings.items() if w["direct"].samples is None or percentile(w["direct"].samples, 0.95) >= 1000]
    over = [name for name, ratio in ratios.items() if ratio > 1.2]
    return [
        Row("target", f"`/sparql` within 1.2× of pyoxigraph directly on every library query, {quads:,} quads",
            f"worst {ratios[worst]:,.2f}× (`{worst}`); {len(over)} of {len(ratios)} over 1.2× — {'met' if not over else 'MISSED'}"),
        Row("target", f"every library query p95 under 1 s (pyoxigraph directly), {quads:,} quads",
            f"{len(slow)} of {len(timings)} at or over 1 s — {'met' if not slow else 'MISSED'}"),
    ]


def one_size(quads: int, settings: Settings, options: argparse.Namespace, scratch: Path) -> str:
    found, generated_s = corpus(quads, settings.seed, settings.workers)
    name = f"{found.quads:,} quads ({found.documents:,} documents)"
    rows = [Row(name, "corpus", f"generated in {generated_s:,.0f} s ({settings.workers} processes)" if generated_s else "from the cache")]
    store = scratch / f"bulk-{quads}"
    bulk = in_child(bulk_load, found.nquads, store)
    assert bulk["quads"] == found.quads, f"bulk-loaded {bulk['quads']:,} quads of {found.quads:,}"
    bulk_mode = in_child(bulk_mode_load, found, scratch / f"bulk-mode-{quads}")
    documentwise = in_child(per_document_load, found, scratch / f"documentwise-{quads}") if quads <= options.per_document_load else None
    for way in ("bulk-mode", "documentwise"):
        shutil.rmtree(scratch / f"{way}-{quads}", ignore_errors=True)
    rows += loading_rows(found, bulk, bulk_mode, documentwise)
    names = sorted(library.queries())
    timings, query_rows = query_timings(store, names, settings)
    rdflib_ms = None
    if quads <= options.rdflib:
        baseline = in_child(rdflib_queries, found.nquads, names, settings.rdflib_timeout_s)
        rdflib_ms = baseline["latencies"]
        rows.append(Row("rdflib", f"parse the {name} into an in-memory `Dataset`", f"{baseline['parse_s']:,.1f} s"))
        rows.append(Row("memory", f"peak RSS of rdflib holding the {name}", f"{baseline['peak_mb']:,.0f} MB"))
    shutil.rmtree(store, ignore_errors=True)
    rows += query_rows + query_targets(timings, found.quads)
    heading = f"### {name}\n\nLoad averages (1/5/15 min) after this size: {load_averages()}.\n\n"
    return heading + table(rows) + "\n\nEvery library query; p50 / p95 in ms, (n) the samples:\n\n" + query_table(timings, rdflib_ms, settings) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quads", type=int, action="append", help="corpus size (repeatable; default 1,000,000 and 10,000,000)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query each way (at most)")
    parser.add_argument("--budget", type=float, default=5, help="seconds of samples per query and way, after which sampling stops (at least one)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds a query may take before it is reported as over")
    parser.add_argument("--rdflib", type=int, default=1_000_000, help="largest size rdflib is measured at")
    parser.add_argument("--rdflib-timeout", type=float, default=3)
    parser.add_argument("--per-document-load", type=int, default=1_000_000, help="largest size loaded document by document too")
    parser.add_argument("--ingest", type=int, default=30, help="generated documents in the ingest benchmark")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    settings = Settings(options.seed, options.runs, options.budget, options.timeout, options.concurrency, options.load_seconds, options.workers, options.rdflib_timeout)
    sizes = options.quads or [1_000_000, 10_000_000]
    started = time.perf_counter()
    load_before = load_averages()
    sections = []
    with tempfile.TemporaryDirectory(prefix="budgetgraph-scale-") as folder:
        scratch = Path(folder)
        rows = ingest_rows(options.ingest, settings, scratch)
        sections.append("### Ingest and validation\n\n" + table(rows) + "\n")
        for quads in sizes:
            text = one_size(quads, settings, options, scratch)
            sections.append(text)
            print(text, flush=True)
    command = "python -m benchmarks" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    report = (
        f"# Scale benchmark results (issue 9)\n\n```sh\n{command}\n```\n\n"
        f"Run on {date.today().isoformat()} in {(time.perf_counter() - started) / 60:.1f} minutes. Machine: {machine()}. "
        f"Load averages (1/5/15 min) before the run: {load_before}; after it: {load_averages()}.\n\n" + "\n".join(sections)
    )
    options.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
