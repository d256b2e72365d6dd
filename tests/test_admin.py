"""The admin API through real HTTP, in both backends: a token guards it, an upload is ingested, validated and
loaded (re-uploading replaces), a broken file changes nothing, and a dataset can be deleted."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from budgetgraph.service import create_app
from budgetgraph.store import GraphStore
from conftest import BACKENDS, BASE, ROOT, SEED, new_store, serving

TOKEN = "s3cret-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED_DATASET = "410303/113001/2021/budget"


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest) -> Iterator[tuple[str, GraphStore]]:
    with contextlib.ExitStack() as stack:
        store = new_store(request.param, stack)
        root = stack.enter_context(serving(create_app(store, base=BASE, admin_token=TOKEN)))
        yield root, store


def _upload(root: str, name: str, data: bytes, headers: dict[str, str] = AUTH) -> httpx.Response:
    return httpx.post(f"{root}/admin/documents", files={"file": (name, data)}, headers=headers, timeout=60)


def _datasets(root: str) -> list[str]:
    query = "PREFIX bg: <https://w3id.org/budgetgraph/def#> SELECT ?d WHERE { ?d a bg:BudgetDataset }"
    answer = httpx.get(f"{root}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return sorted(b["d"]["value"] for b in answer.json()["results"]["bindings"])


def test_upload_loads_and_answers_the_report_and_reupload_replaces(service: tuple[str, GraphStore]) -> None:
    root, store = service
    answer = _upload(root, SEED.name, SEED.read_bytes())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["loaded"] is True and body["dataset"] == f"{BASE}id/dataset/{SEED_DATASET}"
    warnings = [f for f in body["report"]["findings"] if f["severity"] == "Warning"]
    assert warnings and all(f["message"] for f in warnings)  # the seed's own inconsistencies, reported
    quads = len(store)
    assert _upload(root, SEED.name, SEED.read_bytes()).status_code == 201
    assert len(store) == quads and _datasets(root) == [body["dataset"]]


def test_a_broken_upload_is_400_naming_the_file_and_changes_nothing(service: tuple[str, GraphStore]) -> None:
    root, store = service
    _upload(root, SEED.name, SEED.read_bytes())
    quads = len(store)
    answer = _upload(root, "../../etc/notes.txt", "会议纪要\n今天讨论了办公室的搬迁安排。\n".encode())
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("notes.txt: not a budget document")
    assert len(store) == quads


def test_the_token_is_required_and_checked(service: tuple[str, GraphStore]) -> None:
    root, store = service
    assert _upload(root, SEED.name, SEED.read_bytes(), headers={}).status_code == 401
    assert _upload(root, SEED.name, SEED.read_bytes(), headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert httpx.delete(f"{root}/admin/datasets/{SEED_DATASET}").status_code == 401
    assert len(store) == 0


def test_delete_removes_the_dataset_and_its_report(service: tuple[str, GraphStore]) -> None:
    root, store = service
    _upload(root, SEED.name, SEED.read_bytes())
    other = ROOT / "tests" / "data" / "inconsistent-budget.txt"
    assert _upload(root, other.name, other.read_bytes()).status_code == 201
    graph = f"{BASE}graph/dataset/{SEED_DATASET}"
    assert {graph, f"{graph}/report"} <= set(store.graph_names())
    assert len(httpx.get(f"{root}/data.json").json()["dataset"]) == 2
    assert httpx.delete(f"{root}/admin/datasets/{SEED_DATASET}", headers=AUTH).status_code == 204
    assert not {graph, f"{graph}/report"} & set(store.graph_names())
    assert len(_datasets(root)) == 1
    assert len(httpx.get(f"{root}/data.json").json()["dataset"]) == 1  # what the portal derived is recomputed
    missing = httpx.delete(f"{root}/admin/datasets/{SEED_DATASET}", headers=AUTH)
    assert missing.status_code == 404 and SEED_DATASET in missing.text
    assert httpx.delete(f"{root}/admin/datasets/a/b", headers=AUTH).status_code == 400


def test_without_a_token_there_is_no_admin_api() -> None:
    with serving(create_app(new_store("embedded", contextlib.ExitStack()), base=BASE)) as root:
        assert _upload(root, SEED.name, SEED.read_bytes()).status_code == 404
