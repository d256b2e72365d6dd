"""Untrusted files: a ZIP bomb, a PDF of 10,000 pages, a file that keeps the parser busy for minutes and one that
needs more memory than allowed are each refused within their limit, naming the file and the limit, while the
other files of the same ingest load and the service stays up."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdfium2
import pytest
from conftest import BASE, SEED, serving

from budgetgraph.config import FileLimits
from budgetgraph.errors import BudgetgraphError, LimitError
from budgetgraph.pipeline import IsolatedReaders, ingest_many
from budgetgraph.service import create_app
from budgetgraph.store import EmbeddedStore

TOKEN = "untrusted-files-token"
BUDGETGRAPH = [sys.executable, "-m", "budgetgraph.cli"]


def zip_bomb(path: Path, unpacked: int) -> Path:
    """An XLSX whose one sheet unpacks to ``unpacked`` bytes of spaces (a few hundred KB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * 2**20
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)
    return path


def many_pages(path: Path, pages: int) -> Path:
    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    pdf.save(path)
    return path


def endless_page(path: Path, shows: int = 300_000) -> Path:
    """A one-page PDF whose content stream draws ``shows`` strings: a few hundred KB that take the PDF reader
    minutes, character by character."""
    content = zlib.compress(b"BT /F1 1 Tf " + b"1 0 Td (0123456789) Tj " * shows + b"ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(data)
    return path


def hungry_text(path: Path, lines: int = 1_500_000) -> Path:
    """A text file of short lines, each of which the reader keeps as an object with its place: about 30 MB that
    take a few GB to read."""
    path.write_text("一般公共服务支出 201 100.00 200.00\n" * lines, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "bomb": zip_bomb(folder / "bomb.xlsx", 600 * 2**20),
        "pages": many_pages(folder / "pages.pdf", 10_000),
        "endless": endless_page(folder / "endless.pdf"),
        "hungry": hungry_text(folder / "hungry.txt"),
    }


def test_each_hostile_file_fails_alone_within_its_limit(tmp_path: Path, hostile: dict[str, Path]) -> None:
    # 800 MB: a reader of an ordinary document peaks near 500 MB of address space since the observation table's
    # libraries came in (the default limit is 4 GiB); the hungry file needs a few GB, so it still meets the cap.
    # 15 s: the hungry file takes 3 s to reach the cap alone and longer beside the others on a loaded machine,
    # while the endless one needs minutes
    limits = FileLimits(timeout_s=15.0, memory_bytes=800 * 2**20)
    store = EmbeddedStore(tmp_path / "store")
    paths = [hostile["bomb"], SEED, hostile["pages"], hostile["endless"], hostile["hungry"]]
    started = time.monotonic()
    outcomes = dict(ingest_many(paths, store, BASE, workers=2, limits=limits))
    took = time.monotonic() - started
    assert not isinstance(outcomes[SEED], BudgetgraphError) and outcomes[SEED].loaded
    expected = {
        "bomb": "unpacks to 629,145,619 bytes, more than the limit of 536,870,912",
        "pages": "10,000 pages, more than the limit of 2,000",
        "endless": "reading took longer than the limit of 15 s",
        "hungry": "more memory than the limit of 838,860,800 bytes",
    }
    for name, message in expected.items():
        error = outcomes[hostile[name]]
        assert isinstance(error, LimitError), (name, error)
        assert error.file == str(hostile[name]) and message in error.message, (name, error.message)
    assert took < 60  # the endless file was stopped, not waited for
    assert len(store.graph_names()) > 0


def test_the_cli_names_the_file_and_the_limit(tmp_path: Path, hostile: dict[str, Path]) -> None:
    result = subprocess.run(
        [*BUDGETGRAPH, "ingest", str(hostile["pages"]), str(SEED), "--store", str(tmp_path / "store"), "--max-pages", "500"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert f"{hostile['pages']}: 10,000 pages, more than the limit of 500" in result.stderr
    assert "1 of 2 documents loaded" in result.stdout


def test_uploads_beyond_a_limit_are_refused_and_the_service_stays_up(tmp_path: Path, hostile: dict[str, Path]) -> None:
    store = EmbeddedStore(tmp_path / "store")
    app = create_app(store, base=BASE, admin_token=TOKEN, file_limits=FileLimits(timeout_s=3.0))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with serving(app) as root, httpx.Client(base_url=root, timeout=120, headers=auth) as client:
            for name in ("bomb", "pages", "endless"):
                with hostile[name].open("rb") as upload:
                    refused = client.post("/admin/documents", files={"file": (hostile[name].name, upload)})
                assert refused.status_code == 413, (name, refused.text)
                assert refused.text.startswith('{"detail":"' + hostile[name].name)  # the file's name, not the server's temporary path
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is False  # nothing stored
            with SEED.open("rb") as upload:
                assert client.post("/admin/documents", files={"file": (SEED.name, upload)}).status_code == 201
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    finally:
        app.state.evaluator.close()


def test_the_readers_stay_a_few_documents_ahead_of_the_writer(tmp_path: Path) -> None:
    """Read documents wait in memory for the one writer, so the readers take a new path only as one is taken
    from them; every outcome still comes, in order."""
    taken: list[Path] = []

    def paths() -> Iterator[Path]:
        for n in range(20):
            taken.append(tmp_path / f"missing-{n}.txt")
            yield taken[-1]

    with IsolatedReaders(2, BASE) as readers:
        outcomes = readers.map(paths())
        next(outcomes)
        assert len(taken) == 1 + readers.lookahead == 5
        rest = list(outcomes)
    assert len(taken) == 20 and [error.file for error in rest] == [str(path) for path in taken[1:]]
