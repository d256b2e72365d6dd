"""Scanned renderings of the corpus PDFs, read by OCR and scored against the corpus's answer keys.

    python -m benchmarks.ocr [--dpi 150 300]

Each keyed PDF of ../shared/corpus is rendered to grey images (pdftoppm) and wrapped back into an image-only PDF,
then read as any PDF is. For each resolution: the recall of keyed figures (a distinct keyed amount is found when
a cell of the scanned reading has it), wrong figures (a published amount that is no keyed amount of the
document), the share of those flagged (confidence under the warning's threshold, no amount, or a row the
arithmetic shapes warn about), and pages per second beside the text-layer reader's.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pypdfium2
from PIL import Image

from benchmarks.common import BASE, ROOT
from budgetgraph.errors import BudgetgraphError
from budgetgraph.pipeline import Outcome, check

CORPUS = ROOT.parent / "shared" / "corpus"
UNCERTAIN = Decimal("0.90")  # shapes/scanned.ttl's threshold


def scanned_rendering(pdf: Path, dpi: int, pages: list[int] | None = None) -> bytes:
    """An image-only PDF of ``pdf``'s pages (1-based; all when None), rendered in grey at ``dpi`` by poppler's
    pdftoppm: a scan."""
    with tempfile.TemporaryDirectory() as folder:
        for first, last in [(n, n) for n in pages] if pages else [(1, len(pypdfium2.PdfDocument(pdf)))]:
            command = ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(first), "-l", str(last), str(pdf), f"{folder}/page"]
            subprocess.run(command, check=True)
        images = [Image.open(path) for path in sorted(Path(folder).glob("page-*.png"))]
        out = io.BytesIO()
        images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
        return out.getvalue()


def keyed_amounts(key: Path) -> set[Decimal]:
    values: set[Decimal] = set()
    for table in json.loads(key.read_text(encoding="utf-8"))["tables"]:
        for row in table["rows"]:
            values |= {Decimal(v) for v in row["values"].values()}
    return {v for v in values if v != 0}


def is_flagged(outcome: Outcome, table_number: int, row_number: int, confidence: Decimal) -> bool:
    """Whether a figure of a scan is reported: its row under the warning's threshold, or warned about."""
    row = f"{outcome.mapped.dataset}/table/{table_number}/row/{row_number}"
    warned = (f.focus for f in outcome.report.findings if f.severity == "Warning")
    return confidence < UNCERTAIN or any(focus == row or focus.startswith(row + "/") for focus in warned)


def score(outcome: Outcome, keyed: set[Decimal]) -> dict[str, float]:
    cells = [
        (table, row, cell)
        for table in outcome.document.tables
        for row in table.rows
        for cell in row.cells
        if cell.confidence is not None
    ]
    found = {cell.amount for _, _, cell in cells if cell.amount is not None} & keyed
    wrong = [(t, r, c) for t, r, c in cells if c.amount is not None and c.amount != 0 and c.amount not in keyed]

    unread = sum(1 for _, _, c in cells if c.amount is None)
    return {
        "recall": len(found) / len(keyed),
        "wrong": len(wrong),
        "flagged": sum(is_flagged(outcome, t.number, r.number, c.confidence or Decimal(0)) for t, r, c in wrong) / len(wrong) if wrong else 1.0,
        "unread": unread,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    args = parser.parse_args()
    print("| document | reading | keyed figures found | wrong figures | of them flagged | cells not read as amounts | pages/s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted((CORPUS / "expected").glob("*.json")):
        pdf = CORPUS / f"{key.stem}.pdf"
        keyed = keyed_amounts(key)
        pages = len(pypdfium2.PdfDocument(pdf))
        started = time.perf_counter()
        check(pdf, BASE)
        text_rate = pages / (time.perf_counter() - started)
        print(f"| {key.stem} | text layer | | | | | {text_rate:.2f} |")
        for dpi in args.dpi:
            with tempfile.TemporaryDirectory() as folder:
                scan = Path(folder) / f"{key.stem}.pdf"
                scan.write_bytes(scanned_rendering(pdf, dpi))
                started = time.perf_counter()
                try:
                    outcome = check(scan, BASE)
                except BudgetgraphError as error:
                    print(f"| {key.stem} | OCR, {dpi} dpi | refused: {error.message} | | | | |")
                    continue
                rate = pages / (time.perf_counter() - started)
            s = score(outcome, keyed)
            print(f"| {key.stem} | OCR, {dpi} dpi | {s['recall']:.3f} | {s['wrong']} | {s['flagged']:.2f} | {s['unread']} | {rate:.2f} |")


if __name__ == "__main__":
    main()
