"""The pages in a real browser: Debian's Chromium, driven by Playwright, against the service on a live loopback
server. From a department to its dataset, from a row to its classification code, then the query page: pick an
example, run it, see the results table; the comparison page: choose, compare, see the table and the chart.
Screenshots go to tests/artifacts/.

Chromium is a system program here (CI installs it with apt, see .ci/run); Playwright never downloads a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from budgetgraph.service import create_app
from budgetgraph.store import GraphStore
from conftest import serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BASE = "http://127.0.0.1:8000/"
DATASET_PAGE = "/page/dataset/410303/113001/2021/budget"
CODE_PAGE = "/page/code/function/2021/2010350"


@pytest.fixture(scope="module")
def tab(published_store: GraphStore) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium), as .ci/run does")
    ARTIFACTS.mkdir(exist_ok=True)
    with serving(create_app(published_store, base=BASE)) as root, sync_playwright() as playwright:
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


def test_choose_and_compare(tab: Page) -> None:
    tab.goto("/")
    tab.click('a[href="/compare"]')
    expect(tab).to_have_url(re.compile("/compare$"))
    tab.check('input[name="district"][value="410303"]')
    tab.check('input[name="year"][value="2021"]')
    tab.select_option("#level", label="款")
    tab.click("#compare")
    expect(tab).to_have_url(re.compile(r"/compare\?district=410303&year=2021&"))
    rows = tab.locator("#comparison tbody tr")
    expect(rows).to_have_count(4)  # the seed's 款: 20103, 20805, 21011 and 22102, its two units' lines added up
    expect(rows.first).to_contain_text("20103")
    expect(rows.first.locator("td.amount")).to_have_text("394.4")  # 46.64 + 40.70 + 307.06
    bars = tab.locator("#chart svg rect")
    expect(bars).to_have_count(4)
    assert all((bars.nth(i).bounding_box() or {"width": 0})["width"] > 0 for i in range(4))
    expect(tab.locator("#csv")).to_have_attribute("href", re.compile(r"^/compare\.csv\?district=410303&year=2021&"))
    tab.screenshot(path=ARTIFACTS / "compare.png", full_page=True)
