"""The SERVICE guard against the engine itself: every query that makes pyoxigraph connect to a loopback listener is
refused, and honest queries that mention "service" in a literal, an IRI or a comment are not."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph
import pytest
from conftest import hanging_up
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetgraph.service.guard import has_service_pattern

PREFIXES = "PREFIX ex: <http://example.org/> PREFIX : <http://example.org/> "
# Each calls out on pyoxigraph (checked below) while hiding its SERVICE from a reader that takes the first
# plausible reading of every "<", escape or quote.
ATTACKS = [
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?a FILTER(?a<?b&&'>') SERVICE <{url}> {{}} FILTER(?a='x') }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?a FILTER(?a<ex:x#>'''\n) SERVICE <{url}> {{}} #'''\n}}",
    PREFIXES + "PREFIX u: <{url}> SELECT * WHERE {{ ?s ?p ?a FILTER(?a<?b)SERVICE u:#>\n{{}} }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ex:x\\# SERVICE <{url}> {{}} }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ex:x\\' . SERVICE <{url}> {{}} ?s ?p 'x' }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p <http://example.org/a'b> . SERVICE <{url}> {{}} FILTER(?s != 'c') }}",
    PREFIXES + "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{}} }} }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{}} }} }}",
]
# Each must be answered; {url} is the listener, which must not be called.
HONEST = [
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?o FILTER(?o != 'service') }}",
    PREFIXES + 'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != """SERVICE <{url}> {{}}""") }}',
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?o FILTER(?s != <{url}/service>) }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?o FILTER(?s != <http://example.org/service#it's>) }}",
    PREFIXES + "# run SERVICE <{url}> {{}} here, said the comment\nSELECT * WHERE {{ ?s ?p ?o }}",
    PREFIXES + "SELECT ?service WHERE {{ ?s ex:goodsAndServices ?service . ?s ex:a\\#service ?o }}",
    PREFIXES + "SELECT * WHERE {{ ?s ?p ?o FILTER(?o = 'x'@en-service || ?o = 'Service' || ?o < 3) }}",
]


@pytest.mark.parametrize("template", ATTACKS)
def test_each_attack_calls_out_on_the_engine_and_is_refused(template: str) -> None:
    with hanging_up() as (url, calls):
        query = template.format(url=url)
        _run(query)
        assert calls, "the engine did not call out: not an attack"
        assert has_service_pattern(query)


@pytest.mark.parametrize("template", HONEST)
def test_honest_queries_that_mention_service_pass(template: str) -> None:
    with hanging_up() as (url, calls):
        query = template.format(url=url)
        assert not has_service_pattern(query)
        _run(query)
        assert calls == []


# Pieces of group patterns, valid alone, and the characters the attacks turn on.
PIECES = [
    " ?s ?p ?o . ", " FILTER(?o != 'service') ", " FILTER(?a<?b) ", " FILTER(?a<?b&&'>'='>') ", " # a comment\n",
    " ?s ?p '''a\nb''' . ", " ?s ?p <http://example.org/a#> . ", " ?s ?p <http://example.org/a'b> . ", " ?s ?p ex:x\\# . ",
    " ?s ?p ex:x\\' . ", " ?s ?p 'x'@en-service . ", " OPTIONAL {{ ?s ?p ?o }} ", " BIND(1 AS ?x) ", "'", '"', "'''", "#", "\n",
    "<", ">", "(", ")", "{{", "}}", "\\", "?a", "ex:x", "true", "1", ".", " ",
]
SERVICE_CLAUSES = ["SERVICE <{url}> {{}}", "service<{url}>{{}}", "SERVICE SILENT <{url}> {{ ?s ?p ?o }}", "SERVICE u: {{}}"]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, list[object]]]:
    with hanging_up() as listening:
        yield listening


pieces = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@settings(max_examples=2000, deadline=None)
@given(pieces, st.sampled_from(SERVICE_CLAUSES), pieces)
def test_whatever_calls_out_is_refused(endpoint: tuple[str, list[object]], before: str, clause: str, after: str) -> None:
    """A SERVICE among pieces of the attacks: none of these queries that reaches the listener passes the guard."""
    url, calls = endpoint
    query = (PREFIXES + "PREFIX u: <{url}> SELECT * WHERE {{ ?s ?p ?o . " + before + clause + after + " }}").format(url=url)
    made = len(calls)
    _run(query)
    if len(calls) > made:
        assert has_service_pattern(query), query


def _run(query: str) -> None:
    """The query on a store of one triple, so that every pattern is evaluated; errors are no concern here."""
    store = pyoxigraph.Store()
    node = pyoxigraph.NamedNode("http://example.org/a")
    store.add(pyoxigraph.Quad(node, node, pyoxigraph.Literal("service")))
    try:
        list(store.query(query))  # type: ignore[call-overload]
    except (SyntaxError, OSError, RuntimeError):
        pass
