"""Documents per second by input format (issue 4), seed-sized documents, one core and all cores.

    python -m benchmarks.formats                  # from the repository root; about 3 minutes on 2 cores
    python -m benchmarks.formats --count 40       # more documents per format

The same generated documents (benchmarks/generate.py, in the seed's text layout) are rendered into every format by
tests/data/make_fixtures.py before any clock starts: text, XLSX, XLS, DOCX, HTML, and PDF printed by LibreOffice
with and without table rules. Then, per format: reading alone (file → records), and reading, mapping and
validating (``pipeline.prepare``, what a worker of ``budgetgraph ingest`` does; loading is one process's job and
the same for every format, see benchmarks/run.py), first in this process, then in one worker process per core.
Each figure is the best of ``--runs`` passes over all the documents.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType

from benchmarks.common import BASE, ROOT
from benchmarks.generate import budget, render
from budgetgraph.ingest import read_document
from budgetgraph.pipeline import prepare


def renderers() -> ModuleType:
    """tests/data/make_fixtures.py, which renders the committed fixtures, imported from where it lives."""
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "tests" / "data" / "make_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render_all(folder: Path, count: int, seed: int) -> dict[str, list[Path]]:
    fixtures = renderers()
    writers: dict[str, Callable[[Path, str], None]] = {
        "xlsx": fixtures.render_xlsx,
        "xls": fixtures.render_xls,
        "docx": fixtures.render_docx,
        "html": fixtures.render_html,
        "pdf (ruled)": lambda path, text: fixtures.render_pdf(path, text, ruled=True),
        "pdf (no rules)": lambda path, text: fixtures.render_pdf(path, text, ruled=False),
    }
    suffixes = {"pdf (ruled)": "ruled.pdf", "pdf (no rules)": "unruled.pdf"}
    paths: dict[str, list[Path]] = {"text": []}
    for index in range(count):
        text = render(budget(seed, index))
        paths["text"].append(folder / f"{index}.txt")
        paths["text"][-1].write_text(text, encoding="utf-8")
        for name, write in writers.items():
            path = folder / f"{index}.{suffixes.get(name, name)}"
            write(path, text)
            paths.setdefault(name, []).append(path)
    return paths


def read_only(path: Path) -> int:
    return len(read_document(path).tables)


def read_map_validate(path: Path) -> int:
    return len(prepare(path, BASE).outcome.report.findings)


def best_rate(work: Callable[[Path], int], paths: list[Path], runs: int, workers: int) -> float:
    """Documents per second, the best of ``runs`` passes."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        if workers == 1:
            results: Iterable[int] = [work(path) for path in paths]
        else:
            with ProcessPoolExecutor(workers) as pool:
                results = list(pool.map(work, paths, chunksize=max(1, len(paths) // (4 * workers))))
        best = min(best, time.perf_counter() - start)
        assert sum(1 for _ in results) == len(paths)
    return len(paths) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20, help="documents per format (default 20)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        paths = render_all(Path(scratch), args.count, args.seed)
        print(f"{args.count} documents per format, {cores} cores, 1-minute load average {load:.2f} at the start\n")
        print(f"| format | read: docs/s, 1 core | read+map+validate: docs/s, 1 core | read+map+validate: docs/s, {cores} processes | speed-up |")
        print("|---|---:|---:|---:|---:|")
        for name, files in paths.items():
            reading = best_rate(read_only, files, args.runs, 1)
            single = best_rate(read_map_validate, files, args.runs, 1)
            parallel = best_rate(read_map_validate, files, args.runs, cores)
            print(f"| {name} | {reading:.1f} | {single:.1f} | {parallel:.1f} | {parallel / single:.2f}× |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
