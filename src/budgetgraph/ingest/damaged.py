"""A damaged file as the parsing libraries meet it (pdfminer, openpyxl, xlrd, python-docx): they are written for
well-formed files, and fail on a damaged one with whatever their parsing runs into — an IndexError, a struct or
zlib error, an AssertionError, a RecursionError on nesting too deep, an XML syntax error. Any of these while a
library parses is the file's fault, reported as a BudgetgraphError naming the file; running out of memory is not
(the worker's memory limit reports it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from budgetgraph.errors import BudgetgraphError


@contextmanager
def parsing(what: str, file: str, place: str | None = None) -> Iterator[None]:
    """Errors raised inside as "not a readable ``what``" (a PDF, an XLS workbook ...), naming ``file`` and ``place``."""
    try:
        yield
    except (BudgetgraphError, MemoryError):
        raise
    except Exception as error:
        raise BudgetgraphError(f"not a readable {what}: {str(error) or type(error).__name__}", file=file, place=place) from error
