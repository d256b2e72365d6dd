"""``python -m benchmarks``: the issue 9 scale benchmark at 1M and 10M quads (benchmarks/scale.py), which
writes benchmarks/results-scale.md; its options as there."""

from benchmarks.scale import main

main()
