"""The load of issue 9 alone, a few times over: the bulk loader, ``ingest --bulk``'s batches, one transaction per
document, in turn on the same cached corpus (benchmarks/scale.py's functions; its other stages take 20 minutes).

    python -m benchmarks.loading --quads 1000000 --runs 2
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.common import load_averages, table
from benchmarks.scale import bulk_load, bulk_mode_load, corpus, in_child, loading_rows, per_document_load


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="processes generating the corpus when it is not cached")
    options = parser.parse_args(argv)
    found, _ = corpus(options.quads, options.seed, options.workers)
    print(f"load averages (1/5/15 min) before: {load_averages()}", flush=True)
    for run in range(1, options.runs + 1):
        with tempfile.TemporaryDirectory(prefix="budgetgraph-loading-") as folder:
            scratch = Path(folder)
            bulk = in_child(bulk_load, found.nquads, scratch / "bulk")
            bulk_mode = in_child(bulk_mode_load, found, scratch / "bulk-mode")
            documentwise = in_child(per_document_load, found, scratch / "documentwise")
        print(f"\nrun {run}, then load averages {load_averages()}:\n\n{table(loading_rows(found, bulk, bulk_mode, documentwise))}", flush=True)


if __name__ == "__main__":
    main()
