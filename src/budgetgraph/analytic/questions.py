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
import pyarrow as pa
import pyoxigraph

from budgetgraph import library
from budgetgraph.errors import BudgetgraphError
from budgetgraph.analytic.folder import TABLE_FILE, ObservationTable
from budgetgraph.analytic.rows import (
    CODE_SCHEMA,
    COFOG_SCHEMA,
    SCHEMA,
    TABLE_KIND_SCHEMA,
    code_rows,
    cofog_rows,
    table_kind_rows,
)
from budgetgraph.store.base import GraphStore

SQL = Path(__file__).parent / "sql"
PARAMETER = re.compile(r"\$([a-z_]+)")
# The table ``datasets``: one row per dataset and scope, which the questions would otherwise find among every row.
DATASET_COLUMNS = "dataset, district_code, district_name, department, department_name, fiscal_year, dataset_phase, scope"
CODE_TABLES = {"codes": (CODE_SCHEMA, code_rows), "cofog": (COFOG_SCHEMA, cofog_rows), "table_kinds": (TABLE_KIND_SCHEMA, table_kind_rows)}
UNNAMED = f"ASK {{ ?dataset a <{library.BG}BudgetDataset> FILTER NOT EXISTS {{ ?dataset <{TABLE_FILE}> ?file }} }}"


@cache
def questions() -> dict[str, str]:
    """The SQL of each question, by the name of the library query it answers."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SQL.glob("*.sql"))}


class Analytics:
    """DuckDB (in this process) over the observation table of ``store``: the rows of the files the store names
    are read into memory, each file's once. The store is asked which files those
    are before each answer, unless it tells its version and that has not changed (at 4,600 documents the
    asking took 75 ms, and it grows with their number)."""

    def __init__(self, table: ObservationTable, store: GraphStore) -> None:
        self.table, self.store = table, store
        self.lock = threading.Lock()
        self.files: frozenset[Path] = frozenset()  # those whose rows are in memory
        self.connection: duckdb.DuckDBPyConnection | None = None
        self.version: int | None = None  # the store's when the files were last listed

    def answers(self, name: str, values: Mapping[str, object] | None = None) -> list[dict[str, object]] | None:
        """The rows ``library.run`` gives for the library query ``name``; None when the question has no SQL or
        the table does not hold every dataset of the store."""
        answer = self.table_of(name, values)
        if answer is None:
            return None
        return [{n: _plain(v) for n, v in row.items()} for row in answer.to_pylist()]

    def table_of(self, name: str, values: Mapping[str, object] | None = None) -> pa.Table | None:
        """The answer as an Arrow table, the columns and order of ``answers``' rows: no Python object per value
        (at 100M quads, making the 470,000 rows of a question Python dicts takes longer than answering it)."""
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
        return cursor.sql(sql, params=parameters).to_arrow_table()

    def _connection(self) -> duckdb.DuckDBPyConnection | None:
        version = self.store.version()
        if version is not None and version == self.version and self.connection is not None:
            return self.connection
        if self.store.query(UNNAMED):
            return None
        self._refresh(frozenset(self.table.paths(self.store)))
        self.version = version
        return self.connection

    def _refresh(self, files: frozenset[Path]) -> None:
        """Bring the rows in memory to ``files``: the rows of files no longer named out, those of new files in
        (a re-ingest writes a new file), and the code lists read again, in one transaction, so that an answer
        being computed meanwhile sees the rows as they were (at 46,000 documents, reading every file again
        takes 33 s)."""
        if self.connection is None:
            self.connection = duckdb.connect()
            self.connection.register("empty_arrow", SCHEMA.empty_table())
            self.connection.execute("CREATE TABLE observations AS SELECT *, '' AS filename FROM empty_arrow WITH NO DATA")
            self.connection.execute(f"CREATE TABLE datasets AS SELECT DISTINCT {DATASET_COLUMNS}, filename FROM observations WITH NO DATA")
            for name, (schema, _) in CODE_TABLES.items():
                self.connection.register("empty_arrow", schema.empty_table())
                self.connection.execute(f"CREATE TABLE {name} AS SELECT * FROM empty_arrow WITH NO DATA")
            self.connection.unregister("empty_arrow")
        connection = self.connection.cursor()
        connection.execute("BEGIN TRANSACTION")
        if gone := sorted(str(path) for path in self.files - files):
            for name in ("observations", "datasets"):
                connection.execute(f"DELETE FROM {name} WHERE filename IN (SELECT unnest($gone))", {"gone": gone})
        if new := sorted(str(path) for path in files - self.files):
            # in the order the questions select by, so that DuckDB skips the row groups that cannot match
            try:
                connection.execute("INSERT INTO observations SELECT * FROM read_parquet($new, filename = true, hive_partitioning = false) "
                                   "ORDER BY table_kind, row_role, measure", {"new": new})
            except duckdb.Error as error:
                connection.execute("ROLLBACK")
                raise BudgetgraphError(
                    f"cannot read the observation table's files ({error}); a table written by an earlier budgetgraph, "
                    "with other columns, is rebuilt by `budgetgraph reindex`", file=str(self.table.folder),
                ) from error
            connection.execute(f"INSERT INTO datasets SELECT DISTINCT {DATASET_COLUMNS}, filename FROM observations "
                               "WHERE filename IN (SELECT unnest($new))", {"new": new})
        for name, (_, rows) in CODE_TABLES.items():
            connection.register("rows_arrow", rows(self.store))
            connection.execute(f"DELETE FROM {name}")
            connection.execute(f"INSERT INTO {name} SELECT * FROM rows_arrow")
            connection.unregister("rows_arrow")
        connection.execute("COMMIT")
        self.files = files


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
