"""A crowd told to come back: pages, RDF, catalogues and dumps in flight are bounded as queries are.

Without a bound, requests beyond what the threads can render queue inside the service until their clients give
up (the load test saw pages answered after a minute, or never). Beyond ``max_requests`` in flight, or
``max_requests_per_client`` from one address, a request is answered at once with 503 and Retry-After. The SPARQL
endpoint and the query library count their queries themselves; the admin API is its token holder's.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from budgetgraph.config import Limits
from budgetgraph.service.evaluation import RETRY_AFTER_S, Admission, Full

COUNTED_ELSEWHERE = ("/sparql", "/queries", "/admin")


class RequestAdmission:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.admission = Admission(limits.max_requests, limits.max_requests_per_client, "requests")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(COUNTED_ELSEWHERE):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        try:
            with self.admission.admitted(client):  # only entering raises Full: the routes here never do
                await self.app(scope, receive, send)
        except Full as full:
            await PlainTextResponse(str(full), status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})(scope, receive, send)
