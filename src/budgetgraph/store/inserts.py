"""A graph's N-Triples as SPARQL Update operations that every server takes.

INSERT DATA is the plain way, but Virtuoso refuses blank nodes in it ("not allowed in a constant clause") and
compiles an INSERT template of more than about a thousand triples into more SQL than it allows. So the triples
without blank nodes go in one INSERT DATA, and those with blank nodes in INSERT templates with an empty WHERE
(which write what INSERT DATA would: one solution, fresh blank nodes), a few hundred triples each, never
splitting the triples that share a blank node, so that each node stays one node.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph

TEMPLATE_TRIPLES = 500


def insert_operations(graph: str, ntriples: bytes) -> list[str]:
    """The operations writing ``ntriples`` into ``graph`` (written ``<…>``)."""
    if not ntriples.strip():
        return []
    if b"_:" not in ntriples:  # no blank node (a literal holding "_:" only takes the longer way)
        return [f"INSERT DATA {{ GRAPH {graph} {{\n{ntriples.decode('utf-8')}\n}} }}"]
    plain, linked = _split_by_blank_nodes(pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES))
    operations = [f"INSERT DATA {{ GRAPH {graph} {{\n{_lines(plain)}\n}} }}"] if plain else []
    operations += [f"INSERT {{ GRAPH {graph} {{\n{_lines(chunk)}\n}} }} WHERE {{}}" for chunk in _chunks(linked)]
    return operations


def _split_by_blank_nodes(triples: Iterator[pyoxigraph.Triple]) -> tuple[list[pyoxigraph.Triple], list[list[pyoxigraph.Triple]]]:
    """The triples without blank nodes, and the others in groups joined by the blank nodes they share."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    plain, linked = [], []
    for triple in triples:
        nodes = [term.value for term in (triple.subject, triple.object) if isinstance(term, pyoxigraph.BlankNode)]
        if not nodes:
            plain.append(triple)
            continue
        linked.append((triple, nodes[0]))
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[str, list[pyoxigraph.Triple]] = {}
    for triple, node in linked:
        groups.setdefault(root(node), []).append(triple)
    return plain, list(groups.values())


def _chunks(groups: list[list[pyoxigraph.Triple]]) -> Iterator[list[pyoxigraph.Triple]]:
    """The groups packed in order into chunks of about ``TEMPLATE_TRIPLES`` triples (a larger group alone)."""
    chunk: list[pyoxigraph.Triple] = []
    for group in groups:
        if chunk and len(chunk) + len(group) > TEMPLATE_TRIPLES:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _lines(triples: list[pyoxigraph.Triple]) -> str:
    return "".join(f"{triple} .\n" for triple in triples)
