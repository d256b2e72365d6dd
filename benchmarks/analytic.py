"""The analytic questions from the observation table (DuckDB) against the same questions in SPARQL on the
embedded store, in one run (issue 18).

    python -m benchmarks.analytic --quads 1000000     # writes benchmarks/out/analytic/results-1000000.md

With ``--reuse``, a store that an earlier run loaded whole is answered again without loading it (at 100M quads
the load takes over an hour).

The corpus is the engines benchmark's (generated documents, cached in benchmarks/out/engines/). Steps:

- **load**: ``pipeline.ingest_many(paths, store, BASE, 2, bulk=True, table=…)`` (``budgetgraph ingest --bulk``:
  the store and the observation table), then ``flush``: seconds, peak RSS of this process, and the disk of the
  store and of the table;
- **SPARQL**: every question with SQL (``analytic/sql/``), default bindings, answered in a child process on the
  store (``scale.DirectRunner``, as the endpoint does: query and SPARQL JSON), over --timeout s reported as over;
- **DuckDB**: the same questions in this process, answered as Arrow tables (``Analytics.table_of``: what a
  client of the table takes, as SPARQL JSON is the endpoint's answer), and apart as Python rows (``answers``,
  the values ``library.run`` gives); the first answer reads the files the store names into memory, stated apart;
- **answers**: DuckDB's rows against ``library.run``'s for every question SPARQL answered in time.
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


def duckdb_timings(analytics: Analytics, names: list[str], settings: Settings) -> tuple[dict[str, Timing], dict[str, Timing], float]:
    """Each question's answer as an Arrow table (``Analytics.table_of``), and as Python rows (``answers``);
    the seconds of the first answer, which reads the files."""
    start = time.perf_counter()
    analytics.table_of(names[0])
    first_s = time.perf_counter() - start

    def run(answer: Callable[[str], Sized | None], name: str) -> tuple[float, int]:
        begin = time.perf_counter()
        rows = answer(name)
        assert rows is not None, f"{name}: the table does not hold every dataset"
        return (time.perf_counter() - begin) * 1000, len(rows)
    return (
        {name: sampled(partial(run, analytics.table_of, name), settings) for name in names},
        {name: sampled(partial(run, analytics.answers, name), settings) for name in names},
        first_s,
    )


def p95(timing: Timing) -> float | None:
    return None if timing.samples is None else percentile(timing.samples, 0.95)


def report(quads: int, lines: list[str], sparql: dict[str, Timing], duck: dict[str, Timing], python: dict[str, Timing], first_s: float,
           same: dict[str, str], settings: Settings) -> str:
    rows = ["| question | SPARQL p50 / p95 ms (runs) | DuckDB p50 / p95 ms (runs) | SPARQL p95 ÷ DuckDB p95 | as Python rows p50 / p95 ms | rows | answers |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for name, timing in sparql.items():
        fast, slow = p95(duck[name]), p95(timing)
        ratio = f"{slow / fast:,.0f}×" if fast and slow else (f">{settings.timeout_s * 1000 / fast:,.0f}×" if fast else "")
        rows.append(f"| `{name}` | {timing.text(settings.timeout_s)} | {duck[name].text(settings.timeout_s)} | {ratio} | "
                    f"{python[name].text(settings.timeout_s)} | {duck[name].rows} | {same[name]} |")
    return "\n".join([
        f"# The analytic questions at {quads:,} quads: DuckDB over the observation table against SPARQL ({date.today()})",
        "", f"`python -m benchmarks.analytic --quads {quads}` on {machine()}; load averages before: {load_averages()}.", "",
        *lines,
        f"- DuckDB's first answer, reading the named files into memory: {first_s * 1000:,.0f} ms", "",
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
    direct = DirectRunner(folder / "store", settings.timeout_s)
    sparql = timings_of(names, direct.run, settings)
    direct.stop()
    gc.collect()
    store = EmbeddedStore(folder / "store")
    analytics = Analytics(ObservationTable(folder / "store.observations"), store)
    duck, python, first_s = duckdb_timings(analytics, names, settings)
    same = {name: ("same" if analytics.answers(name) == library.run(store, library.get(name)) else "DIFFERENT")
            if sparql[name].samples is not None else "SPARQL over the timeout" for name in names}
    text = report(options.quads, lines, sparql, duck, python, first_s, same, settings)
    (OUT / f"results-{options.quads}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
