"""The mapper's own N-Triples writer against rdflib's serialiser and pyoxigraph's parser."""

from __future__ import annotations

import pickle

import pyoxigraph
from hypothesis import example, given
from hypothesis import strategies as st
from rdflib import XSD, Graph, Literal, URIRef

from budgetgraph.mapping.triples import Triples

SUBJECT = URIRef("http://127.0.0.1:8000/id/dataset/410303/113001/2021/budget")
PREDICATE = URIRef("https://w3id.org/budgetgraph/def#note")
LITERALS = st.one_of(
    st.builds(Literal, st.text()),
    st.builds(lambda text: Literal(text, lang="zh"), st.text()),
    st.builds(lambda digits: Literal(digits, datatype=XSD.decimal), st.from_regex(r"-?[0-9]{1,9}\.[0-9]{2}", fullmatch=True)),
    st.builds(lambda year: Literal(str(year), datatype=XSD.gYear), st.integers(1990, 2100)),
    st.builds(Literal, st.integers()),
)


def _parsed(data: bytes) -> set[pyoxigraph.Triple]:
    return set(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))


@given(st.lists(LITERALS, max_size=8))
@example([Literal("第一行\n第二行"), Literal('"""\r\\')])
def test_ntriples_parse_to_what_rdflib_writes(literals: list[Literal]) -> None:
    """Quotes, backslashes, line breaks, tabs, control characters and any Unicode text survive as rdflib writes
    them, and duplicates are written once."""
    triples = Triples()
    for literal in literals + literals:
        triples.add((SUBJECT, PREDICATE, literal))
    reference = Graph()
    for literal in literals:
        reference.add((SUBJECT, PREDICATE, literal))
    written = triples.ntriples()
    assert written.count(b"\n") == len(reference) == len(triples)
    assert _parsed(written) == _parsed(reference.serialize(format="nt", encoding="utf-8"))


def test_graph_keeps_the_prefixes() -> None:
    triples = Triples({"bg": URIRef("https://w3id.org/budgetgraph/def#")})
    triples.add((SUBJECT, PREDICATE, Literal("办公费")))
    assert "bg:note" in triples.graph().serialize(format="turtle")


@given(st.lists(LITERALS, max_size=8))
def test_a_pickled_copy_writes_and_holds_the_same_triples(literals: list[Literal]) -> None:
    """Worker processes hand documents over pickled; the copy travels as N-Triples and is parsed back when asked."""
    triples = Triples()
    for literal in literals:
        triples.add((SUBJECT, PREDICATE, literal))
    copy = pickle.loads(pickle.dumps(triples))
    assert len(copy) == len(triples)
    assert copy.ntriples() == triples.ntriples()
    assert _parsed(copy.graph().serialize(format="nt", encoding="utf-8")) == _parsed(triples.ntriples())
    copy.add((SUBJECT, PREDICATE, Literal("added after")))
    assert len(copy) == len(triples) + (Literal("added after") not in literals)
