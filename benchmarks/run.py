"""budgetgraph's speed, every figure measured in one run so that the ratios compare like with like.

    python -m benchmarks.run                 # from the repository root; 3–6 minutes on 2 cores
    python -m benchmarks.run --batch 1000    # the bigger batch; --pyshacl-full adds the reference's SHACL-SPARQL

Prints a Markdown table and writes it, with the machine and the command, to benchmarks/results.md.
Times are medians (latencies: p50 and p95) of repeated runs on warm caches; documents are from
benchmarks/generate.py, written to a temporary folder before any clock starts.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

import httpx
import pyoxigraph
from rdflib import URIRef

from benchmarks.common import BASE, JSON, SEED, Row, budgetgraph_serve, free_port, machine, median_ms, peak_of, peak_rss_mb, percentile, samples_ms, serving, table, timed
from benchmarks.generate import documents, graphs_of, write_documents, write_quads
from budgetgraph import pipeline
from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.pipeline import prepare
from budgetgraph.resources import resource as packaged
from budgetgraph.store import EmbeddedStore
from budgetgraph.store.base import DIGESTS
from budgetgraph.validation import validate
from budgetgraph.validation.shacl import validate_with_pyshacl

RESULTS = Path(__file__).resolve().parent / "results.md"
QUERY = packaged("queries", "general-budget-by-class.rq").read_text(encoding="utf-8")


def stored_quads(store: EmbeddedStore) -> int:
    """Quads of the data, without the digests the store keeps of its shared graphs."""
    solutions = store.engine.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{DIGESTS}> {{ ?s ?p ?o }} }}")
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    digests = next(iter(solutions))["n"]
    assert isinstance(digests, pyoxigraph.Literal)
    return len(store) - int(digests.value)


# ---- 1. one seed-sized document, stage by stage ----------------------------------------------------------

def seed_stages(runs: int, reference_runs: int, pyshacl_full: bool, scratch: Path) -> list[Row]:
    document = read_document(SEED)
    mapped = map_document(document, BASE)
    validate(mapped)  # warm the caches: compiled shapes, code lists, ontology

    def mapping() -> None:
        map_document(document, BASE).ntriples()  # serialised once, shared by validation and loading

    prepared = prepare(SEED, BASE)
    own = prepared.writes(None).own_quads
    store = EmbeddedStore(scratch / "seed-store")
    name = f"seed ({len(mapped.triples):,} triples in its graph)"
    read = median_ms(lambda: read_document(SEED), runs)
    mapped_ms = median_ms(mapping, runs)
    validated = median_ms(lambda: validate(mapped), runs)
    reference = median_ms(lambda: validate_with_pyshacl(mapped, sparql=False), reference_runs)
    load = median_ms(lambda: pipeline.load(prepared, store), runs)
    whole = median_ms(lambda: pipeline.ingest(SEED, store, BASE), runs)
    rows = [
        Row(name, f"read: text → records (median of {runs})", f"{read:,.1f} ms"),
        Row(name, "map: records → RDF, serialised to N-Triples", f"{mapped_ms:,.1f} ms"),
        Row(name, "validate: `validate` (core compiled to SPARQL + SHACL-SPARQL, in pyoxigraph)", f"{validated:,.1f} ms"),
        Row(name, f"validate: `validate_with_pyshacl(sparql=False)`, core shapes only (median of {reference_runs})", f"{reference:,.1f} ms"),
    ]
    if pyshacl_full:
        full = timed(lambda: validate_with_pyshacl(mapped)) * 1000
        rows.append(Row(name, "validate: `validate_with_pyshacl`, every shape (the reference; 1 run)", f"{full:,.0f} ms"))
        rows.append(Row("ratios", "pySHACL every shape / `validate`", f"{full / validated:,.0f}×"))
    rows += [
        Row(name, f"load: `pipeline.load` again into an on-disk store ({own:,} triples of document and report; shared graphs unchanged)", f"{load:,.1f} ms"),
        Row(name, "whole `pipeline.ingest` into the on-disk store", f"{whole:,.1f} ms"),
        Row(name, "documents per second, one core", f"{1000 / whole:,.1f}"),
        Row("ratios", "pySHACL core only / `validate` with every shape", f"{reference / validated:,.1f}×"),
        Row("ratios", "share of `pipeline.ingest`: read / map / validate / load", " / ".join(f"{100 * part / whole:.0f}%" for part in (read, mapped_ms, validated, load))),
    ]
    return rows


# ---- 2. a batch of generated documents, one process and several ----------------------------------------

def batch_single(paths: list[Path], folder: Path) -> tuple[float, int, int]:
    """Seconds, findings and quads for ``pipeline.ingest`` of every path in order."""
    store = EmbeddedStore(folder)
    findings = 0
    start = time.perf_counter()
    for path in paths:
        findings += len(pipeline.ingest(path, store, BASE).report.findings)
    store.flush()
    return time.perf_counter() - start, findings, stored_quads(store)


def batch_parallel(paths: list[Path], folder: Path, workers: int) -> tuple[float, int, int]:
    """``pipeline.ingest_many``: worker processes read, map and validate; this process loads, each document in
    its own transaction (an on-disk pyoxigraph store has one writer)."""
    store = EmbeddedStore(folder)
    findings = 0
    start = time.perf_counter()
    for path, outcome in pipeline.ingest_many(paths, store, BASE, workers):
        if isinstance(outcome, BudgetgraphError):
            raise RuntimeError(f"{path}: {outcome}")
        findings += len(outcome.report.findings)
    store.flush()
    return time.perf_counter() - start, findings, stored_quads(store)


def batches(paths: list[Path], workers: int, scratch: Path) -> list[Row]:
    name = f"batch of {len(paths):,} generated documents"
    single, findings, quads = batch_single(paths, scratch / "batch-single")
    rows = [Row(name, "`pipeline.ingest`, one process: documents per second", f"{len(paths) / single:,.1f} ({single:,.1f} s)")]
    speedups = []
    for count in sorted({1, workers}):
        parallel, found, parallel_quads = batch_parallel(paths, scratch / f"batch-{count}-workers", count)
        assert parallel_quads == quads, f"the parallel load holds {parallel_quads} quads, the serial one {quads}"
        findings += found
        workers_text = f"`ingest_many`, {count} worker process{'es' if count > 1 else ''} read+map+validate, the main process loads"
        rows.append(Row(name, f"{workers_text}: documents per second", f"{len(paths) / parallel:,.1f} ({parallel:,.1f} s)"))
        speedups.append(Row("ratios", f"speed-up of the batch with {count} worker{'s' if count > 1 else ''} and the loading main process", f"{single / parallel:,.2f}×"))
    rows += [
        Row(name, "findings (warnings and notes) in all its validation reports, every way: 0 expected", f"{findings}"),
        Row(name, "quads in the store afterwards", f"{quads:,}"),
    ]
    return rows + speedups


# ---- 3. loading: budgetgraph's per-document transactions against pyoxigraph's bulk loader ---------------

def prepare_store_data(target_quads: int, seed: int, scratch: Path) -> tuple[list[tuple[str, dict[str, bytes]]], Path, int]:
    """Documents mapped by budgetgraph until the N-Quads file holds ``target_quads``; the per-document graphs
    too, for loading them the way ``pipeline.ingest`` does."""
    nquads = scratch / "store.nq"
    path = scratch / "store-document.txt"
    written: set[str] = set()
    per_document: list[tuple[str, dict[str, bytes]]] = []
    quads = 0
    with nquads.open("wb") as out:
        for _, text in documents(seed):
            path.write_text(text, encoding="utf-8")
            own, graphs = graphs_of(path, BASE)
            per_document.append((own, graphs))
            quads += write_quads(out, graphs, written)
            if quads >= target_quads:
                return per_document, nquads, quads
    raise AssertionError("unreachable: documents() is endless")


def loading(per_document: list[tuple[str, dict[str, bytes]]], nquads: Path, quads: int, scratch: Path) -> tuple[list[Row], Path]:
    atomic_store = EmbeddedStore(scratch / "load-atomic")
    start = time.perf_counter()
    for own, graphs in per_document:
        atomic_store.replace_graphs({URIRef(name): data for name, data in graphs.items()}, shared={URIRef(name) for name in graphs if name != own})
    atomic_store.flush()
    atomic_s = time.perf_counter() - start
    bulk_folder = scratch / "load-bulk"
    bulk_store = pyoxigraph.Store(str(bulk_folder))
    start = time.perf_counter()
    bulk_store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    bulk_store.flush()
    bulk_s = time.perf_counter() - start
    stored = len(bulk_store)
    assert stored_quads(atomic_store) == stored == quads, f"atomic {stored_quads(atomic_store)}, bulk {stored}, file {quads} quads"
    name = f"store of {stored:,} quads ({len(per_document):,} documents)"
    rows = [
        Row(name, "per-document `replace_graphs` as `pipeline.load` calls it (one transaction each): quads per second", f"{stored / atomic_s:,.0f} ({atomic_s:,.1f} s)"),
        Row(name, "pyoxigraph `bulk_load` of the same N-Quads: quads per second", f"{stored / bulk_s:,.0f} ({bulk_s:,.1f} s)"),
        Row("ratios", "`bulk_load` rate / budgetgraph's per-document load rate", f"{atomic_s / bulk_s:,.1f}×"),
    ]
    del atomic_store, bulk_store
    gc.collect()  # close both stores: the service opens the bulk-loaded one next
    return rows, bulk_folder


# ---- 4. query latency: pyoxigraph directly and budgetgraph's HTTP endpoint ------------------------------

def direct_latencies(folder: Path, runs: int) -> tuple[list[float], bytes]:
    store = EmbeddedStore(folder)
    answer = partial(json_answer, store)
    body = answer()
    answer()
    latencies = samples_ms(answer, runs)
    del store, answer
    gc.collect()  # close the store: the service opens it next
    return latencies, body


def json_answer(store: EmbeddedStore) -> bytes:
    solutions = store.query(QUERY)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    body = solutions.serialize(format=pyoxigraph.QueryResultsFormat.JSON)  # bytes when no output is given
    assert body is not None
    return body


def http_latencies(folder: Path, runs: int) -> tuple[list[float], bytes, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    with serving(budgetgraph_serve(folder, port), url) as server, httpx.Client(timeout=120) as client:

        def answer() -> bytes:
            response = client.get(url, params={"query": QUERY}, headers={"Accept": JSON})
            response.raise_for_status()
            return response.content

        body = answer()
        answer()
        return samples_ms(answer, runs), body, peak_of(server.pid)


def latencies(folder: Path, quads: int, runs: int) -> list[Row]:
    direct, direct_body = direct_latencies(folder, runs)
    http, http_body, server_peak = http_latencies(folder, runs)
    results = direct_body.count(b'"department"')
    assert results == http_body.count(b'"department"'), "the endpoint answered differently from the store"
    name = f"`general-budget-by-class.rq` on {quads:,} quads ({results:,} results, JSON, {runs} runs)"
    return [
        Row(name, "pyoxigraph directly (`EmbeddedStore.query` + serialise): p50 / p95", f"{statistics.median(direct):,.1f} / {percentile(direct, 0.95):,.1f} ms"),
        Row(name, "budgetgraph `serve` over HTTP on 127.0.0.1 (httpx): p50 / p95", f"{statistics.median(http):,.1f} / {percentile(http, 0.95):,.1f} ms"),
        Row("memory", f"peak RSS of `budgetgraph serve` with the {quads:,}-quad store, after the queries", f"{server_peak:,.0f} MB"),
        Row("ratios", "HTTP endpoint / pyoxigraph directly, p50", f"{statistics.median(http) / statistics.median(direct):,.2f}×"),
    ]


# ---- the report ----------------------------------------------------------------------------------------

def report(rows: list[Row], command: str, elapsed: float, load_before: float) -> str:
    """The load averages say whether something else ran on the machine meanwhile (2 cores: 2.0 is both busy)."""
    return (
        f"# Benchmark results\n\n```sh\n{command}\n```\n\n"
        f"Run on {date.today().isoformat()} in {elapsed / 60:.1f} minutes. Machine: {machine()}. "
        f"1-minute load average before the run: {load_before:.2f}; 5-minute load average after it: {os.getloadavg()[1]:.2f}.\n\n{table(rows)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="repetitions of each seed stage")
    parser.add_argument("--reference-runs", type=int, default=3, help="repetitions of pySHACL")
    parser.add_argument("--pyshacl-full", action="store_true", help="also run pySHACL with every shape once (minutes)")
    parser.add_argument("--batch", type=int, default=200, help="generated documents ingested in the batch")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quads", type=int, default=1_000_000, help="size of the store the load and query benchmarks use")
    parser.add_argument("--queries", type=int, default=30, help="repetitions of the query, each way")
    parser.add_argument("--seed", type=int, default=2021, help="generator seed")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="budgetgraph-bench-") as folder:
        scratch = Path(folder)
        rows += seed_stages(args.runs, args.reference_runs, args.pyshacl_full, scratch)
        paths = write_documents(scratch / "batch-documents", args.batch, args.seed)
        rows += batches(paths, args.workers, scratch)
        rows.append(Row("memory", "peak RSS of this process after the seed and batch benchmarks", f"{peak_rss_mb():,.0f} MB"))
        per_document, nquads, quads = prepare_store_data(args.quads, args.seed, scratch)
        load_rows, store = loading(per_document, nquads, quads, scratch)
        del per_document
        rows += load_rows
        rows.append(Row("memory", "peak RSS of this process after mapping and loading the store both ways", f"{peak_rss_mb():,.0f} MB"))
        rows += latencies(store, quads, args.queries)
    ordered = [r for r in rows if r.benchmark != "ratios"] + [r for r in rows if r.benchmark == "ratios"]
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:])
    text = report(ordered, command.strip(), time.perf_counter() - started, load_before)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
