"""Bulk loading (``EmbeddedStore.bulk_write``, ``ingest_many(bulk=True)``): the same store as loading document
by document, re-ingests still replace, and a failed bulk load leaves nothing of its batch."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import URIRef

from budgetgraph import pipeline
from budgetgraph.errors import BudgetgraphError
from budgetgraph.pipeline import ONTOLOGY_GRAPH, ingest, ingest_many, prepare
from budgetgraph.store import DocumentGraphs, EmbeddedStore
from conftest import BASE, ROOT, SEED
from test_store import _quads

INCONSISTENT = ROOT / "tests" / "data" / "inconsistent-budget.txt"
REAL = sorted((ROOT / "data" / "real").iterdir())


def _state(store: EmbeddedStore) -> tuple[Counter[str], list[str]]:
    """Everything a load could change: the quads (digests graph included) and the named graphs."""
    return _quads(store), store.graph_names()


def _ingested(paths: list[Path], store: EmbeddedStore, *, bulk: bool) -> list[Path]:
    """Ingest the paths; the ones loaded."""
    return [path for path, outcome in ingest_many(paths, store, BASE, workers=2, bulk=bulk) if not isinstance(outcome, BudgetgraphError)]


@pytest.mark.parametrize("batch_quads", [pipeline.BULK_QUADS, 3_000])
def test_a_bulk_ingest_leaves_what_the_normal_ingest_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_quads: int) -> None:
    """Several documents, one of them twice (a replacement inside a batch), in one batch or several."""
    paths = [SEED, INCONSISTENT, *REAL[:4], SEED]
    normal, bulk = EmbeddedStore(tmp_path / "normal"), EmbeddedStore(tmp_path / "bulk")
    assert _ingested(paths, normal, bulk=False) == paths
    monkeypatch.setattr(pipeline, "BULK_QUADS", batch_quads)
    assert _ingested(paths, bulk, bulk=True) == paths
    assert len(bulk) > 15_000
    assert _state(bulk) == _state(normal)


def test_re_ingesting_held_documents_in_bulk_replaces_them(tmp_path: Path) -> None:
    store, expected = EmbeddedStore(tmp_path / "bulk"), EmbeddedStore(tmp_path / "normal")
    for path in (SEED, REAL[0], SEED, INCONSISTENT):
        ingest(path, expected, BASE)
    ingest(SEED, store, BASE)
    assert _ingested([REAL[0], SEED, INCONSISTENT], store, bulk=True) == [REAL[0], SEED, INCONSISTENT]
    assert len(store) == sum(_quads(store).values())
    assert _state(store) == _state(expected)


def test_graphs_named_again_end_as_the_last_document_of_the_batch_left_them(tmp_path: Path) -> None:
    """A graph held with other content, or named by a document that must replace (its own graph is held), or
    by two documents of the batch: each ends as loading one document after the other would leave it."""
    first = prepare(SEED, BASE)
    own = first.outcome.mapped.graph_name
    extra = b'<https://w3id.org/budgetgraph/def> <http://www.w3.org/2002/07/owl#versionInfo> "test" .\n'
    changed = DocumentGraphs("changed", {ONTOLOGY_GRAPH: first.graphs[ONTOLOGY_GRAPH] + extra}, {ONTOLOGY_GRAPH})
    for held, batches in (({}, [[first.writes(None), changed], [first.writes(None)], [changed, first.writes(None), changed]]),
                          ({own: first.graphs[own]}, [[first.writes(None), changed]])):
        bulk, normal = EmbeddedStore(), EmbeddedStore()
        for store in (bulk, normal):
            store.replace_graphs(held)
        for batch in batches:
            bulk.bulk_write(batch)
            for document in batch:
                normal.replace_graphs(document.graphs, shared=document.shared)
            assert _state(bulk) == _state(normal)
        ontology = pyoxigraph.NamedNode(str(ONTOLOGY_GRAPH))
        assert len(list(bulk.engine.quads_for_pattern(None, None, None, ontology))) == first.graphs[ONTOLOGY_GRAPH].count(b"\n") + 1


class WritesPartThenFails:
    """The engine, but its bulk loader writes about the first half of what it is given and then fails."""

    def __init__(self, engine: pyoxigraph.Store) -> None:
        self.engine = engine
        self.quads_after_part = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)

    def bulk_load(self, data: bytes, format: pyoxigraph.RdfFormat) -> None:
        self.engine.bulk_load(data[: data.index(b"\n}\n", len(data) // 2) + 3], format=format)
        self.quads_after_part = len(self.engine)
        raise OSError("No space left on device")


@pytest.mark.parametrize("held", [[], [SEED]], ids=["empty store", "store holding the seed"])
def test_a_failed_bulk_load_leaves_the_store_as_before_and_names_the_documents(tmp_path: Path, held: list[Path]) -> None:
    store = EmbeddedStore(tmp_path / "store")
    for path in held:
        ingest(path, store, BASE)
    before = _state(store)
    engine = WritesPartThenFails(store.engine)
    store.engine = engine  # type: ignore[assignment]
    batch = [prepare(path, BASE).writes(None) for path in (INCONSISTENT, REAL[0])]
    with pytest.raises(BudgetgraphError, match="No space left on device") as raised:
        store.bulk_write(batch)
    assert str(INCONSISTENT) in str(raised.value) and str(REAL[0]) in str(raised.value)
    assert engine.quads_after_part > sum(before[0].values())
    assert _state(store) == before


def test_broken_ntriples_fail_the_bulk_load_and_leave_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    ingest(SEED, store, BASE)
    before = _state(store)
    good = prepare(INCONSISTENT, BASE).writes(None)
    broken = DocumentGraphs("broken.txt", {URIRef(f"{BASE}graph/broken"): b'<http://example.org/s> <http://example.org/p> "unterminated .\n'}, ())
    with pytest.raises(BudgetgraphError) as raised:
        store.bulk_write([good, broken])
    assert "broken.txt" in str(raised.value) and str(INCONSISTENT) in str(raised.value)
    assert _state(store) == before


def test_a_failed_batch_is_loaded_document_by_document_and_a_bad_document_alone_fails(tmp_path: Path) -> None:
    """In ``ingest_many``, a bulk load that fails leaves the batch to the normal path; a document that cannot
    be read is yielded as its error, in its place, and the others load."""
    junk = tmp_path / "junk.txt"
    junk.write_text("这不是预算文件\n", encoding="utf-8")
    paths = [SEED, junk, INCONSISTENT]
    normal, bulk = EmbeddedStore(tmp_path / "normal"), EmbeddedStore(tmp_path / "bulk")
    _ingested(paths, normal, bulk=False)
    bulk.engine = WritesPartThenFails(bulk.engine)  # type: ignore[assignment]
    results = list(ingest_many(paths, bulk, BASE, workers=2, bulk=True))
    assert [path for path, _ in results] == paths
    assert isinstance(results[1][1], BudgetgraphError) and "not a budget document" in str(results[1][1])
    assert not isinstance(results[0][1], BudgetgraphError) and results[0][1].loaded
    assert _state(bulk) == _state(normal)


def test_bulk_loading_needs_the_embedded_store() -> None:
    with pytest.raises(BudgetgraphError, match="needs the embedded store"):
        list(ingest_many([SEED], object(), BASE, workers=1, bulk=True))  # type: ignore[arg-type]
