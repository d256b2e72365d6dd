"""A source file checked against what reading it may cost, before any parser sees it: its size, what a ZIP
container (XLSX, DOCX) declares it unpacks to, a PDF's pages. A ZIP member is never read past its declared size
(Python's zipfile stops there), so the declaration bounds a ZIP bomb."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdfium2

from budgetgraph.config import FileLimits
from budgetgraph.errors import BudgetgraphError, LimitError


def check_size(path: Path, limits: FileLimits) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BudgetgraphError(f"cannot read the file: {error.strerror}", file=str(path)) from error
    if size > limits.max_bytes:
        raise LimitError(f"{size:,} bytes, more than the limit of {limits.max_bytes:,} for one file", file=str(path))


def check_unzipped(data: bytes, path: Path, limits: FileLimits) -> None:
    try:
        unzipped = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise BudgetgraphError(f"not a readable ZIP container: {error}", file=str(path)) from error
    if unzipped > limits.max_unzipped_bytes:
        raise LimitError(f"unpacks to {unzipped:,} bytes, more than the limit of {limits.max_unzipped_bytes:,}", file=str(path))


def check_pages(data: bytes, path: Path, limits: FileLimits) -> None:
    """A PDF that PDFium cannot open is left to the PDF reader, which is more lenient with damaged files and
    says what is wrong; the worker's time and memory limits bound it."""
    try:
        pages = len(pypdfium2.PdfDocument(data))
    except pypdfium2.PdfiumError:
        return
    if pages > limits.max_pages:
        raise LimitError(f"{pages:,} pages, more than the limit of {limits.max_pages:,}", file=str(path))
