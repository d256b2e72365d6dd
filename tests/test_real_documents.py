"""Real published documents from other provinces, levels and years (bundled in data/real; their sources and
answer keys in tests/data/real, SOURCE.md and expected.json): every
table, row label, code and amount against answer keys written by hand from the published pages."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetgraph.ingest import read_document
from budgetgraph.normalise import key
from budgetgraph.records import Phase, RowRole

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
KEYS = json.loads((Path(__file__).parent / "data" / "real" / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(KEYS))
def test_metadata(name: str) -> None:
    answer, doc = KEYS[name], read_document(REAL / name)
    assert doc.department == answer["department"]
    assert (doc.province, doc.city, doc.district, doc.district_code) == (
        answer["province"], answer["city"], answer["district"], answer["division_code"],
    )
    assert doc.fiscal_year == answer["fiscal_year"]
    assert doc.phase is Phase(answer["phase"])
    assert doc.unread == ()


@pytest.mark.parametrize("name", sorted(KEYS))
def test_every_table_row_and_amount(name: str) -> None:
    answer, doc = KEYS[name], read_document(REAL / name)
    assert [t.kind.value for t in doc.tables] == [t["kind"] for t in answer["tables"]]
    for expected, table in zip(answer["tables"], doc.tables, strict=True):
        assert key(expected["title"]) in key(table.title)
        assert table.unit == expected["unit"]
        assert [key(c) for c in table.columns] == [key(c) for c in expected["columns"]]
        assert len(table.notes) == expected["notes"]
        assert len(table.rows) == len(expected["rows"]), table.title
        for want, row in zip(expected["rows"], table.rows, strict=True):
            assert key(row.label) == key(want["label"])
            assert (row.side or "") == want.get("side", "")
            assert (row.function_code or row.economic_code or "") == want.get("code", "")
            got = {key(c.column): c.amount for c in row.cells if c.amount is not None}
            assert got == {key(k): Decimal(v) for k, v in want["values"].items()}, row.label
            # as printed: the same digits (1.70 stays 1.70), and words in an amount cell kept as text
            assert all(c.text == want["values"][c.column] for c in row.cells if c.amount is not None and c.column in want["values"])
            if "printed" in want:
                assert {c.text for c in row.cells} == {want["printed"]}
        assert table.rows[0].role is RowRole.TOTAL or key(table.rows[0].label) != "合计"


@pytest.mark.parametrize("name", sorted(KEYS))
def test_every_amount_keeps_its_place(name: str) -> None:
    doc = read_document(REAL / name)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                assert cell.location.file == name and cell.location.line == row.line and cell.location.column == cell.column


@pytest.mark.parametrize("name", sorted(KEYS))
def test_each_loads_into_the_graph(name: str) -> None:
    """Mapped and checked: no structural violation, so each document would load."""
    from budgetgraph.mapping import map_document
    from budgetgraph.validation import validate

    report = validate(map_document(read_document(REAL / name), "http://127.0.0.1:8000/"))
    assert report.conforms, [f.message for f in report.findings]
