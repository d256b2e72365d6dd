"""The pages in a real browser: Debian's Chromium, driven by Playwright, against the service on a live loopback
server. From a department to its dataset, from a row to its classification code, then the query page: pick an
example, run it, see the results table. Screenshots go to tests/artifacts/.

Chromium is a system program here (CI installs it with apt, see .ci/run); Playwright never downloads a browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect, sync_playwright

from budgetgraph.service import create_app
from budgetgraph.store import EmbeddedStore

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BASE = "http://127.0.0.1:8000/"
DATASET_PAGE = "/page/dataset/410303/113001/2021/budget"
CODE_PAGE = "/page/code/function/2021/2010350"


@pytest.fixture(scope="module")
def tab(published_store: EmbeddedStore, serve: Callable[[FastAPI], AbstractContextManager[str]]) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium), as .ci/run does")
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(create_app(published_store, base=BASE)) as root, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        context = browser.new_context(base_url=root, viewport={"width": 1280, "height": 900})
        yield context.new_page()  # one tab for the module: the tests run in order, each from its own URL
        browser.close()


def test_from_a_department_to_its_dataset_and_a_code(tab: Page) -> None:
    tab.goto("/page/department/410303/113001")
    tab.click(f'a[href="{DATASET_PAGE}"]')
    expect(tab).to_have_url(re.compile(re.escape(DATASET_PAGE) + "$"))
    expect(tab.locator("h1")).to_have_text("西工区政务服务和大数据局 部门 2021 年度部门预算")
    expect(tab.locator("table.observations")).to_have_count(5)
    tab.screenshot(path=ARTIFACTS / "dataset.png")
    tab.locator(f'a[href="{CODE_PAGE}"]').first.click()
    expect(tab).to_have_url(re.compile(re.escape(CODE_PAGE) + "$"))
    expect(tab.locator("h1")).to_contain_text("2010350 事业运行")
    expect(tab.locator(f'a[href="{DATASET_PAGE}/table/1/row/3"]').first).to_be_visible()
    tab.screenshot(path=ARTIFACTS / "code.png", full_page=True)


def test_pick_and_run_an_example_query(tab: Page) -> None:
    tab.goto("/query")
    editor = tab.locator("#editor .cm-content")
    expect(editor).to_be_visible()  # the bundled CodeMirror replaced the textarea
    expect(tab.locator("#query")).to_be_hidden()
    tab.select_option("#example", label="General public budget expenditure by functional class")
    expect(editor).to_contain_text("bg:table-fiscal-grant-summary")
    expect(tab.locator("#description")).to_contain_text("财政拨款收支总体情况表")
    assert editor.locator("span").count() > 10  # highlighted tokens
    tab.click("#run")
    table = tab.locator("#results-table")
    expect(table).to_be_visible()
    expect(table.locator("th").first).to_have_text("department")
    answer = tab.request.post("/sparql", form={"query": editor.inner_text()}, headers={"Accept": "application/sparql-results+json"}).json()
    solutions = len(answer["results"]["bindings"])
    assert solutions > 3
    expect(table.locator("tr")).to_have_count(1 + solutions)
    expect(tab.locator("#status")).to_have_text(f"{solutions} results")
    expect(table).to_contain_text("一般公共服务支出")
    tab.screenshot(path=ARTIFACTS / "query.png", full_page=True)
