"""A store on an existing SPARQL 1.1 server (Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB), for a
graph that outgrows one machine.

Queries go to the query endpoint through SPARQLWrapper; loads and deletions go to the update endpoint as one
SPARQL Update request each, which these servers apply as one transaction. Answers come back as SPARQL JSON
results or N-Triples and are parsed into the same pyoxigraph objects the embedded store gives, so the service
cannot tell the two apart; on Virtuoso (``kind="virtuoso"``) after ``store/virtuoso.py`` has made its answers
read as the others'. The server must treat its default graph as the union of the named graphs (``oxigraph
serve --union-default-graph``; Fuseki's ``tdb2:unionDefaultGraph true``; Virtuoso's own; see the README).
Updates may be signed (Virtuoso's ``/sparql-auth``), and only a query goes to the query endpoint.

Bound variables (only budgetgraph's own queries bind any) are sent as a VALUES block: SPARQL 1.1 has no
parameters, and the terms are written in N-Triples syntax by pyoxigraph, never pasted from user input.
"""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Mapping
from urllib.error import HTTPError, URLError

import pyoxigraph
from SPARQLWrapper import DIGEST, JSON, N3, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from budgetgraph.errors import BudgetgraphError
from budgetgraph.sparql_syntax import query_form, without_comments
from budgetgraph.store import virtuoso
from budgetgraph.store.base import GraphStore, QueryResult, Term

SPARQL_SERVER, VIRTUOSO = "sparql", "virtuoso"
KINDS = (SPARQL_SERVER, VIRTUOSO)
GRAPH_QUERIES = {"CONSTRUCT", "DESCRIBE"}
WHERE_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
FIRST_GROUP = re.compile(r"\{")


class RemoteStore(GraphStore):
    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        timeout: float = 60.0,
        credentials: tuple[str, str] | None = None,
        auth: str = DIGEST,
        kind: str = SPARQL_SERVER,
    ) -> None:
        """``update_url`` None makes a read-only store: the service answers queries, loads are refused.
        ``credentials`` (user, password) sign the updates, with HTTP ``auth`` (digest or basic). ``kind``
        ``virtuoso`` leaves Virtuoso's own graphs out of the graphs listed and counted (``server_graphs``)."""
        if kind not in KINDS:
            raise BudgetgraphError(f"unknown kind of SPARQL server {kind!r}: one of {', '.join(KINDS)}")
        self.query_url, self.update_url, self.timeout = query_url, update_url, timeout
        self.credentials, self.auth, self.kind = credentials, auth, kind
        self._server_graphs: tuple[str, ...] | None = None

    def query(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """The query, never anything else: Virtuoso runs an update sent to its query endpoint, were its user
        allowed to."""
        form = query_form(sparql)
        if form is None:
            raise BudgetgraphError("invalid SPARQL query: SELECT, CONSTRUCT, ASK or DESCRIBE must follow the prologue", place="query")
        client = self._client(self.query_url)
        # SPARQLWrapper guesses the query form from the text, comments included: "added" in a comment is the update ADD
        client.setQuery(_bind(without_comments(sparql), substitutions or {}))
        as_graph = form in GRAPH_QUERIES
        client.setReturnFormat(N3 if as_graph else JSON)
        if as_graph:
            client.addCustomHttpHeader("Accept", "application/n-triples")
        body = self._send(client, "query")
        if as_graph:
            body = virtuoso.ntriples(body) if self.kind == VIRTUOSO else body
            return [quad.triple for quad in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)]
        body = virtuoso.json_results(body) if self.kind == VIRTUOSO else body
        return pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)

    def server_graphs(self) -> tuple[str, ...]:
        """On Virtuoso, the graphs it keeps for itself (its service description's is named after its host, so it
        is asked for once); none elsewhere. Virtuoso's pragmas that would
        leave them out of every query (``input:default-graph-exclude``) make it answer ASK wrongly (7.2.5), so
        they stay in the union, which budgetgraph's queries never read them from."""
        if self.kind != VIRTUOSO:
            return ()
        if self._server_graphs is None:
            described = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?service a <{virtuoso.SERVICE_DESCRIPTION}> }} }}")
            self._server_graphs = (*virtuoso.OWN_GRAPHS, *(solution["g"].value for solution in described))  # type: ignore[index,union-attr]
        return self._server_graphs

    def update(self, sparql: str) -> None:
        if self.update_url is None:
            raise BudgetgraphError("this store is read-only: give the server's update endpoint (--update-url)", file=self.query_url)
        client = self._client(self.update_url)
        if self.credentials:
            client.setHTTPAuth(self.auth)
            client.setCredentials(*self.credentials)
        client.setRequestMethod("postdirectly")
        client.setQuery(sparql)
        self._send(client, "update")

    def _client(self, url: str) -> SPARQLWrapper:
        client = SPARQLWrapper(url)
        client.setTimeout(int(self.timeout))
        client.setMethod(POST)  # documents' IRIs and update bodies are longer than a URL may be
        client.setOnlyConneg(True)  # the format by Accept alone: Virtuoso answers 406 to SPARQLWrapper's format=n3
        return client

    def _send(self, client: SPARQLWrapper, kind: str) -> bytes:
        try:
            response = client.query().response
            return response.read()  # type: ignore[no-any-return]
        except QueryBadFormed as error:
            raise BudgetgraphError(f"invalid SPARQL {kind}: {_reason(error)}", place=kind) from error
        except (SPARQLWrapperException, HTTPError) as error:
            raise BudgetgraphError(f"the SPARQL server refused the request: {_reason(error)}", file=client.endpoint) from error
        except (URLError, OSError) as error:
            raise BudgetgraphError(f"cannot reach the SPARQL server: {error}", file=client.endpoint) from error


def _bind(sparql: str, substitutions: Mapping[str, Term]) -> str:
    """The query with its variables bound as a VALUES block at the start of every WHERE group, a subquery's
    included (or of its first group: ``ASK { … }``), where filters, binds and a subquery's LIMIT see them, as
    the embedded engine's substitution does."""
    if not substitutions:
        return sparql
    names = " ".join(f"?{name}" for name in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    values = f" VALUES ({names}) {{ ({terms}) }} "
    if WHERE_GROUP.search(sparql):
        return WHERE_GROUP.sub(lambda where: where.group(0) + values, sparql)
    return FIRST_GROUP.sub(lambda group: group.group(0) + values, sparql, count=1)


def _reason(error: Exception) -> str:
    """The server's own message, which SPARQLWrapper appends to its exception as the repr of the bytes."""
    text = str(error)
    _, found, response = text.partition("Response:\n")
    if not found:
        return text
    with contextlib.suppress(ValueError, SyntaxError, UnicodeDecodeError):
        return ast.literal_eval(response.strip()).decode("utf-8", "replace")[:1000]  # type: ignore[no-any-return]
    return response[:1000]
