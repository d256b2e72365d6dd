"""Crash safety, shown: an ingest (default and ``--bulk``), an upload through the admin API and a write on a SPARQL
server, each killed with SIGKILL at random moments. After every kill the store opens (read-only, as a reader
beside it would, then for writing), every graph it holds is whole (exactly the graph of the same name a clean run
leaves), every document is all there or not at all, what was reported loaded before the kill is kept, and doing
the same work again gives exactly the quads of a clean run.

The moments are drawn with a fixed seed over the span of a clean run measured here, so that most kills land
while documents are being written, not while Python starts; each test prints how many did (``pytest -s``)."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pyoxigraph
import pytest
from rdflib import URIRef

from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.analytic.rows import in_order, stored_rows
from budgetgraph.errors import BudgetgraphError
from budgetgraph.pipeline import prepare
from budgetgraph.store import EmbeddedStore, RemoteStore
from budgetgraph.store.base import DIGEST, DIGESTS
from conftest import BASE, ROOT, SEED
from servers import free_port, wait_until_answering

DOCUMENTS = [
    *sorted((ROOT / "data" / "synthetic").iterdir()),
    SEED,
    ROOT / "data" / "real" / "guilin-justice-2015-budget.html",
    ROOT / "data" / "real" / "jiangbei-2021-budget.html",
]
BIN = Path(sys.executable).parent
CLI = [str(BIN / "budgetgraph")]
# The same CLI with batches of about 8,000 quads instead of 100,000: the documents above (54,000 quads) then go in
# seven bulk loads, not one, so that kills land between batches and inside them.
SMALL_BATCH_CLI = [sys.executable, "-c", "import sys; from budgetgraph import pipeline, cli; pipeline.BULK_QUADS = 8_000; sys.exit(cli.main())"]
KILLS = 20  # per ingest mode, in chains: each kill but the first of a chain hits a re-ingest of what the last one left
CHAIN = 5
LOADED = re.compile(r"^\[\d+/\d+\] .*→ (\S+)$", re.MULTILINE)
BLANK = re.compile(r"_:\w+")

Graphs = dict[str, Counter[str]]


@dataclass(frozen=True)
class Document:
    graph: str
    own: frozenset[str]  # the graphs only this document writes: its dataset and its report
    shared: frozenset[str]


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    """Each document's graphs, by its dataset graph."""
    found = {}
    for path in DOCUMENTS:
        ready = prepare(path, BASE)
        shared = frozenset(str(name) for name in ready.shared)
        found[str(ready.outcome.mapped.graph_name)] = Document(str(ready.outcome.mapped.graph_name), frozenset(str(n) for n in ready.graphs) - shared, shared)
    return found


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graphs, float, float]:
    """The graphs a clean default ingest leaves, and when (seconds after it started) it reported its first
    document and when it ended."""
    store = tmp_path_factory.mktemp("reference") / "store"
    run = ingest(CLI, store)
    assert run.finished and run.returncode == 0, run.errors
    return graphs(EmbeddedStore(store)), run.first_loaded, run.ended


# --- what a store holds ------------------------------------------------------------------------------------------


def graphs(store: EmbeddedStore) -> Graphs:
    """Every named graph (empty ones too), its triples with blank nodes compared by position only."""
    held: Graphs = {name: Counter() for name in store.graph_names()}
    for quad in store.engine.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, pyoxigraph.NamedNode):
            held[quad.graph_name.value][BLANK.sub("_:b", f"{quad.subject} {quad.predicate} {quad.object}")] += 1
    return held


