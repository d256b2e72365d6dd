"""A small Python client for researchers: run a library query against a budgetgraph ``/sparql`` endpoint, or any
SPARQL 1.1 endpoint whose default graph holds budgetgraph's data, and get rows of Python values.

    >>> from budgetgraph.client import Client
    >>> client = Client("http://127.0.0.1:8000/sparql")          # doctest: +SKIP
    >>> client.rows("line-across-districts", code="2080505")      # doctest: +SKIP
    [{'district': '410303', ..., 'amount': Decimal('14.23')}, ...]

Parameters are bound as the CLI binds them (typed, checked, sent as a VALUES block by ``RemoteStore``), never
pasted into the query text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from budgetgraph import library
from budgetgraph.store import RemoteStore

if TYPE_CHECKING:
    import pandas


class Client:
    def __init__(self, endpoint: str, *, timeout: float = 60.0) -> None:
        self.store = RemoteStore(endpoint, timeout=timeout)

    def queries(self) -> dict[str, library.LibraryQuery]:
        return library.queries()

    def rows(self, name: str, **parameters: object) -> list[dict[str, object]]:
        """The library query's solutions: Decimal for decimals, int for integers and years, str for text and IRIs,
        None where a variable is unbound."""
        return library.run(self.store, library.get(name), parameters)

    def dataframe(self, name: str, **parameters: object) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (the ``pandas`` extra: pip install 'budgetgraph[pandas]')."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Client.dataframe needs pandas: pip install 'budgetgraph[pandas]' (or use Client.rows)") from None
        return pandas.DataFrame.from_records(self.rows(name, **parameters))
