"""The observation table on disk: one Parquet file per document under ``year=YYYY/province=PP0000/``, kept in
step with the store.

Which file is a document's is said by the store: its report graph names it (``bg:observationTableFile``), in the
same transaction that writes the document's graphs. A file's name holds the digest of its bytes, so a document's
new file never overwrites its old one. A load writes the new file first (to a temporary name, then renamed), then
commits the graphs naming it, then removes the old file; a delete drops the graphs, then removes the file. Killed
at any point, the store names either the old file or the new one, both on disk: the table is always what the
store says, both old or both new. What a crash leaves behind is a file no graph names, removed by ``tidy`` when
the folder is next opened for writing, or a temporary file, removed the same way.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import URIRef

from budgetgraph.analytic.extract import document_rows
from budgetgraph.analytic.rows import parquet_bytes, stored_rows, table_of
from budgetgraph.store.base import GraphStore, checked_iri

TABLE_FILE = "https://w3id.org/budgetgraph/def#observationTableFile"
PARTIAL = ".partial"


@dataclass(frozen=True)
class TableFile:
    """A document's rows as Parquet, and where under the folder they go."""

    dataset: str
    relative: str  # year=2021/province=410000/<dataset digest>-<content digest>.parquet
    content: bytes

    @classmethod
    def of(cls, dataset: str, year: int, district: str, content: bytes) -> TableFile:
        name = f"{_digest(dataset.encode())}-{_digest(content)}.parquet"
        return cls(dataset, f"year={year}/province={district[:2]}0000/{name}", content)

    def manifest_ntriples(self) -> bytes:
        """The triple of the report graph that makes this the dataset's file."""
        literal = pyoxigraph.Literal(self.relative)
        return f"<{self.dataset}> <{TABLE_FILE}> {literal} .\n".encode()


class ObservationTable:
    """The folder of the observation table beside a store."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def file_of(self, dataset: str, year: int, district: str, graphs: Mapping[URIRef, bytes]) -> TableFile:
        """The file of a dataset's rows, read from the graphs its load writes."""
        return TableFile.of(dataset, year, district, parquet_bytes(table_of(document_rows(graphs))))

    def write(self, files: Iterable[TableFile]) -> None:
        """Put the files in place before the store names them: written under a temporary name, made durable,
        then renamed, so that a named file is always whole."""
        for file in files:
            target = self.folder / file.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + PARTIAL)
            with open(partial, "wb") as out:
                out.write(file.content)
                out.flush()
                os.fsync(out.fileno())
            partial.replace(target)

    def named(self, store: GraphStore, datasets: Iterable[str] | None = None) -> dict[str, str]:
        """The file of each dataset (of ``datasets``, else of all), as the store names them (relative paths, by
        dataset IRI)."""
        chosen = "" if datasets is None else "VALUES ?dataset { " + " ".join(checked_iri(URIRef(d)) for d in datasets) + " }"
        solutions = store.query(f"SELECT ?dataset ?file WHERE {{ {chosen} ?dataset <{TABLE_FILE}> ?file }}")
        return {s["dataset"].value: s["file"].value for s in solutions}  # type: ignore[index,union-attr]

    def paths(self, store: GraphStore) -> list[Path]:
        """The files of every dataset the store holds, in the order of their names."""
        return sorted(self.folder / relative for relative in self.named(store).values())

    def remove_unnamed(self, store: GraphStore, datasets: Iterable[str] | None = None) -> None:
        """Remove the files of ``datasets`` (every dataset when None) that the store does not name, and the
        temporary files a crash left: after a load or a delete has committed, or when the folder is opened."""
        datasets = None if datasets is None else list(datasets)
        named = {self.folder / relative for relative in self.named(store, datasets).values()}
        patterns = ["*"] if datasets is None else [f"{_digest(d.encode())}-*" for d in datasets]
        for pattern in patterns:
            for path in self.folder.glob(f"year=*/province=*/{pattern}"):
                if path.name.endswith(PARTIAL) or path not in named:
                    path.unlink(missing_ok=True)

    def reindex(self, store: GraphStore) -> int:
        """Rebuild every dataset's file from the store (the table is derived: it can always be rebuilt), each
        dataset's file and the triple naming it replaced as a load replaces them. The number of datasets."""
        datasets = self._stored_datasets(store)
        for dataset, report in datasets.items():
            rows = stored_rows(store, dataset)
            year, district = self._partition_of(store, dataset)
            file = TableFile.of(dataset, year, district, parquet_bytes(rows))
            self.write([file])
            store.update(
                f"DELETE WHERE {{ GRAPH <{report}> {{ <{dataset}> <{TABLE_FILE}> ?old }} }} ;\n"
                f"INSERT DATA {{ GRAPH <{report}> {{ {file.manifest_ntriples().decode()} }} }}"
            )
        self.remove_unnamed(store)
        return len(datasets)

    @staticmethod
    def _stored_datasets(store: GraphStore) -> dict[str, str]:
        """Each dataset with its report graph, which the dataset's graph is the prefix of."""
        solutions = store.query("SELECT ?dataset ?graph WHERE { GRAPH ?graph { ?dataset a <https://w3id.org/budgetgraph/def#BudgetDataset> } }")
        return {s["dataset"].value: f"{s['graph'].value}/report" for s in solutions}  # type: ignore[index,union-attr]

    @staticmethod
    def _partition_of(store: GraphStore, dataset: str) -> tuple[int, str]:
        solutions = store.query(
            "SELECT ?dataset ?year ?district WHERE { ?dataset <https://w3id.org/budgetgraph/def#fiscalYear> ?year ; "
            "<http://purl.org/dc/terms/spatial>/<http://www.w3.org/2004/02/skos/core#notation> ?district }",
            {"dataset": pyoxigraph.NamedNode(dataset)},
        )
        found = next(iter(solutions))  # type: ignore[call-overload]
        return int(found["year"].value), found["district"].value


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]
