"""Where mapped documents live: one named graph per source document, replaced atomically."""

from budgetgraph.store.embedded import EmbeddedStore, QueryResult

__all__ = ["EmbeddedStore", "QueryResult"]
