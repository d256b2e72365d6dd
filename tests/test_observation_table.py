"""The observation table: every amount a row of a Parquet file per document, in step with the store, and the
library's aggregate questions answered from it by DuckDB with exactly the rows SPARQL gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import csvw
import httpx
import pyarrow.dataset
import pyarrow.parquet as pq
import pytest
from conftest import BASE, CORPUS, ROOT, SEED, serving

from budgetgraph import compare, library
from budgetgraph.analytic import exports
from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.analytic.questions import Analytics, questions
from budgetgraph.analytic.rows import SCHEMA, in_order, stored_rows
from budgetgraph.errors import BudgetgraphError
from budgetgraph.pipeline import ingest, ingest_many
from budgetgraph.service import create_app
from budgetgraph.store import EmbeddedStore

# The analytic documents add a 决算 to a synthetic 预算 of the same year, and a change rate on a negative tie.
ANALYTIC = sorted((ROOT / "tests" / "data" / "analytic").glob("*.txt"))
# Other years' and phases' amounts beside the document's, and counts (相关统计数): rows the questions must leave out.
VARIANTS = [ROOT / "tests" / "data" / "variants" / name for name in ("synthetic-beside-last-year-2024-budget.txt", "synthetic-three-public-with-counts-2017-budget.txt")]
FIXTURES = [*sorted((ROOT / "data" / "synthetic").iterdir()), SEED, *sorted(CORPUS.glob("*.pdf")), *ANALYTIC, *VARIANTS]
# Parameter sets that each give rows on the fixtures for some questions: every phase, every level, a district, a
# year, a code of each depth; the ones a question does not take are left out for it.
VALUES = [
    {},
    {"phase": "final-accounts"},
    {"year": "2021"},
    {"year": "2022", "district": "110101"},
    {"level": "kuan"},
    {"level": "xiang", "district": "410303"},
    {"code": "2080505"},
    {"code": "20103"},
    {"code": "201", "year": "2024", "phase": "final-accounts"},
    {"district": "110101"},
    {"district": "110101", "year": "2021"},
]
TOKEN = "observation-table-test-token"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, ObservationTable]:
    folder = tmp_path_factory.mktemp("observations")
    store, table = EmbeddedStore(folder / "store"), ObservationTable(folder / "store.observations")
    failed = [(path, outcome) for path, outcome in ingest_many(FIXTURES, store, BASE, 2, table=table) if not hasattr(outcome, "loaded")]
    assert not failed
    return store, table


@pytest.mark.parametrize("name", sorted(questions()))
def test_duckdb_answers_each_question_with_the_rows_sparql_gives(loaded: tuple[EmbeddedStore, ObservationTable], name: str) -> None:
    store, table = loaded
    analytics = Analytics(table, store)
    query = library.get(name)
    taken = {p.name for p in query.parameters}
    answered = 0
    for values in sorted({tuple(sorted((k, v) for k, v in values.items() if k in taken)) for values in VALUES}):
        expected = library.run(store, query, dict(values))
        assert analytics.answers(name, dict(values)) == expected, f"{name} {dict(values)}"
        answered += bool(expected)
    assert answered >= 2, f"{name}: fewer than two parameter sets give rows, which proves little"


def test_each_file_holds_its_datasets_rows_as_the_store_has_them(loaded: tuple[EmbeddedStore, ObservationTable]) -> None:
    store, table = loaded
    named = table.named(store)
    assert len(named) == len(FIXTURES)
    for dataset, relative in named.items():
        rows = pq.read_table(table.folder / relative)
        assert rows.schema.equals(SCHEMA)
        assert rows == in_order(stored_rows(store, dataset))
        partitions = {f"year={row['fiscal_year']}/province={row['province_code']}/" for row in rows.to_pylist()}
        assert all(relative.startswith(partition) for partition in partitions)
    assert sum(pq.read_table(table.folder / relative).num_rows > 0 for relative in named.values()) == len(FIXTURES) - 1  # the template has no amounts


def test_amounts_are_exact_in_their_published_unit_and_in_wan_yuan(loaded: tuple[EmbeddedStore, ObservationTable]) -> None:
    store, table = loaded
    rows = [row for path in table.paths(store) for row in pq.read_table(path).to_pylist()]
    units = {row["unit"] for row in rows}
    assert {"元", "万元"} <= units
    for row in rows:
        assert row["amount"] == Decimal(row["amount_text"])
        factor = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1)}.get(row["unit"])
        assert row["amount_wan_yuan"] == (Decimal(row["amount_text"]) * factor if factor is not None else None)  # a count is no money
    assert {"辆", "人"} <= units


def test_reindex_rebuilds_the_same_files_from_the_store(loaded: tuple[EmbeddedStore, ObservationTable], tmp_path: Path) -> None:
    store, table = loaded
    before = {path.relative_to(table.folder): path.read_bytes() for path in table.paths(store)}
    rebuilt = ObservationTable(tmp_path / "rebuilt")
    assert rebuilt.reindex(store) == len(FIXTURES)
    assert {path.relative_to(rebuilt.folder): path.read_bytes() for path in rebuilt.paths(store)} == before


def test_a_re_ingest_replaces_the_documents_rows_and_a_delete_removes_them(tmp_path: Path) -> None:
    store, table = EmbeddedStore(tmp_path / "store"), ObservationTable(tmp_path / "store.observations")
    edited = tmp_path / SEED.name
    edited.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    dataset = str(ingest(edited, store, BASE, table).mapped.dataset)
    first = table.named(store)[dataset]
    analytics = Analytics(table, store)  # kept across the writes, as the service keeps it
    answered = analytics.answers("line-across-districts", {"code": "2010301"})
    assert ingest(edited, store, BASE, table) and table.named(store)[dataset] == first  # the same rows, the same file
    text = SEED.read_text(encoding="utf-8")
    assert text.count("46.64") >= 1
    edited.write_text(text.replace("46.64", "46.65"), encoding="utf-8")
    ingest(edited, store, BASE, table)
    second = table.named(store)[dataset]
    assert second != first and not (table.folder / first).exists()
    rows = pq.read_table(table.folder / second)
    assert rows == in_order(stored_rows(store, dataset))
    assert "46.65" in rows.column("amount_text").to_pylist() and "46.64" not in rows.column("amount_text").to_pylist()
    assert [p.relative_to(table.folder).as_posix() for p in table.folder.rglob("*.parquet")] == [second]
    again = analytics.answers("line-across-districts", {"code": "2010301"})
    assert again != answered and again == library.run(store, library.get("line-across-districts"), {"code": "2010301"})

    path = dataset.removeprefix(f"{BASE}id/dataset/")
    with serving(create_app(store, base=BASE, admin_token=TOKEN, observations=table)) as root:
        answer = httpx.delete(f"{root}/admin/datasets/{path}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 204
    assert table.named(store) == {} and not list(table.folder.rglob("*.parquet"))


def test_a_table_written_with_other_columns_is_refused_with_the_command_that_rebuilds_it(tmp_path: Path) -> None:
    store, table = EmbeddedStore(tmp_path / "store"), ObservationTable(tmp_path / "store.observations")
    ingest(SEED, store, BASE, table)
    (written,) = table.folder.rglob("*.parquet")
    pq.write_table(pq.read_table(written).drop_columns(["amount_year"]), written)  # as budgetgraph wrote it before the column
    with pytest.raises(BudgetgraphError, match="rebuilt by `budgetgraph reindex`"):
        Analytics(table, store).answers("totals-by-district-year")
    table.reindex(store)
    assert Analytics(table, store).answers("totals-by-district-year") == library.run(store, library.get("totals-by-district-year"))


def test_a_store_whose_datasets_name_no_file_is_answered_by_sparql(tmp_path: Path) -> None:
    """Loaded without the table (or before it existed): DuckDB does not answer from an incomplete table, the
    comparison still does, by SPARQL, and reindex makes the table whole."""
    store, table = EmbeddedStore(tmp_path / "store"), ObservationTable(tmp_path / "store.observations")
    ingest(SEED, store, BASE)
    analytics = Analytics(table, store)
    assert analytics.answers("expenditure-by-level") is None
    selection = compare.Selection(level="lei")
    by_sparql = compare.compare(store, selection, analytics)
    assert by_sparql.bars
    assert table.reindex(store) == 1
    assert analytics.answers("expenditure-by-level") is not None
    assert compare.compare(store, selection, analytics) == by_sparql


def test_files_no_dataset_names_are_removed_by_the_next_writer(loaded: tuple[EmbeddedStore, ObservationTable], tmp_path: Path) -> None:
    """What a killed load leaves (a file written before the store named it, a partial file) is tidied."""
    store, table = loaded
    copy = ObservationTable(tmp_path / "copy")
    shutil.copytree(table.folder, copy.folder)
    first = copy.paths(store)[0]
    orphan, partial = first.with_name("0000000000000000-0000000000000000.parquet"), first.with_name("x.parquet.partial")
    orphan.write_bytes(first.read_bytes())
    partial.write_bytes(b"PAR1")
    copy.remove_unnamed(store)
    assert not orphan.exists() and not partial.exists()
    assert sorted(copy.folder.rglob("*.parquet")) == copy.paths(store)


@pytest.fixture(scope="module")
def downloads(loaded: tuple[EmbeddedStore, ObservationTable], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The table's dumps as a researcher downloads them from a running service."""
    store, table = loaded
    folder = tmp_path_factory.mktemp("downloads")
    with serving(create_app(store, base=BASE, observations=table)) as root:
        for name in (exports.PARQUET, exports.CSV, exports.CSV_METADATA):
            answer = httpx.get(f"{root}/dumps/{name}")
            assert answer.status_code == 200
            (folder / name).write_bytes(answer.content)
    return folder


