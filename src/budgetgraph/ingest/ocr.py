"""Pages without a text layer (scans), read by OCR into the objects a text-layer page has, so that the PDF reader
reads them as it reads any page.

Each page is rendered, its ruling lines found in the image (long runs of ink), then erased so that the OCR engine
(Tesseract, ``chi_sim``) reads only the text; every word becomes characters placed within its box, carrying the
word's confidence, and every rule a thin rectangle: what pdfplumber finds tables from.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pdfplumber
from pdfplumber.page import DerivedPage

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest.damaged import parsing

DPI = 300
LANGUAGE = "chi_sim"
INK = 160  # grey levels below this are ink
RULE_INCHES = 1 / 3  # a run of ink this long is a rule: longer than any stroke of a character at table sizes
CLOSED_GAP = 1.0  # character sizes (less than the PDF reader's column gap): words closer than this are one text (Tesseract splits 82,096,797.42 at commas)
POINTS_PER_INCH = 72
# Marks Tesseract reads alone out of specks and the rest of erased rules: never a word of a table on their own
FIGURE_WITH_STRAYS = re.compile(r"[、，,'\"‘’“”|｜_~。]*([-\d][\d,.]*?)[、，'\"‘’“”|｜_~。]*")  # …and beside a figure
STRAY = frozenset("、，,'\"‘’“”|｜_~")


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in points
    line: tuple[int, int, int]  # Tesseract's block, paragraph and line
    confidence: Decimal  # 0–1


class ScannedPage(DerivedPage):
    """A page of a PDF whose text is in an image: its characters and rules as OCR found them."""

    def __init__(self, parent_page: pdfplumber.page.Page, words: list[Word], rules: list[tuple[float, float, float, float]]) -> None:
        super().__init__(parent_page)
        self.bbox = parent_page.bbox
        self._objects = {"char": _characters(words, parent_page), "rect": [_rect(box, parent_page) for box in rules]}


def require_engine() -> None:
    """An error naming what to install when Tesseract or its Chinese model is missing."""
    if shutil.which("tesseract") is None:
        raise BudgetgraphError("the PDF has pages without a text layer (a scan?) and OCR needs Tesseract: apt install tesseract-ocr tesseract-ocr-chi-sim")
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout.split()
    if LANGUAGE not in languages:
        raise BudgetgraphError(f"OCR of Chinese needs Tesseract's {LANGUAGE} model: apt install tesseract-ocr-chi-sim")


def scanned_pages(pages: list[pdfplumber.page.Page], file: str, dpi: int = DPI) -> dict[int, ScannedPage]:
    """The pages without any character, by index, read by OCR (in parallel: one Tesseract process a core)."""
    blank = [i for i, page in enumerate(pages) if not page.chars]
    if not blank:
        return {}
    require_engine()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        read = pool.map(lambda i: _scanned(pages[i], file, i + 1, dpi), blank)
        return dict(zip(blank, read, strict=True))


def _scanned(page: pdfplumber.page.Page, file: str, number: int, dpi: int) -> ScannedPage:
    scale = POINTS_PER_INCH / dpi
    with parsing("PDF", file, f"page {number}"):  # rendering parses the page again, with pdfium
        grey = np.asarray(page.to_image(resolution=dpi).original.convert("L"))
    length = round(dpi * RULE_INCHES)
    across, down = _runs(grey < INK, length), _runs((grey < INK).T, length).T
    cleaned = np.where(_widened(across | down, max(1, dpi // 100)), 255, grey).astype(np.uint8)
    rules = [tuple(v * scale for v in box) for box in _segments(across) + [_transposed(b) for b in _segments(down.T)]]
    words = [Word(w.text, tuple(v * scale for v in w.box), w.line, w.confidence) for w in _recognised(cleaned, file, number)]
    return ScannedPage(page, words, rules)  # type: ignore[arg-type]


def _runs(ink: np.ndarray, length: int) -> np.ndarray:
    """The ink that lies in a horizontal run at least ``length`` long."""
    if length > ink.shape[1]:
        return np.zeros_like(ink)
    sums = np.pad(ink, ((0, 0), (1, 0))).astype(np.int32).cumsum(axis=1)
    starts = np.pad((sums[:, length:] - sums[:, :-length]) == length, ((0, 0), (0, length - 1)))  # a full run starts
    reach = np.pad(starts.astype(np.int32).cumsum(axis=1), ((0, 0), (length, 0)))
    return (reach[:, length:] - reach[:, :-length]) > 0  # a start at most ``length`` - 1 before


def _widened(mask: np.ndarray, by: int) -> np.ndarray:
    """The mask grown by ``by`` pixels each way: a rule's anti-aliased edge is lighter than ink, and left in the
    image Tesseract reads it as quotes and commas beside the figures."""
    grown = mask.copy()
    for shift in range(1, by + 1):
        grown[shift:] |= mask[:-shift]
        grown[:-shift] |= mask[shift:]
        grown[:, shift:] |= mask[:, :-shift]
        grown[:, :-shift] |= mask[:, shift:]
    return grown


def _segments(runs: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The horizontal rules a mask of runs draws, each as its box (x0, top, x1, bottom) in pixels: adjacent rows
    of a thick rule are one rule, and a row's separate runs separate rules."""
    rows = np.flatnonzero(runs.any(axis=1))
    boxes = []
    for group in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if rows.size else []:
        covered = runs[group[0] : group[-1] + 1].any(axis=0)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
        boxes += [(int(x0), int(group[0]), int(x1), int(group[-1]) + 1) for x0, x1 in zip(edges[::2], edges[1::2])]
    return boxes


