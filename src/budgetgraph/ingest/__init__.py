"""Stage 1: a source file → a :class:`~budgetgraph.records.BudgetDocument`."""

from budgetgraph.ingest.document import read_document

__all__ = ["read_document"]
