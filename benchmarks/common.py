"""What every benchmark of this folder measures with: clocks, percentiles, memory, ports, the machine."""

from __future__ import annotations

import math
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "documents" / "luoyang-xigong-zhengshuju-2021-budget.txt"
BASE = "http://127.0.0.1:8000/"
JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Row:
    benchmark: str
    measure: str
    value: str


Clock = Callable[[], float]


def timed(action: Callable[[], object], clock: Clock = time.perf_counter) -> float:
    """Seconds ``action`` took by ``clock``: the wall clock, or ``time.process_time`` for the CPU time of all
    the process's threads."""
    start = clock()
    action()
    return clock() - start


def samples_ms(action: Callable[[], object], runs: int, clock: Clock = time.perf_counter) -> list[float]:
    return [timed(action, clock) * 1000 for _ in range(runs)]


def median_ms(action: Callable[[], object], runs: int, clock: Clock = time.perf_counter) -> float:
    return statistics.median(samples_ms(action, runs, clock))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def peak_of(pid: int | str) -> float:
    """A process's peak RSS in MB (VmHWM: since its exec, unlike getrusage, whose figure for a child or a
    forked process includes memory it shared with its parent); ``"self"`` for this process."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(client: httpx.Client, url: str, server: subprocess.Popen[bytes], *, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{server.args} exited with {server.returncode}")
        try:
            if client.get(url).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def machine() -> str:
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    packages = ", ".join(f"{name} {version(name)}" for name in ("pyoxigraph", "rdflib", "pyshacl", "fastapi", "uvicorn"))
    return f"{os.cpu_count()} cores (nproc), {memory_kb / 1024 ** 2:.1f} GiB memory, {platform.processor() or platform.machine()}, Python {platform.python_version()}; {packages}"


def load_averages() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def table(rows: Iterable[Row]) -> str:
    lines = ["| benchmark | measure | result |", "|---|---|---:|"]
    lines += [f"| {r.benchmark} | {r.measure} | {r.value} |" for r in rows]
    return "\n".join(lines)


@contextmanager
def serving(command: list[str], probe: str) -> Iterator[subprocess.Popen[bytes]]:
    """A server subprocess, up once ``probe`` answers 200."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=120) as client:
            wait_until_up(client, probe, server)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def budgetgraph_serve(folder: Path, port: int, timeout_s: float | None = None) -> list[str]:
    """``budgetgraph serve`` of ``folder`` on 127.0.0.1, with its default query timeout unless one is given."""
    command = [sys.executable, "-m", "budgetgraph.cli", "serve", "--store", str(folder), "--host", "127.0.0.1", "--port", str(port)]
    return command + ["--query-timeout", str(timeout_s)] if timeout_s is not None else command