def assert_whole(held: Graphs, reference: Graphs, documents: dict[str, Document], kept: list[str]) -> None:
    """Every graph held is the reference graph of that name; the digest graph notes exactly the shared graphs
    held, as the reference does; each document is all there or not at all; the documents in ``kept`` are."""
    for name, triples in held.items():
        if name != DIGESTS:
            assert name in reference, f"a graph no clean run writes: {name}"
            assert triples == reference[name], f"{name} is not whole: {sum(triples.values())} triples, a clean run's {sum(reference[name].values())}"
    digests = held.get(DIGESTS, Counter())
    assert not digests - reference[DIGESTS], f"digests no clean run notes: {list(digests - reference[DIGESTS])}"
    noted = {line.split(" ")[0][1:-1] for line in digests if f"<{DIGEST}>" in line}
    shared = {name for document in documents.values() for name in document.shared}
    assert noted == shared & held.keys(), f"digests without their graph: {noted - held.keys()}; graphs without their digest: {(shared & held.keys()) - noted}"
    for document in documents.values():
        present = document.own & held.keys()
        assert present in (set(), document.own), f"{document.graph}: only {sorted(present)} of its graphs"
        if present:
            assert document.shared <= held.keys(), f"{document.graph} without its shared graphs {sorted(document.shared - held.keys())}"
    for graph in kept:
        assert graph in held, f"{graph} was reported loaded before the kill and is gone"


def check_after_crash(path: Path, reference: Graphs, documents: dict[str, Document], kept: list[str]) -> None:
    """What a reader opening the store beside a writer sees (before any recovery), then what opening it for
    writing leaves: both whole; no unfinished bulk-load file is left."""
    if (path / "CURRENT").exists():  # the store was created before the kill
        assert_whole(graphs(EmbeddedStore(path, read_only=True)), reference, documents, kept)
    store = EmbeddedStore(path)
    assert_whole(graphs(store), reference, documents, kept)
    assert not list(path.glob("bulk-*.sst"))
    assert_table_in_step(store, ObservationTable(f"{path}.observations"))


def assert_table_in_step(store: EmbeddedStore, table: ObservationTable) -> None:
    """The observation table is what the store says: each dataset names a file, whose rows are the dataset's
    rows read from the store; once tidied (as the next writer does), no other file is left."""
    datasets = {s["dataset"].value for s in store.query("SELECT ?dataset { ?dataset a <https://w3id.org/budgetgraph/def#BudgetDataset> }")}  # type: ignore[index,union-attr]
    named = table.named(store)
    assert set(named) == datasets, f"datasets without a table file: {sorted(datasets - set(named))}"
    for dataset, relative in named.items():
        assert pq.read_table(table.folder / relative) == in_order(stored_rows(store, dataset)), f"{relative} is not {dataset}'s rows"
    table.remove_unnamed(store)
    on_disk = {str(p.relative_to(table.folder)) for p in table.folder.glob("year=*/province=*/*")} if table.folder.exists() else set()
    assert on_disk == set(named.values()), f"files no dataset names: {sorted(on_disk - set(named.values()))}"


# --- processes ---------------------------------------------------------------------------------------------------


@dataclass
class Run:
    output: str
    errors: str
    returncode: int | None
    first_loaded: float  # seconds after the start when the first document was reported loaded (inf: never)
    ended: float
    finished: bool  # the closing count was printed

    @property
    def loaded(self) -> list[str]:
        return LOADED.findall(self.output)


def _group(leader: int) -> list[int]:
    """The live (not zombie) processes of the process group."""
    members = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[2]) == leader and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@contextlib.contextmanager
