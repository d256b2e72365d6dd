"""The observation table's Arrow schema and Parquet files: the rows ``extract`` reads, typed. The code lists,
their COFOG matches and the table kinds' names become tables of their own, which the analytic questions join to.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

from budgetgraph.analytic import extract
from budgetgraph.store.base import GraphStore

# Every amount fits: 28 digits before the point, and 10 after it (a 元 figure with 6 decimals, in 万元).
AMOUNT = pa.decimal128(38, 10)

SCHEMA = pa.schema([
    ("document", pa.string()),  # the source document's IRI
    ("dataset", pa.string()),
    ("department", pa.string()),
    ("department_name", pa.string()),
    ("budget_unit", pa.string()),
    ("budget_unit_name", pa.string()),
    ("district_code", pa.string()),  # GB/T 2260, six digits
    ("district_name", pa.string()),
    ("province_code", pa.string()),  # the district's first two digits, then 0000
    ("city_code", pa.string()),  # its first four, then 00
    ("fiscal_year", pa.int16()),
    ("dataset_phase", pa.string()),  # the document's: budget, revised-budget or final-accounts
    ("phase", pa.string()),  # the amount's (a 决算 may print its budget beside it)
    ("amount_year", pa.int16()),  # the amount's fiscal year (a 预算 may print the year before's beside it)
    ("scope", pa.string()),  # 部门 or 单位
    ("table", pa.string()),
    ("table_kind", pa.string()),  # expenditure-summary, fiscal-grant-summary, …
    ("side", pa.string()),  # 收入 or 支出 in a table with both sides
    ("row_role", pa.string()),  # line, total, unit-subtotal or item
    ("row_number", pa.int32()),
    ("row_label", pa.string()),
    ("scheme", pa.string()),  # the code list of the row's class
    ("concept", pa.string()),  # the row's class in that code list
    ("code", pa.string()),  # as printed
    ("level", pa.string()),  # lei (类), kuan (款) or xiang (项)
    ("parent_code", pa.string()),  # the code of the printed row the row is under
    ("measure", pa.string()),  # the measure property's local name: total, amount, generalBudget, …
    ("amount", AMOUNT),
    ("amount_text", pa.string()),  # as published, with its precision
    ("unit", pa.string()),  # 元, 千元 or 万元, as published; a count's (辆, 人, 批)
    ("amount_wan_yuan", AMOUNT),  # none for a count (辆, 人, 批: a 三公 table's 相关统计数)
    ("observation", pa.string()),  # the row's IRI
])

CODE_SCHEMA = pa.schema([
    ("concept", pa.string()),
    ("scheme", pa.string()),
    ("scheme_year", pa.int16()),  # the fiscal year of a functional scheme; none for schemes of every year
    ("code", pa.string()),
    ("name_zh", pa.string()),
    ("name_en", pa.string()),
    ("edition", pa.string()),  # the concept of the edition the code stands for (skos:exactMatch), else itself
])

COFOG_SCHEMA = pa.schema([
    ("concept", pa.string()),  # a 类 of a functional scheme
    ("cofog", pa.string()),  # the COFOG division it is set under (skos:closeMatch or broadMatch)
    ("cofog_code", pa.string()),
    ("cofog_name", pa.string()),  # in English
])

TABLE_KIND_SCHEMA = pa.schema([
    ("table_kind", pa.string()),  # as the observation table writes it: expenditure-summary, …
    ("name_zh", pa.string()),  # its name (skos:prefLabel): 部门支出总体情况表
])

def table_of(rows: list[extract.Values], schema: pa.Schema = SCHEMA) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema.names]
    return pa.table(dict(zip(schema.names, columns, strict=True)), schema=schema)


def stored_rows(store: GraphStore, dataset: str) -> pa.Table:
    """The rows of one dataset as the store holds it."""
    return table_of(extract.stored_rows(store, dataset))


def code_rows(store: GraphStore) -> pa.Table:
    return table_of(extract.code_rows(store), CODE_SCHEMA)


def cofog_rows(store: GraphStore) -> pa.Table:
    return table_of(extract.cofog_rows(store), COFOG_SCHEMA)


def table_kind_rows(store: GraphStore) -> pa.Table:
    return table_of(extract.table_kind_rows(store), TABLE_KIND_SCHEMA)


def in_order(table: pa.Table) -> pa.Table:
    """The rows in the order a file holds them: by observation, then measure."""
    return table.sort_by([("observation", "ascending"), ("measure", "ascending")])


def parquet_bytes(table: pa.Table) -> bytes:
    """The table as a Parquet file, sorted so that the same rows give the same bytes."""
    sink = io.BytesIO()
    pq.write_table(in_order(table), sink, compression="zstd")
    return sink.getvalue()
