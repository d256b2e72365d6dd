"""A graph's N-Triples as update operations (``store/inserts.py``): whatever the mix of blank nodes, running them
writes the same graph as one INSERT DATA, no blank node is split between two operations (it would become two
nodes), and templates stay as short as Virtuoso compiles."""

from __future__ import annotations

from unittest import mock

import pyoxigraph
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetgraph.store import inserts
from budgetgraph.store.inserts import TEMPLATE_TRIPLES, insert_operations

GRAPH = "http://example.org/graph"
node = st.one_of(st.integers(0, 40).map(lambda n: f"_:b{n}"), st.integers(0, 5).map(lambda n: f"<http://example.org/n{n}>"))
value = st.one_of(node, st.text(max_size=8).map(lambda text: str(pyoxigraph.Literal(text))), st.just('"_:not a node"'))


def ntriples(triples: list[tuple[str, int, str]]) -> bytes:
    return "".join(f"{s} <http://example.org/p{p}> {o} .\n" for s, p, o in triples).encode()


def written(operations: list[str]) -> list[str]:
    """The graph the operations leave, its blank nodes named canonically."""
    store = pyoxigraph.Store()
    for operation in operations:
        store.update(operation)
    dataset = pyoxigraph.Dataset(store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(GRAPH)))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def blank_nodes(operation: str) -> set[str]:
    return {word for word in operation.split() if word.startswith("_:")}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(node, st.integers(0, 3), value), max_size=60), st.integers(1, 8))
def test_the_operations_write_what_insert_data_would(triples: list[tuple[str, int, str]], template_triples: int) -> None:
    with mock.patch.object(inserts, "TEMPLATE_TRIPLES", template_triples):  # small, so that graphs this size are cut
        operations = insert_operations(f"<{GRAPH}>", ntriples(triples))
    assert written(operations) == written([f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {ntriples(triples).decode()} }} }}"])
    templates = [blank_nodes(operation) for operation in operations if operation.startswith("INSERT {")]
    assert all(not (a & b) for i, a in enumerate(templates) for b in templates[i + 1 :]), "a blank node in two operations"
    assert not any(blank_nodes(operation) for operation in operations if operation.startswith("INSERT DATA"))


def test_many_blank_nodes_go_in_templates_of_a_few_hundred_triples() -> None:
    triples = [(f"_:b{n}", 0, f'"{n}"') for n in range(2_000)] + [("<http://example.org/n>", 1, f'"{n}"') for n in range(3_000)]
    operations = insert_operations(f"<{GRAPH}>", ntriples(triples))
    assert [operation.count(" .\n") for operation in operations] == [3_000, *[TEMPLATE_TRIPLES] * (2_000 // TEMPLATE_TRIPLES)]
