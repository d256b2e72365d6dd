"""Stage 5: the web service over the store (SPARQL 1.1 Protocol endpoint and pages)."""

from budgetgraph.service.app import create_app

__all__ = ["create_app"]
