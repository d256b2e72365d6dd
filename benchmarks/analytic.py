"""The analytic questions from the observation table (DuckDB) against the same questions in SPARQL on the
embedded store, in one run (issue 18).

    python -m benchmarks.analytic --quads 1000000     # writes benchmarks/out/analytic/results-1000000.md

With ``--reuse``, a store that an earlier run loaded whole is answered again without loading it (at 100M quads
the load takes over an hour).

The corpus is the engines benchmark's (generated documents, cached in benchmarks/out/engines/). Steps:

- **load**: ``pipeline.ingest_many(paths, store, BASE, 2, bulk=True, table=…)`` (``budgetgraph ingest --bulk``:
  the store and the observation table), then ``flush``: seconds, peak RSS of this process, and the disk of the
  store and of the table;
- **DuckDB**: every question with SQL (``analytic/sql/``), default bindings, in this process, answered as Arrow
  tables (``Analytics.table_of``: what a client of the table takes, as SPARQL JSON is the endpoint's answer),
  and apart as Python rows (``answers``, the values ``library.run`` gives); the first answer reads the files the
  store names into memory, stated apart with the memory DuckDB then holds;
- **SPARQL**: the same questions answered in a child process on the store (``scale.DirectRunner``, as the
  endpoint does: query and SPARQL JSON), over --timeout s reported as over;
- **answers**: DuckDB's rows against ``library.run``'s for every question SPARQL answered in time.

The report is rewritten after each step and each question.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import time
from collections.abc import Callable, Sized
from datetime import date
from functools import partial
from pathlib import Path

from benchmarks.common import BASE, load_averages, machine, peak_of, percentile
from benchmarks.engines import WORKERS, corpus, timings_of
from benchmarks.scale import DirectRunner, Settings, Timing, sampled
from budgetgraph import library, pipeline
from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.analytic.questions import Analytics, questions
from budgetgraph.errors import BudgetgraphError
from budgetgraph.store import EmbeddedStore

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "analytic"


def disk_mb(path: Path) -> float:
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout.split()[0]) / 1024


def load(paths: list[Path], folder: Path) -> list[str]:
    store, table = EmbeddedStore(folder / "store"), ObservationTable(folder / "store.observations")
    start = time.perf_counter()
    # each outcome dropped once counted, as the CLI does: held, they would weigh GBs of mapped graphs
    failed = [f"{path}: {outcome}" for path, outcome in pipeline.ingest_many(paths, store, BASE, WORKERS, bulk=True, table=table)
              if isinstance(outcome, BudgetgraphError)]
    store.flush()
    seconds = time.perf_counter() - start
    if failed:
        raise RuntimeError("; ".join(failed))
    quads = len(store)
    del store
    gc.collect()
    return [
        (f"- load: {len(paths):,} documents, {quads:,} quads in {seconds:,.0f} s ({quads / seconds:,.0f} quads/s), "
         f"peak RSS of the loading process {peak_of('self'):,.0f} MB"),
        (f"- disk: store {disk_mb(folder / 'store'):,.0f} MB, observation table {disk_mb(folder / 'store.observations'):,.1f} MB "
         f"({sum(1 for _ in (folder / 'store.observations').rglob('*.parquet')):,} files)"),
    ]


def duckdb_timings(analytics: Analytics, names: list[str], settings: Settings) -> tuple[dict[str, Timing], dict[str, Timing], str]:
    """Each question's answer as an Arrow table (``Analytics.table_of``), and as Python rows (``answers``);
    the line that states the first answer, which reads the files."""
    start = time.perf_counter()
    analytics.table_of(names[0])
    first_s = time.perf_counter() - start
    assert analytics.connection is not None
    held = analytics.connection.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
    first = f"- DuckDB's first answer, reading the named files into memory: {first_s:,.1f} s; DuckDB then holds {held[0] / 2**20 if held else 0:,.0f} MiB"

    def run(answer: Callable[[str], Sized | None], name: str) -> tuple[float, int]:
        begin = time.perf_counter()
        rows = answer(name)
        assert rows is not None, f"{name}: the table does not hold every dataset"
        return (time.perf_counter() - begin) * 1000, len(rows)
    return (
        {name: sampled(partial(run, analytics.table_of, name), settings) for name in names},
        {name: sampled(partial(run, analytics.answers, name), settings) for name in names},
        first,
    )


def p95(timing: Timing) -> float | None:
    return None if timing.samples is None else percentile(timing.samples, 0.95)


def report(quads: int, lines: list[str], sparql: dict[str, Timing], duck: dict[str, Timing], python: dict[str, Timing], first: str,
           same: dict[str, str], settings: Settings, names: list[str]) -> str:
    """The results so far: a question not yet answered by SPARQL or compared says so."""
    rows = ["| question | SPARQL p50 / p95 ms (runs) | DuckDB p50 / p95 ms (runs) | SPARQL p95 ÷ DuckDB p95 | as Python rows p50 / p95 ms | rows | answers |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for name in names:
        timing = sparql.get(name)
        fast, slow = p95(duck[name]), timing and p95(timing)
        ratio = f"{slow / fast:,.0f}×" if fast and slow else (f">{settings.timeout_s * 1000 / fast:,.0f}×" if fast and timing else "")
        rows.append(f"| `{name}` | {timing.text(settings.timeout_s) if timing else 'not run yet'} | {duck[name].text(settings.timeout_s)} | {ratio} | "
                    f"{python[name].text(settings.timeout_s)} | {duck[name].rows} | {same.get(name, 'not compared yet')} |")
    return "\n".join([
        f"# The analytic questions at {quads:,} quads: DuckDB over the observation table against SPARQL ({date.today()})",
        "", f"`python -m benchmarks.analytic --quads {quads}` on {machine()}; load averages before: {load_averages()}.", "",
        *lines,
        first, "",
        *rows, "",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20, help="seconds of samples per query and engine, at most")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--reuse", action="store_true", help="answer on the store a previous run loaded, if it finished loading")
    options = parser.parse_args(argv)
    settings = Settings(seed=options.seed, runs=options.runs, budget_s=options.budget, timeout_s=options.timeout, concurrency=0, load_s=0, workers=WORKERS, rdflib_timeout_s=0)
    folder = OUT / f"store-{options.quads}"
    loaded = folder / "load.txt"  # written once the load is done: its figures, and the mark of a whole store
    if not (options.reuse and loaded.exists()):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        loaded.write_text("\n".join(load(corpus(options.quads, options.seed), folder)), encoding="utf-8")
    lines = loaded.read_text(encoding="utf-8").splitlines()
    names = sorted(questions())
    results = OUT / f"results-{options.quads}.md"
    # DuckDB first, then SPARQL, then the comparison, the report rewritten after each (at 100M quads the SPARQL
    # side takes most of an hour); the store opened read-only here while nothing writes, closed before the
    # SPARQL child opens it as serve does
    store = EmbeddedStore(folder / "store", read_only=True)
    analytics = Analytics(ObservationTable(folder / "store.observations"), store)
    duck, python, first = duckdb_timings(analytics, names, settings)
    answered = {name: analytics.answers(name) for name in names}
    del analytics, store
    gc.collect()
    sparql: dict[str, Timing] = {}
    same: dict[str, str] = {}

    def write() -> None:
        results.write_text(report(options.quads, lines, sparql, duck, python, first, same, settings, names), encoding="utf-8")
    write()
    direct = DirectRunner(folder / "store", settings.timeout_s)
    for name in names:
        sparql.update(timings_of([name], direct.run, settings))
        write()
    direct.stop()
    store = EmbeddedStore(folder / "store", read_only=True)
    for name in names:
        same[name] = ("same" if answered[name] == library.run(store, library.get(name)) else "DIFFERENT") if sparql[name].samples is not None else "SPARQL over the timeout"
        write()
    print(results.read_text(encoding="utf-8"))

if __name__ == "__main__":
    main()
