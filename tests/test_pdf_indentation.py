"""Indentation measured from a PDF's positions, and the indentation that is no classification."""

from __future__ import annotations

from budgetgraph.ingest.columns import indent_steps
from budgetgraph.ingest.hierarchy import indented_hierarchy


def test_indent_steps_count_characters_from_the_leftmost_start() -> None:
    # 6-point characters: a 款 two characters in, a 项 four, a blank cell, a start 0.4 point off its step
    assert indent_steps([(28.5, 6.0), (40.5, 6.0), (52.5, 6.0), None, (40.9, 6.0)]) == [0, 2, 4, 0, 2]


def test_indented_lines_give_levels_and_parents() -> None:
    places = indented_hierarchy([(1, "一般公共服务支出", 0), (2, "政府办公厅（室）及相关机构事务", 2), (3, "行政运行", 4)], functional=True)
    assert [(p.level, p.parent, p.code) for p in places.values()] == [(1, None, "201"), (2, 1, "20103"), (3, 2, "2010301")]


def test_a_first_line_that_is_indented_gives_no_levels() -> None:
    """Names centred in their cells start wherever their length puts them: the first is no 类 at the left."""
    assert indented_hierarchy([(1, "行政运行", 3), (2, "一般公共服务支出", 0), (3, "住房公积金", 2)], functional=True) == {}


def test_more_than_three_depths_give_no_levels() -> None:
    lines = [(1, "一般公共服务支出", 0), (2, "政府办公厅（室）及相关机构事务", 1), (3, "行政运行", 2), (4, "机关服务", 3)]
    assert indented_hierarchy(lines, functional=True) == {}
