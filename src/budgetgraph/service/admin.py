"""The admin API, the only way to write through the service: upload a document (ingest → validate → load,
answered with its validation report) and delete a dataset.

It exists only when a token is configured ($BUDGETGRAPH_ADMIN_TOKEN, or ``serve --admin-token-file``), and
every request must carry it as ``Authorization: Bearer <token>``. The public endpoints stay read-only.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath

import pyoxigraph
from fastapi import APIRouter, Depends, HTTPException, UploadFile
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from rdflib import URIRef

from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.config import FileLimits
from budgetgraph.errors import BudgetgraphError, LimitError
from budgetgraph.pipeline import load, prepare_isolated
from budgetgraph.store import GraphStore

DATASET_PATH = re.compile(r"[0-9A-Za-z]+(/[0-9A-Za-z-]+){3,4}")  # district/department/year/phase[/unit]
STORED = "ASK { GRAPH ?graph { ?s ?p ?o } }"
NAME_MAX = 255  # bytes in a file name, on the file systems a temporary folder lives on


def router(
    store: GraphStore, base: str, token: str, on_change: Callable[[], None], limits: FileLimits = FileLimits(),
    observations: ObservationTable | None = None,
) -> APIRouter:
    """``on_change`` runs after every write, for whatever the service caches about the store. Each upload is read
    in a worker process within ``limits``; loads and deletes keep ``observations`` in step with the store."""
    routes = APIRouter(prefix="/admin", dependencies=[Depends(_bearer(token))])

    @routes.post("/documents")
    def upload(file: UploadFile) -> Response:
        """Ingest one document; it replaces any earlier load of the same dataset. 201 with the validation
        report when loaded, 422 with it when structural violations stop the load, 400 when unreadable, 413 when
        beyond a limit on what reading it may cost (size, unpacked size, pages, memory, time). Only the last part of
        the upload's filename is kept, and it must name a file: its extension says how to read it."""
        name = PurePath(file.filename or "document").name
        if name in ("", "..") or "\0" in name or len(name.encode()) > NAME_MAX:
            raise HTTPException(400, f"file: the upload's filename {file.filename!r} names no file (give one such as budget.pdf, at most {NAME_MAX} bytes)")
        data = file.file.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise HTTPException(413, f"{name}: larger than the limit of {limits.max_bytes:,} bytes")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                prepared = prepare_isolated(path, base, limits)
                outcome = prepared.outcome
                answer = {"file": name, "dataset": str(outcome.mapped.dataset), "graph": str(outcome.mapped.graph_name)}
                if not outcome.report.conforms:
                    return JSONResponse({**answer, "loaded": False, "report": outcome.report.to_json()}, status_code=422)
                load(prepared, store, observations)
            except BudgetgraphError as error:
                raise HTTPException(413 if isinstance(error, LimitError) else 400, str(error).replace(folder + "/", "")) from error
        on_change()
        return JSONResponse({**answer, "loaded": True, "report": outcome.report.to_json()}, status_code=201)

    @routes.delete("/datasets/{path:path}")
    def delete(path: str) -> Response:
        """Remove a dataset (its document graph and its validation report): /admin/datasets/410303/113001/2021/budget."""
        if not DATASET_PATH.fullmatch(path):
            raise HTTPException(400, f"not a dataset path: {path!r} (district/department/year/phase)")
        graph = URIRef(f"{base}graph/dataset/{path}")
        if not store.query(STORED, {"graph": pyoxigraph.NamedNode(str(graph))}):
            raise HTTPException(404, f"no dataset {path} in the store")
        store.drop_graphs([graph, URIRef(f"{graph}/report")])
        if observations is not None:
            observations.remove_unnamed(store, [f"{base}id/dataset/{path}"])
        on_change()
        return Response(status_code=204)

    return routes


def _bearer(token: str) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    scheme = HTTPBearer(auto_error=False)

    def check(credentials: HTTPAuthorizationCredentials | None = Depends(scheme)) -> None:
        if credentials is None:
            raise HTTPException(401, "the admin API needs 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(403, "wrong admin token")

    return check
