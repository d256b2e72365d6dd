"""The engines side by side (issue 19): the embedded store, Oxigraph server and Virtuoso, each loaded through
budgetgraph and queried with every library query, in one run.

    python -m benchmarks.engines --quads 1000000      # writes benchmarks/out/engines/results-1000000.md

The corpus is generated budget documents (benchmarks/generate.py, seed 2021, documents 0, 1, … until about the
size asked for), written once to benchmarks/out/engines/ (git-ignored) and reused. Each backend in turn:

- **load**: ``pipeline.ingest_many(paths, store, BASE, workers=2)`` (what ``budgetgraph ingest`` runs: 2 worker
  processes read, map and validate, this process loads each document in its own transaction: a write
  transaction of pyoxigraph, one SPARQL Update request to a server), then ``flush``: seconds and quads per second;
- **queries**: every library query with its default bindings; up to --runs runs after a warm-up (kept when over
  1 s), fewer once the samples add up to --budget s; a query over --timeout s is reported as over. The
  embedded store answers in a child process (``scale.DirectRunner``: query + SPARQL JSON, as the endpoint
  does); a server through ``RemoteStore`` and ``library.run`` (HTTP, parsing, Python values);
- **answers**: each query's solutions on every backend, compared as multisets of rows (numbers compared by
  value to 15 significant digits whatever their datatype; a difference in datatypes alone is noted);
- **memory**: peak RSS (VmHWM) of the server process, of the process answering the embedded store's queries,
  and of this process after the embedded load.

Servers come from tests/servers.py: ``oxigraph serve`` on disk, Virtuoso with --virtuoso-mb of page buffers.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

from benchmarks.common import BASE, ROOT, load_averages, machine, peak_of, percentile
from benchmarks.generate import write_documents
from benchmarks.scale import DirectRunner, Settings, TimedOut, Timing, sampled
from budgetgraph import library, pipeline
from budgetgraph.errors import BudgetgraphError
from budgetgraph.store import EmbeddedStore, RemoteStore
from budgetgraph.store.base import GraphStore

sys.path.insert(0, str(ROOT / "tests"))
from servers import oxigraph_server, virtuoso_server

HERE = Path(__file__).resolve().parent
CACHE = HERE / "out" / "engines"
QUADS_PER_DOCUMENT = 2_174  # generated documents 0…460 map to 1,002,152 quads (benchmarks/results-scale.md)
WORKERS = 2
Answer = Counter[tuple[tuple[str, str], ...]]


@dataclass
class Backend:
    name: str
    load_s: float = 0.0
    quads: int = 0
    findings: int = 0
    peak: list[str] = field(default_factory=list)
    timings: dict[str, Timing] = field(default_factory=dict)
    answers: dict[str, tuple[Answer, Answer]] = field(default_factory=dict)  # loose, strict
    errors: dict[str, str] = field(default_factory=dict)
    load_after: str = ""


# ---- the corpus: generated once, cached ------------------------------------------------------------------

def corpus(quads: int, seed: int) -> list[Path]:
    """The documents for about ``quads`` quads, written once into a folder of their own (a list of their names,
    written last, marks it complete)."""
    count = math.ceil(quads / QUADS_PER_DOCUMENT)
    folder = CACHE / f"documents-seed-{seed}-{count}"
    listing = folder / "documents.list"
    if not listing.exists():
        paths = write_documents(folder, count, seed)
        listing.write_text("".join(f"{path.name}\n" for path in paths), encoding="utf-8")
    return [folder / name for name in listing.read_text(encoding="utf-8").split()]


# ---- loading and answering, any backend ------------------------------------------------------------------

def ingest(paths: list[Path], store: GraphStore) -> tuple[float, int]:
    """``pipeline.ingest_many`` of every path into ``store``, then ``flush``: seconds, validation findings."""
    start = time.perf_counter()
    outcomes = list(pipeline.ingest_many(paths, store, BASE, WORKERS))
    store.flush()
    seconds = time.perf_counter() - start
    if failed := [f"{path}: {outcome}" for path, outcome in outcomes if isinstance(outcome, BudgetgraphError)]:
        raise RuntimeError("; ".join(failed))
    return seconds, sum(len(outcome.report.findings) for _, outcome in outcomes if not isinstance(outcome, BudgetgraphError))


def quads_of(store: GraphStore) -> int:
    """The quads of the store's graphs, counted by one query on every backend (digests included, a server's
    own graphs not)."""
    return GraphStore.__len__(store)


def same_number(value: object) -> str:
    return format(Decimal(str(value)).normalize(), ".15g")


def answer(rows: list[dict[str, object]]) -> tuple[Answer, Answer]:
    """The solutions as multisets: numbers by value (any datatype), and everything as its exact Python value."""
    loose: Answer = Counter()
    strict: Answer = Counter()
    for row in rows:
        items = sorted(row.items())
        loose[tuple((k, same_number(v) if isinstance(v, int | float | Decimal) and not isinstance(v, bool) else repr(v)) for k, v in items)] += 1
        strict[tuple((k, repr(v)) for k, v in items)] += 1
    return loose, strict


def timings_of(names: list[str], run: Callable[[str], tuple[float, int]], settings: Settings) -> dict[str, Timing]:
    """``scale.sampled`` of every query; a later run over the timeout counts the query as over too."""
    found = {}
    for name in names:
        try:
            found[name] = sampled(partial(run, name), settings)
        except TimedOut:
            found[name] = Timing(None, None)
    return found


# ---- the embedded store ----------------------------------------------------------------------------------

def embedded(paths: list[Path], names: list[str], settings: Settings, folder: Path) -> Backend:
    backend = Backend("embedded store (pyoxigraph, on disk)")
    store = EmbeddedStore(folder)
    backend.load_s, backend.findings = ingest(paths, store)
    backend.quads = quads_of(store)
    backend.peak.append(f"{peak_of('self'):,.0f} MB (this process, loading)")
    del store
    gc.collect()  # close the store: the child answering the queries opens it next
    direct = DirectRunner(folder, settings.timeout_s)
    backend.timings = timings_of(names, direct.run, settings)
    backend.peak.append(f"{peak_of(direct.process.pid):,.0f} MB (the process answering the queries)")
    direct.stop()
    store = EmbeddedStore(folder)
    backend.answers = {name: answer(library.run(store, library.get(name))) for name in names if backend.timings[name].samples is not None}
    del store
    gc.collect()
    return backend


# ---- a server ----------------------------------------------------------------------------------------------

def server_pid(program: str) -> int:
    """The pid of this process's child running ``program``."""
    children = [int(pid) for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()]
    return next(pid for pid in children if Path(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()).name == program)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, seconds: float = 120) -> None:
    """After a query given up on: until the server stops computing it (under 0.1 s of CPU in half a second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.1:
            return


def remote(name: str, program: str, server: AbstractContextManager[RemoteStore], paths: list[Path], names: list[str], settings: Settings) -> Backend:
    backend = Backend(name)
    with server as loading:
        pid = server_pid(program)
        backend.load_s, backend.findings = ingest(paths, loading)
        backend.quads = quads_of(loading)
        store = RemoteStore(loading.query_url, loading.update_url, timeout=settings.timeout_s, credentials=loading.credentials, auth=loading.auth, kind=loading.kind)

        def run(query_name: str) -> tuple[float, int]:
            query = library.get(query_name)
            start = time.perf_counter()
            try:
                rows = library.run(store, query)
            except BudgetgraphError as error:
                if "timed out" not in str(error):
                    backend.errors[query_name] = str(error).partition("\n")[0]
                wait_until_idle(pid)
                raise TimedOut(query_name) from None
            milliseconds = (time.perf_counter() - start) * 1000
            backend.answers[query_name] = answer(rows)
            return milliseconds, len(rows)

        backend.timings = timings_of(names, run, settings)
        backend.peak.append(f"{peak_of(pid):,.0f} MB (the server)")
    return backend


# ---- the report --------------------------------------------------------------------------------------------

def p50_p95(timing: Timing, timeout_s: float, failed: bool) -> str:
    if timing.samples is None:
        return "error (below)" if failed else f"over {timeout_s:g} s"
    return f"{statistics.median(timing.samples):,.0f} / {percentile(timing.samples, 0.95):,.0f} ({len(timing.samples)})"


def comparison(name: str, backends: list[Backend]) -> tuple[str, list[str]]:
    """"same" or what differs, and the details of each difference (a few solutions found on one side only)."""
    answered = [(b, b.answers[name]) for b in backends if name in b.answers]
    if len(answered) < 2:
        return "— (answered by fewer than two)", []
    (first, (loose, strict)), verdicts, details = answered[0], [], []
    for other, (other_loose, other_strict) in answered[1:]:
        if other_loose != loose:
            only_first, only_other = loose - other_loose, other_loose - loose
            verdicts.append(f"{short(first)} ≠ {short(other)} ({sum(loose.values()):,} vs {sum(other_loose.values()):,} rows, "
                            f"{sum(only_first.values()):,} / {sum(only_other.values()):,} solutions on one side only)")
            for side, solutions in ((short(first), only_first), (short(other), only_other)):
                details += [f"`{name}`, only on {side}: {dict(solution)}" for solution in list(solutions)[:3]]
        elif other_strict != strict:
            verdicts.append(f"{short(first)} and {short(other)}: same values, other datatypes")
            sample = next(iter(strict - other_strict), None), next(iter(other_strict - strict), None)
            details.append(f"`{name}`: {short(first)} {dict(sample[0] or ())} — {short(other)} {dict(sample[1] or ())}")
    missing = [short(b) for b in backends if name not in b.answers]
    text = "; ".join(verdicts) or "same"
    return text + (f" (no answer from {', '.join(missing)})" if missing else ""), details


def short(backend: Backend) -> str:
    return backend.name.split(" (")[0]


def report(backends: list[Backend], names: list[str], settings: Settings, documents: int) -> str:
    lines = [
        (f"Load: `pipeline.ingest_many` of {documents:,} generated documents ({WORKERS} workers read, map and validate; "
         "the main process loads, one transaction per document), then `flush`.\n"),
        "| backend | load through budgetgraph | quads per second | quads stored | validation findings | peak RSS | load averages after |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    lines += [f"| {b.name} | {b.load_s:,.1f} s | {b.quads / b.load_s:,.0f} | {b.quads:,} | {b.findings} | {'; '.join(b.peak)} | {b.load_after} |" for b in backends]
    lines += [
        "", f"Every library query, default bindings: p50 / p95 ms (n samples); timeout {settings.timeout_s:g} s.\n",
        "| query | rows | " + " | ".join(short(b) for b in backends) + " | answers |",
        "|---|---:|" + "---:|" * len(backends) + "---|",
    ]
    details: list[str] = []
    for name in names:
        verdict, found = comparison(name, backends)
        details += found
        rows = " / ".join(f"{b.timings[name].rows:,}" if b.timings[name].rows is not None else "—" for b in backends)
        cells = [p50_p95(b.timings[name], settings.timeout_s, name in b.errors) for b in backends]
        lines.append(f"| `{name}` | {rows} | " + " | ".join(cells) + f" | {verdict} |")
    errors = [f"`{name}` on {short(b)}: {message}" for b in backends for name, message in b.errors.items()]
    if errors:
        lines += ["", "Errors (not timeouts):", "", *(f"- {e}" for e in errors)]
    if details:
        lines += ["", "Differences, a few solutions each:", "", *(f"- {d}" for d in details)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quads", type=int, default=1_000_000, help="about how many quads the corpus maps to")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query on each backend (at most)")
    parser.add_argument("--budget", type=float, default=5, help="seconds of samples per query and backend, after which sampling stops")
    parser.add_argument("--timeout", type=float, default=10, help="seconds a query may take before it is reported as over")
    parser.add_argument("--virtuoso-mb", type=int, help="Virtuoso's page buffers (default: 3,000 MB per million quads, 2,000 to 8,000)")
    options = parser.parse_args(argv)
    settings = Settings(seed=options.seed, runs=options.runs, budget_s=options.budget, timeout_s=options.timeout, concurrency=0, load_s=0, workers=WORKERS, rdflib_timeout_s=0)
    virtuoso_mb = options.virtuoso_mb or min(8000, max(2000, 3000 * options.quads // 1_000_000))
    started = time.perf_counter()
    load_before = load_averages()
    paths = corpus(options.quads, options.seed)
    generated = f"{len(paths):,} documents ready in {time.perf_counter() - started:,.0f} s"
    print(generated, flush=True)
    names = sorted(library.queries())
    scratch = CACHE / f"stores-{options.quads}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    stages: list[Callable[[], Backend]] = [
        lambda: embedded(paths, names, settings, scratch / "embedded"),
        lambda: remote("Oxigraph server (`oxigraph serve`, on disk)", "oxigraph", oxigraph_server(scratch / "oxigraph"), paths, names, settings),
        lambda: remote(f"Virtuoso ({virtuoso_mb:,} MB of buffers)", "virtuoso-t", virtuoso_server(memory_mb=virtuoso_mb), paths, names, settings),
    ]
    backends = []
    try:
        for stage in stages:
            backend = stage()
            backend.load_after = load_averages()
            print(f"{backend.name}: loaded in {backend.load_s:,.1f} s, {backend.quads:,} quads; load averages {backend.load_after}", flush=True)
            backends.append(backend)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.perf_counter() - started
    command = "python -m benchmarks.engines" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = (
        f"# The engines side by side, {backends[0].quads:,} quads (issue 19)\n\n```sh\n{command}\n```\n\n"
        f"Run on {date.today().isoformat()} in {elapsed / 60:.1f} minutes ({generated}). Machine: {machine()}. "
        f"Load averages (1/5/15 min) before the run: {load_before}; after it: {load_averages()} "
        "(another benchmark may have been running on the machine meanwhile).\n\n" + report(backends, names, settings, len(paths))
    )
    out = CACHE / f"results-{options.quads}.md"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