def _transposed(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, top, x1, bottom = box
    return top, x0, bottom, x1


def _recognised(grey: np.ndarray, file: str, number: int) -> list[Word]:
    from PIL import Image  # pdfplumber's own dependency, for its page images

    png = io.BytesIO()
    Image.fromarray(grey).save(png, format="PNG")
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "6", "tsv"],
        input=png.getvalue(), capture_output=True, check=False, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    if result.returncode != 0:
        raise BudgetgraphError(f"OCR failed: {result.stderr.decode(errors='replace').strip()}", file=file, place=f"page {number}")
    rows = csv.DictReader(io.StringIO(result.stdout.decode()), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        Word(
            _without_strays(row["text"].strip()),
            (int(row["left"]), int(row["top"]), int(row["left"]) + int(row["width"]), int(row["top"]) + int(row["height"])),
            (int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            (Decimal(row["conf"]) / 100).quantize(Decimal("0.01")),
        )
        for row in rows
        if row["level"] == "5" and row["text"].strip() and not set(row["text"].strip()) <= STRAY
    ]


def _without_strays(text: str) -> str:
    figure = FIGURE_WITH_STRAYS.fullmatch(text)
    return figure.group(1) if figure else text


def _characters(words: list[Word], page: pdfplumber.page.Page) -> list[dict]:  # type: ignore[type-arg]
    """Each word's characters, spread evenly over its box, as tall as its line (Tesseract's boxes of one line's
    words differ in top, which would split the line); a word close to the one before it on its line starts
    where that one ends."""
    lines: dict[tuple[int, int, int], tuple[float, float]] = {}
    for word in words:
        top, bottom = lines.get(word.line, (word.box[1], word.box[3]))
        lines[word.line] = (min(top, word.box[1]), max(bottom, word.box[3]))
    chars = []
    previous: Word | None = None
    for word in words:
        x0, _, x1, _ = word.box
        top, bottom = lines[word.line]
        if previous is not None and previous.line == word.line and 0 < x0 - previous.box[2] < CLOSED_GAP * (bottom - top):
            x0 = previous.box[2]
        width = (x1 - x0) / len(word.text)
        chars += [_char(text, x0 + i * width, x0 + (i + 1) * width, top, bottom, word.confidence, page) for i, text in enumerate(word.text)]
        previous = word
    return chars


def _char(text: str, x0: float, x1: float, top: float, bottom: float, confidence: Decimal, page: pdfplumber.page.Page) -> dict:  # type: ignore[type-arg]
    return {
        "object_type": "char", "page_number": page.page_number, "text": text, "fontname": "OCR", "size": bottom - top,
        "upright": True, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": page.initial_doctop + top,
        "y0": page.height - bottom, "y1": page.height - top, "width": x1 - x0, "height": bottom - top,
        "matrix": (1, 0, 0, 1, x0, page.height - bottom), "stroking_color": None, "non_stroking_color": (0,),
        "confidence": confidence,
    }


def _rect(box: tuple[float, float, float, float], page: pdfplumber.page.Page) -> dict:  # type: ignore[type-arg]
    x0, top, x1, bottom = box
    return {
        "object_type": "rect", "page_number": page.page_number, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
        "doctop": page.initial_doctop + top, "y0": page.height - bottom, "y1": page.height - top,
        "width": x1 - x0, "height": bottom - top, "fill": True, "stroke": False, "linewidth": 0,
        "non_stroking_color": (0,), "stroking_color": None,
    }
