"""Small-query throughput of ``budgetgraph serve`` against ``oxigraph serve-read-only`` on the same store, in one run
(issue 19): the service's own overhead over the engine's.

Both servers run side by side on the same store for the whole run, and are loaded in turn, A/B/A/B, so that
whatever else the machine is doing weighs on both: 8 threads, each with one keep-alive connection
(``scale.hammer``), send the small query for a few seconds after a second of warm-up. Every client comes from
127.0.0.1, so ``serve`` is started with ``--max-queries-per-client`` at least the number of clients (its default,
2, would answer the others 503 and fail the run).

    python -m benchmarks.throughput                        # the bundled documents, ingested once into benchmarks/out/throughput/
    python -m benchmarks.throughput --store DIR --rounds 3 --seconds 10 --serve-option=--query-workers=2
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.common import ROOT, budgetgraph_serve, free_port, load_averages, machine, percentile, serving
from benchmarks.run import stored_quads
from benchmarks.scale import SMALL_QUERY, Settings, oxigraph_serve, throughput
from budgetgraph.store import EmbeddedStore

HERE = Path(__file__).resolve().parent
BUNDLED = [ROOT / "data" / "documents", ROOT / "data" / "real", ROOT / "data" / "synthetic"]
DEFAULT_STORE = HERE / "out" / "throughput" / "store"


def bundled_store(folder: Path) -> Path:
    """The bundled documents ingested into ``folder``, once."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "budgetgraph.cli", "ingest", *map(str, BUNDLED), "--store", str(folder)], check=True, stdout=subprocess.DEVNULL)
    return folder


def quads_in(folder: Path) -> int:
    store = EmbeddedStore(folder, read_only=True)
    try:
        return stored_quads(store)
    finally:
        del store


def summary(rate: float, latencies: list[float]) -> str:
    return f"{rate:,.0f} req/s; p50 / p99 {statistics.median(latencies):,.2f} / {percentile(latencies, 0.99):,.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help=f"an existing store directory (default: the bundled documents, ingested into {DEFAULT_STORE.relative_to(ROOT)})")
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds: each server loaded this many times, in turn (default: 3)")
    parser.add_argument("--seconds", type=float, default=10, help="load per round and server, after 1 s of warm-up (default: 10)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, one keep-alive connection each (default: 8)")
    parser.add_argument("--serve-option", action="append", default=[], metavar="OPTION", help="another option for budgetgraph serve, e.g. --serve-option=--answer-cache-mb=0 (repeatable)")
    args = parser.parse_args(argv)
    folder = args.store or bundled_store(DEFAULT_STORE)
    settings = Settings(seed=0, runs=0, budget_s=0, timeout_s=60, concurrency=args.concurrency, load_s=args.seconds, workers=0, rdflib_timeout_s=0)
    query = urlencode({"query": SMALL_QUERY})
    serve_port, oxigraph_port = free_port(), free_port()
    serve = budgetgraph_serve(folder, serve_port) + ["--max-queries-per-client", str(args.concurrency), *args.serve_option]
    print(f"store {folder}: {quads_in(folder):,} quads; {machine()}")
    print(f"budgetgraph: {' '.join(serve[1:])}")
    print(f"load averages (1/5/15 min) before: {load_averages()}")
    results: dict[str, tuple[list[float], list[float]]] = {"budgetgraph serve": ([], []), "oxigraph serve-read-only": ([], [])}
    with ExitStack() as servers:
        servers.enter_context(serving(serve, f"http://127.0.0.1:{serve_port}/sparql"))
        servers.enter_context(serving(oxigraph_serve(folder, oxigraph_port), f"http://127.0.0.1:{oxigraph_port}/query?query=ASK%7B%7D"))
        targets = {"budgetgraph serve": (serve_port, f"/sparql?{query}"), "oxigraph serve-read-only": (oxigraph_port, f"/query?{query}")}
        for round_ in range(1, args.rounds + 1):
            for name, (port, path) in targets.items():
                rate, latencies = throughput(port, path, settings)
                results[name][0].append(rate)
                results[name][1].extend(latencies)
                print(f"round {round_}, {name}: {summary(rate, latencies)}", flush=True)
    print(f"load averages (1/5/15 min) after: {load_averages()}")
    for name, (rates, latencies) in results.items():
        print(f"{name}, {args.rounds} rounds: {summary(statistics.median(rates), latencies)} (median rate, pooled latencies)")
    (served, _), (oxigraph, _) = results.values()
    ratios = [a / b for a, b in zip(served, oxigraph)]
    ratio = statistics.median(served) / statistics.median(oxigraph)
    print(f"ratio budgetgraph / oxigraph: {ratio:.2f}× (per round: {', '.join(f'{r:.2f}' for r in ratios)}) — target 0.8×: {'met' if ratio >= 0.8 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
