"""The observation table as downloads: one Parquet file and one CSV file of every row, and the CSV's W3C CSVW
metadata (its columns, their datatypes and meaning), which a CSVW validator checks the CSV against.

Rows are written file by file in the order of the files' names, each file's rows in their own order, so the
bytes depend only on what the store holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from budgetgraph.analytic.rows import SCHEMA
from budgetgraph.config import DEFAULT_LICENSE

PARQUET = "observations.parquet"
CSV = "observations.csv"
CSV_METADATA = "observations.csv-metadata.json"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"
CSVW_MEDIA_TYPE = "application/csvm+json"

# What each column holds, for the CSVW metadata (and the README's table of columns).
DESCRIPTIONS = {
    "document": "IRI of the source document the amount was read from",
    "dataset": "IRI of the dataset (one per document: department, year, phase)",
    "department": "IRI of the department", "department_name": "the department's name",
    "budget_unit": "IRI of the budget unit (预算单位) of the row", "budget_unit_name": "the budget unit's name",
    "district_code": "GB/T 2260 code of the district", "district_name": "the district's name",
    "province_code": "GB/T 2260 code of the district's province", "city_code": "GB/T 2260 code of the district's prefecture",
    "fiscal_year": "the document's fiscal year",
    "dataset_phase": "the document's phase: budget, revised-budget or final-accounts",
    "phase": "the amount's phase (a 决算 may print its budget beside it)",
    "amount_year": "the amount's fiscal year (a 预算 may print the year before's 执行数 beside its own)",
    "scope": "部门 (a department's consolidated document) or 单位 (one unit's)",
    "table": "IRI of the published table", "table_kind": "the kind of table, e.g. expenditure-summary",
    "side": "收入 or 支出, in a table with both sides", "row_role": "line, total, unit-subtotal or item",
    "row_number": "the row's number in its table", "row_label": "the row's printed name",
    "scheme": "IRI of the code list of the row's classification", "concept": "IRI of the row's class in it",
    "code": "the classification code as printed", "level": "lei (类), kuan (款) or xiang (项)",
    "parent_code": "the code of the printed row this row is under",
    "measure": "the column's measure (local name of its bg: property, e.g. total, basicExpenditure)",
    "amount": "the amount, exact, in the published unit", "amount_text": "the amount as published, with its precision",
    "unit": "the published unit: 元, 千元 or 万元; a count's (辆, 人, 批)", "amount_wan_yuan": "the amount in 万元, exact; empty for a count",
    "observation": "IRI of the row (an RDF Data Cube observation)",
}
CSVW_TYPES = {"string": "string", "int16": "integer", "int32": "integer"}


def write_parquet(files: Iterable[Path], out: BinaryIO) -> None:
    with pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:
        for file in files:
            writer.write_table(pq.read_table(file, schema=SCHEMA))


def write_csv(files: Iterable[Path], out: BinaryIO) -> None:
    with pacsv.CSVWriter(out, CSV_SCHEMA) as writer:
        for file in files:
            writer.write_table(_plain_decimals(pq.read_table(file, schema=SCHEMA)))


# pyarrow writes a decimal zero as 0E-10, which is no xsd:decimal: the CSV has the decimals as plain text.
CSV_SCHEMA = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_decimal(f.type) else f for f in SCHEMA])


def _plain_decimals(table: pa.Table) -> pa.Table:
    columns = [
        pa.array([None if value is None else format(value, "f") for value in column.to_pylist()], pa.string())
        if pa.types.is_decimal(column.type) else column
        for column in table.columns
    ]
    return pa.table(columns, schema=CSV_SCHEMA)


def csvw_metadata(csv_url: str) -> dict[str, object]:
    """The CSVW table description of the CSV at ``csv_url`` (relative to the metadata, or absolute)."""
    columns = [
        {
            "name": field.name,
            "titles": field.name,
            "dc:description": DESCRIPTIONS[field.name],
            "datatype": CSVW_TYPES.get(str(field.type), "decimal"),
            **({"required": True} if field.name in ("dataset", "measure", "amount", "observation") else {}),
        }
        for field in SCHEMA
    ]
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "zh"}],
        "url": csv_url,
        "dc:title": "budgetgraph observations: one row per published amount",
        "dc:license": {"@id": DEFAULT_LICENSE},
        "dialect": {"header": True, "doubleQuote": True},
        "tableSchema": {"columns": columns, "primaryKey": ["observation", "measure"]},
    }


def csvw_metadata_bytes(csv_url: str) -> bytes:
    return json.dumps(csvw_metadata(csv_url), ensure_ascii=False, indent=2).encode("utf-8")
