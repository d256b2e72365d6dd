"""A classification printed as names only, indented: its levels and parents reach the graph, and the arithmetic
of each 款 and 类 over the lines indented under it is checked like that of coded lines."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from budgetgraph.ingest import read_document
from budgetgraph.mapping import map_document
from budgetgraph.mapping.uris import BG
from budgetgraph.validation import validate
from conftest import BASE, ROOT

FIXTURE = ROOT / "tests" / "data" / "variants" / "synthetic-variants-2023-final.txt"
LINE = "　　　　行政运行\t2,300.00\t2,300.00\t"


def _row(graph, label: str) -> URIRef:  # type: ignore[no-untyped-def]
    return next(s for s in graph.subjects(None, Literal(label, lang="zh")) if "/table/1/" in str(s))


def test_levels_and_parents_of_indented_lines() -> None:
    graph = map_document(read_document(FIXTURE), BASE).graph
    line, kuan, lei = _row(graph, "行政运行"), _row(graph, "政府办公厅（室）及相关机构事务"), _row(graph, "一般公共服务支出")
    assert (graph.value(line, BG.parentRow), graph.value(kuan, BG.parentRow), graph.value(lei, BG.parentRow)) == (kuan, lei, None)
    assert [graph.value(row, BG.level) for row in (line, kuan, lei)] == [BG["level-xiang"], BG["level-kuan"], BG["level-lei"]]
    uncoded = _row(graph, "其他住房改革支出")  # not in the bundled code list: a place, but no code
    assert graph.value(uncoded, BG.code) is None and graph.value(uncoded, BG.level) == BG["level-xiang"]


def test_a_changed_indented_line_breaks_its_parent_sum(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert validate(map_document(read_document(FIXTURE), BASE)).findings == ()
    mutated = tmp_path / FIXTURE.name
    mutated.write_text(text.replace(LINE, LINE.replace("2,300.00", "2,310.00"), 1), encoding="utf-8")
    messages = sorted(f.message for f in validate(map_document(read_document(mutated), BASE)).findings)
    assert messages == [
        "支出决算表 row 3 (20103 政府办公厅（室）及相关机构事务): 基本支出 2300 ≠ the sum of its lines 2310",
        "支出决算表 row 3 (20103 政府办公厅（室）及相关机构事务): 总计 3410 ≠ the sum of its lines 3420",
    ]
