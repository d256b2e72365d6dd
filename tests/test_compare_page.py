"""The comparison page through real HTTP, in both backends: its choices come from the store, its table holds the
figures of ``budgetgraph.compare`` for the same selection, its CSV the table's rows, its chart one bar per row; a
department named with markup stays text; bad choices are answered 400 with what is wrong.

Stores: the published one of conftest (the seed, whose 2080505 lines are read off its text here), and eight
generated documents (benchmarks/generate.py: 110101 in 2019–2024, 110102 in 2019 and 2020), one department renamed
to markup."""

from __future__ import annotations

import contextlib
import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser

import httpx
import pytest
from conftest import BACKENDS, BASE, SEED, live_client, new_store

from benchmarks.generate import budget, write_documents
from budgetgraph.compare import COLUMNS, Selection, compare, table_rows
from budgetgraph.pipeline import ingest
from budgetgraph.service import create_app
from budgetgraph.store import GraphStore

GENERATOR_SEED = 2021
GENERATED = 8
RENAMED = budget(GENERATOR_SEED, 6).department.name  # the department of 110102
MARKUP = '<script>alert(1)</script>&"局'
SVG = "{http://www.w3.org/2000/svg}"


class Table(HTMLParser):
    """The cells of the page's comparison table, row by row, and the href of its CSV link."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.csv = ""
        self._inside = self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "a" and named.get("id") == "csv":
            self.csv = named["href"] or ""
        self._inside |= tag == "table" and named.get("id") == "comparison"
        if self._inside and tag == "tr":
            self.rows.append([])
        self._cell = self._inside and tag == "td"
        if self._cell:
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self._cell:
            self.rows[-1][-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._inside &= tag != "table"
        self._cell &= tag != "td"


def table(html: str) -> Table:
    parser = Table()
    parser.feed(html)
    parser.rows = [row for row in parser.rows if row]  # the header row has no td
    return parser


def chart(html: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert found, "no chart on the page"
    return ET.fromstring(found.group())


@pytest.fixture(scope="module")
def published(published_store: GraphStore) -> Iterator[httpx.Client]:
    with live_client(create_app(published_store, base=BASE)) as client:
        yield client


@pytest.fixture(scope="module", params=BACKENDS)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphStore, httpx.Client]]:
    with contextlib.ExitStack() as stack:
        store = new_store(request.param, stack)
        for path in write_documents(tmp_path_factory.mktemp("documents"), GENERATED, GENERATOR_SEED):
            ingest(path, store, BASE)
        store.update(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            DELETE {{ GRAPH ?g {{ ?d skos:prefLabel ?old }} }} INSERT {{ GRAPH ?g {{ ?d skos:prefLabel ?new }} }}
            WHERE {{ GRAPH ?g {{ ?d skos:prefLabel ?old }} FILTER (STR(?old) = "{RENAMED}")
                    BIND (IF(LANG(?old) = "", '{MARKUP}', STRLANG('{MARKUP}', LANG(?old))) AS ?new) }}""")
        client = stack.enter_context(live_client(create_app(store, base=BASE)))
        yield store, client


def test_the_form_offers_what_the_store_holds(generated: tuple[GraphStore, httpx.Client]) -> None:
    html = generated[1].get("/compare").text
    assert re.findall(r'name="district" value="(\d+)"', html) == ["110101", "110102"]
    assert re.findall(r'name="year" value="(\d+)"', html) == [str(year) for year in range(2019, 2025)]
    assert '<a href="/compare">Compare</a>' in html
    assert 'id="comparison"' not in html  # nothing chosen yet: only the form


