"""Downloads: the whole store and each dataset as gzipped N-Quads, the observation table as Parquet and as CSV
with its CSVW metadata, with a SHA256SUMS listing.

The bytes are deterministic (each graph's quads sorted, graphs in name order, gzip without a time stamp or
file name), so the checksum the catalogue states is the checksum of what a harvester downloads, and the SHA-256
doubles as the ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import BinaryIO

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from budgetgraph.analytic import exports
from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.mapping.uris import Minter
from budgetgraph.service.datasets import PublishedDataset, find, published_datasets
from budgetgraph.service.snapshot import generation, read_at, remembered
from budgetgraph.store import GraphStore

WHOLE = "budgetgraph.nq.gz"
TABLE_FILES = {exports.PARQUET: exports.PARQUET_MEDIA_TYPE, exports.CSV: "text/csv; charset=utf-8", exports.CSV_METADATA: exports.CSVW_MEDIA_TYPE}
QUADS_OF_GRAPH = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Dump:
    """A dump written to disk, named by its SHA-256 (a harvester's download is streamed from the file)."""

    path: Path
    sha256: str
    size: int


def dump_path(dataset: PublishedDataset) -> str:
    """Where the dataset's dump is, relative to /dumps/ (as SHA256SUMS names it)."""
    return f"dataset/{dataset.path}.nq.gz"


@remembered
def dataset_dump(store: GraphStore, folder: Path, dataset: PublishedDataset) -> Dump:
    """The dataset's own graph and its validation report."""
    return _dump(store, [dataset.graph, dataset.report_graph], folder)


@remembered
def whole_dump(store: GraphStore, folder: Path) -> Dump:
    """Every named graph; only one graph's quads are held uncompressed at a time."""
    return _dump(store, store.graph_names(), folder)


@remembered
def table_dump(store: GraphStore, folder: Path, table: ObservationTable, name: str) -> Dump:
    """The observation table as one file: Parquet, CSV, or the CSV's CSVW metadata."""
    if name == exports.CSV_METADATA:
        return _written(folder, f"-{name}", lambda out: out.write(exports.csvw_metadata_bytes(exports.CSV)))
    write = exports.write_parquet if name == exports.PARQUET else exports.write_csv
    return _written(folder, f"-{name}", lambda out: write(table.paths(store), out))


def _dump(store: GraphStore, graphs: Iterable[str], folder: Path) -> Dump:
    def write(part: BinaryIO) -> None:
        with gzip.GzipFile(filename="", fileobj=part, mode="wb", mtime=0) as out:  # no name in the header
            for graph in sorted(graphs):
                out.writelines(_sorted_quads(store, graph))
    return _written(folder, ".nq.gz", write)


def _written(folder: Path, suffix: str, write: Callable[[BinaryIO], object]) -> Dump:
    """Written into a subfolder for the store's current state; the folders of earlier states (before a write
    through the admin API) are removed, so dumps on disk never outgrow the store's."""
    current = folder / str(generation())
    current.mkdir(parents=True, exist_ok=True)
    for earlier in folder.iterdir():
        if earlier != current:
            shutil.rmtree(earlier, ignore_errors=True)
    with tempfile.NamedTemporaryFile(dir=current, suffix=".part", delete=False) as part:
        write(part)
    with open(part.name, "rb") as written:
        sha256 = hashlib.file_digest(written, "sha256").hexdigest()
    path = current / f"{sha256}{suffix}"
    os.replace(part.name, path)
    return Dump(path, sha256, path.stat().st_size)


def _sorted_quads(store: GraphStore, graph: str) -> list[bytes]:
    """The graph's N-Quads lines in byte order (N-Quads escapes line breaks, so a line is a quad)."""
    solutions = store.query(QUADS_OF_GRAPH, {"g": pyoxigraph.NamedNode(graph)})
    try:
        quads = [pyoxigraph.Quad(s["s"], s["p"], s["o"], s["g"]) for s in solutions]  # type: ignore[arg-type,index]
    finally:
        del solutions  # released in the thread that made it
    return sorted(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS).splitlines(keepends=True))  # type: ignore[union-attr]


def router(store: GraphStore, base: str, folder: Path, observations: ObservationTable | None = None) -> APIRouter:
    """The dumps, written into ``folder`` when first asked for; the observation table's when there is one."""
    routes = APIRouter(tags=["dumps"])
    base = Minter(base).base

    @routes.api_route(f"/dumps/{WHOLE}", methods=["GET", "HEAD"], response_class=Response)
    def whole(request: Request) -> Response:
        return _download(request, whole_dump(store, folder), WHOLE)

    @routes.api_route("/dumps/dataset/{path:path}.nq.gz", methods=["GET", "HEAD"], response_class=Response)
    def dataset(request: Request, path: str) -> Response:
        found = find(store, base, path)
        if found is None:
            return PlainTextResponse(f"no dataset {path!r}: /dumps/SHA256SUMS lists every dump, /catalog every dataset", status_code=404)
        return _download(request, dataset_dump(store, folder, found), path.replace("/", "-") + ".nq.gz")

    for name, media_type in TABLE_FILES.items():
        def table_file(request: Request, name: str = name, media_type: str = media_type) -> Response:
            if observations is None:
                return PlainTextResponse("this service publishes no observation table", status_code=404)
            return _download(request, table_dump(store, folder, observations, name), name, media_type)
        routes.add_api_route(f"/dumps/{name}", table_file, methods=["GET", "HEAD"], response_class=Response)

    @routes.get("/dumps/SHA256SUMS", response_class=PlainTextResponse)
    def checksums() -> PlainTextResponse:
        """In the format of ``sha256sum --check``, run in a directory mirroring /dumps/."""
        dumps = [(WHOLE, whole_dump(store, folder))] + [(dump_path(d), dataset_dump(store, folder, d)) for d in published_datasets(store, base)]
        if observations is not None:
            dumps += [(name, table_dump(store, folder, observations, name)) for name in TABLE_FILES]
        return PlainTextResponse("".join(f"{dump.sha256}  {name}\n" for name, dump in dumps))

    return routes


def _download(request: Request, dump: Dump, file_name: str, media_type: str = "application/gzip") -> Response:
    # Served as the gzip file it is, not with Content-Encoding: gzip, which clients undo before hashing.
    headers = {
        "ETag": f'"{dump.sha256}"',
        "Last-Modified": format_datetime(read_at(), usegmt=True),
        "Content-Disposition": f'attachment; filename="{file_name}"',
    }
    if _matches(request.headers.get("if-none-match", ""), dump.sha256):
        return Response(status_code=304, headers=headers)
    return FileResponse(dump.path, media_type=media_type, headers=headers)


def _matches(if_none_match: str, sha256: str) -> bool:
    """RFC 9110, section 13.1.2: weak comparison against each listed entity tag, or "*"."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or f'"{sha256}"' in tags
