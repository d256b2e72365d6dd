"""Where mapped documents live: one named graph per source document, replaced atomically; on disk in the
embedded store, or on an existing SPARQL 1.1 server."""

from budgetgraph.store.base import DocumentGraphs, GraphStore, QueryResult
from budgetgraph.store.embedded import EmbeddedStore
from budgetgraph.store.remote import RemoteStore

__all__ = ["DocumentGraphs", "EmbeddedStore", "GraphStore", "QueryResult", "RemoteStore"]