@pytest.mark.parametrize(("params", "selection"), [
    ({"district": "110101", "year": ["2019", "2020"]}, Selection(("110101",), (), (2019, 2020), "budget", "lei", "department")),
    ({"year": "2019-2020", "level": "cofog", "by": "district"}, Selection((), (), (2019, 2020), "budget", "cofog", "district")),
    ({"district": ["110101", "110102"], "year": "2020", "level": "kuan", "phase": "budget"}, Selection(("110101", "110102"), (), (2020,), "budget", "kuan")),
    ({"department": MARKUP, "level": "xiang"}, Selection(departments=(MARKUP,), level="xiang")),
])
def test_table_csv_and_chart_hold_the_comparison(generated: tuple[GraphStore, httpx.Client], params: dict[str, str | list[str]], selection: Selection) -> None:
    store, client = generated
    response = client.get("/compare", params=params)
    assert response.status_code == 200, response.text
    expected = table_rows(compare(store, selection))
    page = table(response.text)
    assert page.rows == expected and len(expected) > 3
    download = client.get(page.csv)
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="compare.csv"'
    assert list(csv.reader(download.text.splitlines())) == [list(COLUMNS), *expected]
    bars = chart(response.text).findall(f"{SVG}rect")
    assert [bar.findtext(f"{SVG}title") for bar in bars] == [f"{row[0]} {row[2]} {row[3]} {row[4]}: {row[5]} 万元" for row in expected]


def test_choices_that_match_nothing_say_so(generated: tuple[GraphStore, httpx.Client]) -> None:
    client = generated[1]
    html = client.get("/compare", params={"department": "没有这个部门"}).text
    assert "No figures for these choices." in html and "<svg" not in html and table(html).rows == []
    assert client.get(table(html).csv).text.splitlines() == [",".join(COLUMNS)]


def test_a_department_named_with_markup_stays_text(generated: tuple[GraphStore, httpx.Client]) -> None:
    html = generated[1].get("/compare", params={"department": MARKUP, "level": "lei"}).text
    assert "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;&amp;") >= 3  # the form's option, the table, the chart
    assert {row[0] for row in table(html).rows} == {MARKUP}
    labels = [text.text or "" for text in chart(html).iter(f"{SVG}text")]
    assert any(label.startswith(MARKUP + " 2019 201 ") for label in labels)


def test_the_seeds_lines_add_up_as_printed(published: httpx.Client) -> None:
    """2080505 of the seed: 9.40 for unit 106001 and 4.83 for 113001 in its 部门支出总体情况表."""
    source = SEED.read_text(encoding="utf-8").partition("2021年部门支出总体情况表")[2].partition("2021年财政拨款收支总体情况表")[0]
    printed = [Decimal(found) for found in re.findall(r"^208\t05\t05\t1\d{5}\t机关事业单位基本养老保险缴费支出\t([\d.]+)\t", source, re.MULTILINE)]
    assert printed == [Decimal("9.40"), Decimal("4.83")]
    rows = table(published.get("/compare", params={"district": "410303", "year": "2021", "level": "xiang"}).text).rows
    assert {row[3]: Decimal(row[5]) for row in rows}["2080505"] == sum(printed)


@pytest.mark.parametrize(("params", "message"), [
    ({"year": "20x1"}, "year: '20x1' is not a year (2021) or a range (2019-2023)"),
    ({"year": "1-99999999"}, "is not a year"),
    ({"year": "2030"}, "year: no documents of 2030 here (years: 2021)"),
    ({"district": "410303 } UNION { ?s ?p ?o"}, "district: no documents of"),
    ({"level": "dept"}, "parameter level (level): 'dept' is not one of lei"),
    ({"phase": "plan"}, "parameter phase (phase): 'plan' is not one of budget"),
    ({"by": "unit"}, "compare by one of department, district, not 'unit'"),
])
@pytest.mark.parametrize("path", ["/compare", "/compare.csv"])
def test_bad_choices_are_refused_with_what_is_wrong(published: httpx.Client, path: str, params: dict[str, str], message: str) -> None:
    response = published.get(path, params=params)
    assert response.status_code == 400
    text = response.text.replace("&#39;", "'") if path == "/compare" else response.text
    assert message in text