def test_the_csv_dump_validates_against_its_csvw_metadata_and_holds_the_parquets_rows(
    loaded: tuple[EmbeddedStore, ObservationTable], downloads: Path
) -> None:
    store, table = loaded
    described = csvw.Table.from_file(downloads / exports.CSV_METADATA)
    assert [c.name for c in described.tableSchema.columns] == SCHEMA.names
    rows = list(described.iterdicts(strict=True))  # every value read as its column's datatype, or it raises
    assert described.check_primary_key()
    parquet = pq.read_table(downloads / exports.PARQUET)
    assert parquet.schema.equals(SCHEMA)
    assert len(rows) == parquet.num_rows == sum(pq.read_table(path).num_rows for path in table.paths(store)) > 1000
    assert [row["amount"] for row in rows] == parquet.column("amount").to_pylist()
    assert [row["observation"] for row in rows] == parquet.column("observation").to_pylist()


def test_the_partitioned_folder_reads_as_one_table_in_another_engine(loaded: tuple[EmbeddedStore, ObservationTable], downloads: Path) -> None:
    """pyarrow's datasets (what Spark and Trino do with a Hive-partitioned folder): the partitions are the
    columns, and the rows are the dump's."""
    _, table = loaded
    dataset = pyarrow.dataset.dataset(table.folder, format="parquet", partitioning="hive")
    whole = dataset.to_table()
    assert whole.num_rows == pq.read_table(downloads / exports.PARQUET).num_rows
    for row in whole.select(["year", "province", "fiscal_year", "province_code"]).to_pylist():
        assert (row["year"], f"{row['province']:06d}") == (row["fiscal_year"], row["province_code"])
    by_year = whole.group_by("fiscal_year").aggregate([("amount_wan_yuan", "sum")]).to_pylist()
    assert {r["fiscal_year"] for r in by_year} >= {2019, 2021, 2024}


def test_the_readmes_pandas_and_duckdb_example_runs(loaded: tuple[EmbeddedStore, ObservationTable], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, table = loaded
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("<!-- readme-example: observation-table", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    with serving(create_app(store, base=BASE, observations=table)) as root:
        printed = subprocess.run([sys.executable, "-c", example.replace("http://127.0.0.1:8000", root)], capture_output=True, text=True, timeout=120, check=False)
    assert printed.returncode == 0, printed.stderr
    assert "110101" in printed.stdout and "北京市东城区" in printed.stdout
