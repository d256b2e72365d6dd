"""The library's aggregate questions answered by DuckDB over the observation table, with the answers of their
SPARQL queries: the same columns, the same Python values (``library.run``'s), the same order.

A question is ``sql/<library query name>.sql``, its parameters the library query's, bound as DuckDB named
parameters (``$year``), never pasted into the text. The store stays the source of truth: the files read are the
ones it names, and the code lists are read from it; a store with a dataset that names no file (loaded before the
table existed, or without one) is not answered here, and ``budgetgraph reindex`` builds the missing files.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import pyoxigraph

from budgetgraph import library
from budgetgraph.analytic.folder import TABLE_FILE, ObservationTable
from budgetgraph.analytic.rows import SCHEMA, code_rows, cofog_rows, table_kind_rows
from budgetgraph.store.base import GraphStore

SQL = Path(__file__).parent / "sql"
PARAMETER = re.compile(r"\$([a-z_]+)")
UNNAMED = f"ASK {{ ?dataset a <{library.BG}BudgetDataset> FILTER NOT EXISTS {{ ?dataset <{TABLE_FILE}> ?file }} }}"


@cache
def questions() -> dict[str, str]:
    """The SQL of each question, by the name of the library query it answers."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SQL.glob("*.sql"))}


class Analytics:
    """DuckDB (in this process) over the observation table of ``store``: the table's rows are read into memory
    once for the files the store names, and again only when they change. The store is asked which files those
    are before each answer, unless it tells its version and that has not changed (at 46,000 documents the
    asking alone takes about a second)."""

    def __init__(self, table: ObservationTable, store: GraphStore) -> None:
        self.table, self.store = table, store
        self.lock = threading.Lock()
        self.files: tuple[Path, ...] | None = None
        self.connection: duckdb.DuckDBPyConnection | None = None
        self.version: int | None = None  # the store's when the files were last listed

    def answers(self, name: str, values: Mapping[str, object] | None = None) -> list[dict[str, object]] | None:
        """The rows ``library.run`` gives for the library query ``name``; None when the question has no SQL or
        the table does not hold every dataset of the store."""
        sql = questions().get(name)
        if sql is None:
            return None
        query = library.get(name)
        bound = query.bindings(values)  # checks names and types as the SPARQL path does
        parameters = {p: _sql_value(bound.get(p)) for p in set(PARAMETER.findall(sql))}
        with self.lock:
            connection = self._connection()
            if connection is None:
                return None
            cursor = connection.cursor()
        result = cursor.execute(sql, parameters)
        names = [column[0] for column in result.description]
        return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in result.fetchall()]

    def _connection(self) -> duckdb.DuckDBPyConnection | None:
        version = self.store.version()
        if version is not None and version == self.version:
            return self.connection
        if self.store.query(UNNAMED):
            self.connection = None
        else:
            files = tuple(self.table.paths(self.store))
            if files != self.files or self.connection is None:
                self.connection = self._loaded(files)
                self.files = files
        self.version = version
        return self.connection

    def _loaded(self, files: tuple[Path, ...]) -> duckdb.DuckDBPyConnection:
        connection = duckdb.connect()
        for name, rows in (("codes", code_rows), ("cofog", cofog_rows), ("table_kinds", table_kind_rows)):
            connection.register(f"{name}_arrow", rows(self.store))
            connection.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
        if files:
            connection.execute("CREATE TABLE observations AS SELECT * FROM read_parquet($files)", {"files": [str(f) for f in files]})
        else:
            connection.register("empty_arrow", SCHEMA.empty_table())
            connection.execute("CREATE TABLE observations AS SELECT * FROM empty_arrow")
        return connection


def _sql_value(term: object) -> object:
    """A bound library parameter as DuckDB takes it: a year as a number, a phase or a level as the table writes
    it (budget, lei), other text as it is; unbound, NULL."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value.removeprefix(library.BG).split("-", 1)[1]
    return library.python_value(term)


def _plain(value: object) -> object:
    """A decimal as pyoxigraph writes one (no trailing zeros, no point when whole), other values as they are."""
    if not isinstance(value, Decimal):
        return value
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