def started(command: list[str], out: Path, err: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The command in a process group of its own, its output unbuffered into files; every process of the group
    killed when done."""
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process alone, as a crash would take it; its children (the readers, the query workers) must
    then exit by themselves, within seconds."""
    process.kill()
    process.wait()
    deadline = time.monotonic() + 15
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group(process.pid), f"processes left behind by the killed {process.args}: {_group(process.pid)}"


def ingest(command: list[str], store: Path, *, bulk: bool = False, kill_after: float | None = None, once_loaded: int = 0) -> Run:
    """``budgetgraph ingest DOCUMENTS --store STORE [--bulk]``, killed ``kill_after`` seconds after it reported
    ``once_loaded`` documents loaded (0: after it started), unless it ended before."""
    out, err = store.parent / f"{store.name}.out", store.parent / f"{store.name}.err"
    arguments = ["ingest", *map(str, DOCUMENTS), "--store", str(store), "--workers", "2", *(["--bulk"] if bulk else [])]
    first_loaded = float("inf")
    start = time.monotonic()
    counting_from = start if once_loaded == 0 else float("inf")
    with started(command + arguments, out, err) as process:
        while process.poll() is None and (kill_after is None or time.monotonic() - counting_from < kill_after):
            loaded = len(LOADED.findall(out.read_text(encoding="utf-8")))
            if loaded and first_loaded == float("inf"):
                first_loaded = time.monotonic() - start
            if loaded >= once_loaded and counting_from == float("inf"):
                counting_from = time.monotonic()
            time.sleep(0.005)
        ended = time.monotonic() - start
        if process.poll() is None:
            kill(process)
    output = out.read_text(encoding="utf-8")
    return Run(output, err.read_text(encoding="utf-8"), process.returncode, first_loaded, ended, "documents loaded" in output)


# --- the ingest, killed ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bulk", [False, True], ids=["default", "bulk"])
def test_a_killed_ingest_leaves_whole_documents_and_a_re_run_converges(
    tmp_path: Path, reference: tuple[Graphs, float, float], documents: dict[str, Document], bulk: bool
) -> None:
    expected, first_loaded, ended = reference
    each = (ended - first_loaded) / len(DOCUMENTS)  # how long loading a document takes, about
    draw = random.Random(21 + bulk)
    landed: Counter[str] = Counter()
    for chain in range(KILLS // CHAIN):
        store = tmp_path / f"store-{chain}"
        for _ in range(CHAIN):
            if draw.random() < 0.25:  # while Python starts, the readers read, the first document is written
                run = ingest(SMALL_BATCH_CLI if bulk else CLI, store, bulk=bulk, kill_after=draw.uniform(0.5, 1.1) * first_loaded)
            else:  # somewhere in the loading: some time after some document is reported loaded
                run = ingest(SMALL_BATCH_CLI if bulk else CLI, store, bulk=bulk, kill_after=draw.uniform(0, 2 * each), once_loaded=draw.randrange(1, len(DOCUMENTS)))
            landed["ended before the kill" if run.finished else "mid-load" if run.loaded else "before any document was reported loaded"] += 1
            check_after_crash(store, expected, documents, run.loaded)
        rerun = ingest(CLI, store, bulk=bulk)
        assert rerun.finished and rerun.returncode == 0, rerun.errors
        assert graphs(EmbeddedStore(store)) == expected
    print(f"\n{'bulk' if bulk else 'default'} ingest, {KILLS} kills: {dict(landed)}")
    assert landed["mid-load"] >= KILLS // 2, "too few kills landed while documents were being written: the test would show little"


def test_a_bulk_load_killed_inside_pyoxigraph_leaves_all_of_it_or_nothing(tmp_path: Path) -> None:
    """What the ingest's crash safety in bulk mode rests on, at the source: one call of pyoxigraph's bulk loader,
    killed while it sorts, writes and hands over its files, leaves all its graphs whole or none; the files it
    was writing are removed when the store is next opened for writing."""
    program = tmp_path / "bulk_load.py"
    program.write_text(
        "import sys, pyoxigraph\n"
        "data = ''.join('<http://example.org/g%d> {\\n' % g + ''.join('<http://example.org/s%d> <http://example.org/p> \"%d-%d\" .\\n' % (i, g, i)"
        " for i in range(10_000)) + '}\\n' for g in range(20)).encode()\n"
        "store = pyoxigraph.Store(sys.argv[1])\n"
        "print('loading', flush=True)\n"
        "store.bulk_load(data, format=pyoxigraph.RdfFormat.TRIG)\n"
        "print('loaded', flush=True)\n",
        encoding="utf-8",
    )
    out, err = tmp_path / "out", tmp_path / "err"

    def run(store: Path, kill_after: float | None) -> tuple[float, float]:
        """When (seconds after the start) the load began, and when it ended or was killed."""
        began = float("inf")
        start = time.monotonic()
        with started([sys.executable, str(program), str(store)], out, err) as process:
            while process.poll() is None and (kill_after is None or time.monotonic() - start < kill_after):
                if began == float("inf") and "loading" in out.read_text():
                    began = time.monotonic() - start
                time.sleep(0.01)
            if process.poll() is None:
                kill(process)
            assert process.returncode in (0, -signal.SIGKILL), err.read_text()
        return began, time.monotonic() - start

    began, ended = run(tmp_path / "clean", None)
    draw = random.Random(5)
    outcomes: Counter[str] = Counter()
    leftovers = 0
    for attempt in range(4):
        store = tmp_path / f"store-{attempt}"
        run(store, draw.uniform(began, ended))
        loaded = "loaded" in out.read_text()
        leftovers += bool(list(store.glob("bulk-*.sst")))
        counts = Counter(quad.graph_name.value for quad in EmbeddedStore(store).engine)  # type: ignore[union-attr]
        assert not list(store.glob("bulk-*.sst"))
        assert sorted(counts.values()) in ([], [10_000] * 20), f"part of a bulk load: {sorted(counts.values())}"
        assert counts or not loaded, "the load returned and its data is gone"
        outcomes["all" if counts else "none"] += 1
    print(f"\nbulk_load killed 4 times in its {ended - began:.1f} s: {dict(outcomes)}, {leftovers} left unfinished files behind")


# --- an upload through the admin API, killed ---------------------------------------------------------------------


@contextlib.contextmanager
def serving(store: Path, token_file: Path, logs: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    command = [*CLI, "serve", "--store", str(store), "--admin-token-file", str(token_file), "--port", str(port)]
    with started(command, logs / "serve.out", logs / "serve.err") as process:
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{url}/sparql", process, logs / "serve.err")
        yield process, url


def upload_all(url: str, token: str, answered: list[str], refused: list[str]) -> None:
    """Upload every document in turn, noting the graph of each answered 201 (and any other answer); stop at the
    first that gets no answer (the server is gone)."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        for path in DOCUMENTS:
            try:
                answer = client.post("/admin/documents", files={"file": (path.name, path.read_bytes())})
            except httpx.TransportError:
                return
            if answer.status_code == 201:
                answered.append(answer.json()["graph"])
            else:
                refused.append(f"{path.name}: {answer.status_code} {answer.text}")


def test_a_server_killed_during_uploads_leaves_whole_documents_and_re_uploading_converges(
    tmp_path: Path, reference: tuple[Graphs, float, float], documents: dict[str, Document]
) -> None:
    """An upload is read in a worker process and loaded as one transaction; the server is killed at random moments
    of a run of uploads, restarted on its store each time, and the uploads done again at the end."""
    expected = reference[0]
    token = "crash-test-token"
    (tmp_path / "token").write_text(token, encoding="utf-8")
    store = tmp_path / "store"
    with serving(store, tmp_path / "token", tmp_path) as (process, url):  # a clean run of uploads, to time it
        start = time.monotonic()
        answered: list[str] = []
        refused: list[str] = []
        upload_all(url, token, answered, refused)
        span = time.monotonic() - start
        assert len(answered) == len(DOCUMENTS), refused
        kill(process)
    assert graphs(EmbeddedStore(store)) == expected  # an upload loads what the ingest does
    shutil.rmtree(store)
    draw = random.Random(4)
    mid_upload = 0
    for _ in range(4):
        with serving(store, tmp_path / "token", tmp_path) as (process, url):
            answered = []
            uploads = threading.Thread(target=upload_all, args=(url, token, answered, refused))
            uploads.start()
            time.sleep(draw.uniform(0, span))
            kill(process)
            uploads.join(timeout=60)
            assert not uploads.is_alive()
        assert not refused
        mid_upload += 0 < len(answered) < len(DOCUMENTS)
        check_after_crash(store, expected, documents, answered)
    with serving(store, tmp_path / "token", tmp_path) as (process, url):
        answered = []
        upload_all(url, token, answered, refused)
        assert len(answered) == len(DOCUMENTS), refused
        kill(process)
    assert graphs(EmbeddedStore(store)) == expected
    print(f"\nadmin uploads: 4 kills, {mid_upload} between the first answered upload and the last")
    assert mid_upload >= 2


# --- a write on a SPARQL server, killed --------------------------------------------------------------------------


def _ntriples(graph: int, version: str, count: int = 12_000) -> bytes:
    return "".join(f'<http://example.org/g{graph}/s{i}> <http://example.org/p> "{version} {i} 预算" .\n' for i in range(count)).encode()


@contextlib.contextmanager
def oxigraph_on_disk(location: Path, logs: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with started(command, logs / "oxigraph.out", logs / "oxigraph.err") as process:
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{url}/query", process, logs / "oxigraph.err")
        yield process, url


def _held(url: str, names: list[URIRef]) -> list[set[str]]:
    """Each graph's triples as the server holds them, through the graph store protocol."""
    held = []
    for name in names:
        answer = httpx.get(f"{url}/store", params={"graph": str(name)}, headers={"Accept": "application/n-triples"}, timeout=60)
        assert answer.status_code in (200, 404), answer.text
        held.append({str(quad.triple) for quad in pyoxigraph.parse(answer.content, format=pyoxigraph.RdfFormat.N_TRIPLES)} if answer.status_code == 200 else set())
    return held


def test_an_oxigraph_server_killed_mid_update_keeps_the_old_graphs_or_the_new_ones(tmp_path: Path) -> None:
    """Two graphs of 12,000 triples replaced in one SPARQL update (``replace_graphs``), the server killed while
    the request is in flight, restarted on its location: both graphs are as before, or both as written."""
    names = [URIRef("http://example.org/graph/a"), URIRef("http://example.org/graph/b")]
    contents = {version: {name: _ntriples(number, version) for number, name in enumerate(names)} for version in ("old", "new")}
    as_sets = {version: [{str(quad.triple) for quad in pyoxigraph.parse(graph, format=pyoxigraph.RdfFormat.N_TRIPLES)} for graph in graphs.values()] for version, graphs in contents.items()}
    location = tmp_path / "oxigraph"
    with oxigraph_on_disk(location, tmp_path) as (process, url):
        store = RemoteStore(f"{url}/query", f"{url}/update", timeout=120)
        store.replace_graphs(contents["old"])
        start = time.monotonic()
        store.replace_graphs(contents["new"])  # a clean replacement, to time it
        span = time.monotonic() - start
        assert _held(url, names) == as_sets["new"]
    draw = random.Random(7)
    state, in_flight = "new", 0
    for _ in range(4):
        target = "old" if state == "new" else "new"
        with oxigraph_on_disk(location, tmp_path) as (process, url):
            assert _held(url, names) == as_sets[state]
            failures: list[BudgetgraphError] = []

            def write(to: str = target, url: str = url) -> None:
                try:
                    RemoteStore(f"{url}/query", f"{url}/update", timeout=120).replace_graphs(contents[to])
                except BudgetgraphError as error:
                    failures.append(error)

            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(draw.uniform(0.1 * span, 0.9 * span))
            answered = not writer.is_alive()
            kill(process)
            writer.join(timeout=60)
            assert not writer.is_alive()
        in_flight += not answered
        with oxigraph_on_disk(location, tmp_path) as (process, url):
            held = _held(url, names)
        assert held in (as_sets[state], as_sets[target]), f"mixed or partial graphs: {[len(graph) for graph in held]} triples"
        if answered and not failures:
            assert held == as_sets[target], "an update answered before the kill is lost"
        state = target if held == as_sets[target] else state
    print(f"\noxigraph server: 4 kills, {in_flight} with the update in flight")
    assert in_flight >= 2
