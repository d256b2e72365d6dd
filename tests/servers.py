"""Real SPARQL 1.1 servers on loopback, for the tests and benchmarks of the remote backend: Oxigraph server
(PyPI ``oxigraph``) and Virtuoso Open Source (Debian ``virtuoso-opensource``). Each is started on free ports
with a store of its own and stopped when its context ends; each yields the RemoteStore that writes to it."""

from __future__ import annotations

import atexit
import contextlib
import functools
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from budgetgraph.store import RemoteStore

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
# A fresh Virtuoso database as the README sets one up: its anonymous /sparql reads only (Virtuoso's default, no
# sponging either), and a user of its own writes through /sparql-auth (digest authentication), reading and writing
# graphs but not sponging, so that not even its LOAD fetches anything.
VIRTUOSO_USER = ("budgetgraph", "budgetgraph-test-password")
VIRTUOSO_GRANTS = (
    f"DB.DBA.USER_CREATE ('{VIRTUOSO_USER[0]}', '{VIRTUOSO_USER[1]}'); GRANT SPARQL_UPDATE TO \"{VIRTUOSO_USER[0]}\"; "
    f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{VIRTUOSO_USER[0]}', 3);"
)
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
Charset = UTF-8
[SPARQL]
; no cap on the rows of an answer (10,000 by default) nor on a query's time: the service sets its own
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


def wait_until_answering(query_url: str, server: subprocess.Popen[bytes], log: Path | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(query_url, params={"query": "ASK {}"}).status_code == 200:
                return
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{server.args[0]} did not start: {log.read_text() if log and log.exists() else server.returncode}")
        time.sleep(0.025)


@contextlib.contextmanager
def oxigraph_server(location: Path | None = None) -> Iterator[RemoteStore]:
    """``oxigraph serve``, in memory (on disk in ``location`` when one is given), its default graph the union of
    the graphs."""
    program = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert program, "the oxigraph server is not installed: pip install -e '.[test]'"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    on_disk = ["--location", str(location)] if location is not None else []
    server = subprocess.Popen([program, "serve", *on_disk, "--bind", f"127.0.0.1:{port}", "--union-default-graph"])
    try:
        wait_until_answering(f"{url}/query", server)
        yield RemoteStore(f"{url}/query", f"{url}/update")
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def virtuoso_server(memory_mb: int = 200) -> Iterator[RemoteStore]:
    """Virtuoso on a copy of a fresh database (``VIRTUOSO_GRANTS``), with ``memory_mb`` of page buffers; its
    default graph is the union of the graphs (Virtuoso's own)."""
    assert VIRTUOSO and ISQL, "Virtuoso is not installed: apt-get install virtuoso-opensource"
    directory = Path(tempfile.mkdtemp(prefix="virtuoso-"))
    try:
        shutil.copy(_fresh_virtuoso_database(), directory / "virtuoso.db")
        with _virtuoso(directory, memory_mb) as url:
            yield RemoteStore(f"{url}/sparql", f"{url}/sparql-auth", credentials=VIRTUOSO_USER, kind="virtuoso")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@functools.cache
def _fresh_virtuoso_database() -> Path:
    """A database made once per process and granted the updates (creating one takes seconds; copying it, not)."""
    directory = Path(tempfile.mkdtemp(prefix="virtuoso-fresh-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    with _virtuoso(directory, 200, fresh=True):
        pass
    return directory / "virtuoso.db"


@contextlib.contextmanager
def _virtuoso(directory: Path, memory_mb: int, *, fresh: bool = False) -> Iterator[str]:
    """Virtuoso on the database in ``directory``; ``fresh``: a new one, granted the updates and kept (shut down
    cleanly), else thrown away (killed)."""
    sql_port, http_port = free_port(), free_port()
    buffers = memory_mb * 1024 * 1024 // 8700  # a page buffer takes about 8.5 KB (virtuoso.ini's own advice)
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port, buffers=buffers, dirty_buffers=buffers * 3 // 4), encoding="utf-8")
    server = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answering(f"{url}/sparql", server, directory / "virtuoso.log")
        if fresh:
            subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"], check=True, capture_output=True)
        yield url
    finally:
        if fresh:  # isql's shutdown checkpoints the database and stops the server
            subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=shutdown;"], capture_output=True, timeout=60)
        else:
            server.kill()
        server.wait(timeout=30)
