"""Stage 2: a BudgetDocument → RDF graphs (the document's own, and the shared entities and code lists)."""

from budgetgraph.mapping.document import MappedDocument, map_document

__all__ = ["MappedDocument", "map_document"]
