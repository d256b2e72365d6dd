"""Downloads: the whole store and each dataset as gzipped N-Quads, with a SHA256SUMS listing.

The bytes are deterministic (each graph's quads sorted, graphs in name order, gzip without a time stamp or
file name), so the checksum the catalogue states is the checksum of what a harvester downloads, and the SHA-256
doubles as the ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import format_datetime

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from budgetgraph.mapping.uris import Minter
from budgetgraph.service.datasets import PublishedDataset, find, published_datasets
from budgetgraph.service.snapshot import read_at, remembered
from budgetgraph.store import GraphStore

WHOLE = "budgetgraph.nq.gz"
QUADS_OF_GRAPH = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Dump:
    body: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.body)


def dump_path(dataset: PublishedDataset) -> str:
    """Where the dataset's dump is, relative to /dumps/ (as SHA256SUMS names it)."""
    return f"dataset/{dataset.path}.nq.gz"


@remembered
def dataset_dump(store: GraphStore, dataset: PublishedDataset) -> Dump:
    """The dataset's own graph and its validation report."""
    return _dump(store, [dataset.graph, dataset.report_graph])


@remembered
def whole_dump(store: GraphStore) -> Dump:
    """Every named graph; only one graph's quads are held uncompressed at a time."""
    return _dump(store, store.graph_names())


def _dump(store: GraphStore, graphs: Iterable[str]) -> Dump:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        for graph in sorted(graphs):
            out.writelines(_sorted_quads(store, graph))
    body = buffer.getvalue()
    return Dump(body, hashlib.sha256(body).hexdigest())


def _sorted_quads(store: GraphStore, graph: str) -> list[bytes]:
    """The graph's N-Quads lines in byte order (N-Quads escapes line breaks, so a line is a quad)."""
    solutions = store.query(QUADS_OF_GRAPH, {"g": pyoxigraph.NamedNode(graph)})
    try:
        quads = [pyoxigraph.Quad(s["s"], s["p"], s["o"], s["g"]) for s in solutions]  # type: ignore[arg-type,index]
    finally:
        del solutions  # released in the thread that made it
    return sorted(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS).splitlines(keepends=True))  # type: ignore[union-attr]


def router(store: GraphStore, base: str) -> APIRouter:
    routes = APIRouter(tags=["dumps"])
    base = Minter(base).base

    @routes.api_route(f"/dumps/{WHOLE}", methods=["GET", "HEAD"], response_class=Response)
    def whole(request: Request) -> Response:
        return _download(request, whole_dump(store), WHOLE)

    @routes.api_route("/dumps/dataset/{path:path}.nq.gz", methods=["GET", "HEAD"], response_class=Response)
    def dataset(request: Request, path: str) -> Response:
        found = find(store, base, path)
        if found is None:
            return PlainTextResponse(f"no dataset {path!r}: /dumps/SHA256SUMS lists every dump, /catalog every dataset", status_code=404)
        return _download(request, dataset_dump(store, found), path.replace("/", "-") + ".nq.gz")

    @routes.get("/dumps/SHA256SUMS", response_class=PlainTextResponse)
    def checksums() -> PlainTextResponse:
        """In the format of ``sha256sum --check``, run in a directory mirroring /dumps/."""
        dumps = [(WHOLE, whole_dump(store))] + [(dump_path(d), dataset_dump(store, d)) for d in published_datasets(store, base)]
        return PlainTextResponse("".join(f"{dump.sha256}  {name}\n" for name, dump in dumps))

    return routes


def _download(request: Request, dump: Dump, file_name: str) -> Response:
    # Served as the gzip file it is, not with Content-Encoding: gzip, which clients undo before hashing.
    headers = {
        "ETag": f'"{dump.sha256}"',
        "Last-Modified": format_datetime(read_at(), usegmt=True),
        "Content-Disposition": f'attachment; filename="{file_name}"',
    }
    if _matches(request.headers.get("if-none-match", ""), dump.sha256):
        return Response(status_code=304, headers=headers)
    return Response(dump.body, media_type="application/gzip", headers=headers)


def _matches(if_none_match: str, sha256: str) -> bool:
    """RFC 9110, section 13.1.2: weak comparison against each listed entity tag, or "*"."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or f'"{sha256}"' in tags
