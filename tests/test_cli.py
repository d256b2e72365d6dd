"""The command line as a user runs it: ingest, query, validate, export."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from rdflib import Graph

from budgetgraph.cli import UPDATE_PASSWORD
from budgetgraph.store import EmbeddedStore
from conftest import ROOT, SEED
from servers import virtuoso_server

CLASS_QUERY = ROOT / "queries" / "general-budget-by-class.rq"


def budgetgraph(*args: str, check: bool = True, password: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != UPDATE_PASSWORD}
    if password is not None:
        environment[UPDATE_PASSWORD] = password
    return subprocess.run([sys.executable, "-m", "budgetgraph.cli", *args], capture_output=True, text=True, check=check, env=environment)


def test_ingest_then_query_answers_the_class_totals(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    ingested = budgetgraph("ingest", str(SEED), "--store", store)
    assert "8 tables" in ingested.stdout and "6 warnings" in ingested.stdout
    answer = budgetgraph("query", str(CLASS_QUERY), "--store", store, "--format", "csv").stdout
    rows = [(r["code"], Decimal(r["amount"]), r["unit"]) for r in csv.DictReader(io.StringIO(answer))]
    assert rows == [
        ("201", Decimal("394.40"), "万元"),
        ("208", Decimal("16.99"), "万元"),
        ("210", Decimal("12.60"), "万元"),
        ("221", Decimal("11.03"), "万元"),
        ("", Decimal("435.02"), "万元"),
    ]
    table = budgetgraph("query", str(CLASS_QUERY), "--store", store).stdout
    assert "435.02" in table and "一般公共服务支出" in table


def test_a_bulk_ingest_answers_queries_like_the_normal_one(tmp_path: Path) -> None:
    documents = [str(SEED), *(str(p) for p in sorted((ROOT / "data" / "real").iterdir())[:3]), str(SEED)]
    counts, answers = [], []
    for flags in ([], ["--bulk"]):
        store = str(tmp_path / f"store{len(flags)}")
        ingested = budgetgraph("ingest", *documents, "--store", store, "--workers", "2", *flags)
        assert "5 of 5 documents loaded" in ingested.stdout
        counts.append(re.findall(r"\d+ quads in \d+ graphs", ingested.stdout))
        answers.append(budgetgraph("query", str(CLASS_QUERY), "--store", store, "--format", "csv").stdout)
    assert counts[0] == counts[1] and len(counts[1]) == 1
    assert answers[0] == answers[1] and "435.02" in answers[1]


def test_bulk_refuses_a_sparql_server() -> None:
    result = budgetgraph("ingest", str(SEED), "--bulk", "--endpoint", "http://127.0.0.1:9/query", "--update-url", "http://127.0.0.1:9/update", check=False)
    assert result.returncode == 1 and "--bulk" in result.stderr and "--endpoint" in result.stderr


def test_query_commands_load_neither_the_pipeline_nor_the_service() -> None:
    """Answering a query should not pay for importing rdflib's parsers, pySHACL or FastAPI (about a second)."""
    probe = (
        "import sys; from budgetgraph import cli; cli.main(['queries']); "
        "print(sorted(m for m in ('pyshacl', 'fastapi', 'budgetgraph.pipeline', 'budgetgraph.ingest') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.splitlines()[-1] == "[]"


def test_a_failed_document_keeps_the_batch_going_and_exits_non_zero(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("这不是预算文件\n", encoding="utf-8")
    result = budgetgraph("ingest", str(junk), str(SEED), "--store", str(tmp_path / "store"), check=False)
    assert result.returncode == 1
    assert "junk.txt" in result.stderr and "not a budget document" in result.stderr
    assert "luoyang-xigong-zhengshuju-2021-budget.txt" in result.stdout


def test_a_folder_ends_with_what_was_read_and_what_was_skipped_and_why(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "junk.txt").write_text("这不是预算文件\n", encoding="utf-8")
    seed = SEED.read_text(encoding="utf-8")
    headed = "项目\t金额\t项目\t合计"
    assert seed.count(headed) == 1
    (folder / "seed-with-a-broken-header.txt").write_text(seed.replace(headed, "项目\t金额\t科目\t合计"), encoding="utf-8")
    result = budgetgraph("ingest", str(folder), "--store", str(tmp_path / "store"), check=False)
    assert result.returncode == 1
    assert "1 of 2 documents loaded, 7 tables read, 1 tables not read" in result.stdout
    assert "not read: table 2 2021年财政拨款收支总体情况表 (line " in result.stdout
    assert "two-sided table without a 支出 项目 column" in result.stdout
    assert f"skipped {folder / 'junk.txt'}" in result.stdout and "not a budget document" in result.stdout


def test_validate_reports_without_loading(tmp_path: Path) -> None:
    report = json.loads(budgetgraph("validate", str(SEED), "--format", "json").stdout)
    assert report["conforms"] is True
    assert len(report["findings"]) == 6
    turtle = budgetgraph("validate", str(SEED), "--format", "turtle").stdout
    assert len(Graph().parse(data=turtle, format="turtle")) > 20


def test_export_formats_parse() -> None:
    for fmt, rdflib_format in (("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        out = budgetgraph("export", str(SEED), "--format", fmt).stdout
        assert len(Graph().parse(data=out, format=rdflib_format)) > 2000


def test_query_on_a_missing_store_says_so(tmp_path: Path) -> None:
    result = budgetgraph("query", "ASK {}", "--store", str(tmp_path / "none"), check=False)
    assert result.returncode == 1 and "run 'budgetgraph ingest' first" in result.stderr


def test_the_readme_main_command_loads_every_bundled_document(tmp_path: Path) -> None:
    folders = re.search(r"budgetgraph ingest ((?:data/\w+ ?)+)&&", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert folders, "the README's first command ingests the bundled folders"
    bundled = [str(ROOT / folder) for folder in folders.group(1).split()]
    count = sum(1 for folder in bundled for path in Path(folder).iterdir() if path.is_file())
    ingested = budgetgraph("ingest", *bundled, "--store", str(tmp_path / "store"))
    assert f"{count} of {count} documents loaded" in ingested.stdout and count == 26


def test_ingest_into_virtuoso_signs_its_updates_and_answers_as_the_store_directory(tmp_path: Path) -> None:
    """Virtuoso as the README sets it up: the anonymous endpoint reads, a user writes through /sparql-auth."""
    store = str(tmp_path / "store")
    budgetgraph("ingest", str(SEED), "--store", store)
    expected = budgetgraph("query", str(CLASS_QUERY), "--store", store, "--format", "csv").stdout
    with virtuoso_server() as server:
        user, password = server.credentials  # type: ignore[misc]
        remote = ["--endpoint", server.query_url, "--update-url", str(server.update_url), "--server-kind", "virtuoso"]
        unsigned = budgetgraph("ingest", str(SEED), *remote, check=False)
        assert unsigned.returncode == 1 and "the SPARQL server refused the request" in unsigned.stderr
        no_password = budgetgraph("ingest", str(SEED), *remote, "--update-user", user, check=False)
        assert no_password.returncode == 1 and "needs its password in $BUDGETGRAPH_UPDATE_PASSWORD" in no_password.stderr
        wrong = budgetgraph("ingest", str(SEED), *remote, "--update-user", user, check=False, password="not-it")
        assert wrong.returncode == 1 and "the SPARQL server refused the request" in wrong.stderr
        assert len(server) == 0
        observations = ["--observations", str(tmp_path / "remote.observations")]  # the store directory has one by default
        ingested = budgetgraph("ingest", str(SEED), *remote, *observations, "--update-user", user, password=password)
        assert re.findall(r"\d+ quads in \d+ graphs", ingested.stdout) == [f"{len(EmbeddedStore(store))} quads in {len(EmbeddedStore(store).graph_names())} graphs"]
        assert budgetgraph("query", str(CLASS_QUERY), *remote, "--format", "csv").stdout == expected
