"""Indentation measured from a PDF's positions, and the indentation that is no classification."""

from __future__ import annotations

from budgetgraph.ingest.columns import indent_first_column
from budgetgraph.ingest.hierarchy import indented_hierarchy
from budgetgraph.ingest.text import Line, indent_of


def test_the_first_column_is_indented_in_characters_from_the_leftmost_start() -> None:
    """6-point characters: a 款 two characters in, a 项 four; a line without a start (a note) is left as it is;
    a start 0.4 point off its step is that step."""
    lines = [
        Line(1, ("一般公共服务支出", "3.00"), start=(28.5, 6.0)),
        Line(2, ("政府办公厅（室）及相关机构事务", "3.00"), start=(40.5, 6.0)),
        Line(3, ("行政运行", "3.00"), start=(52.9, 6.0)),
        Line(4, ("注：合成",)),
    ]
    assert [indent_of(line.cells[0]) for line in indent_first_column(lines)] == [0, 2, 4, 0]
    assert [line.cells[1:] for line in indent_first_column(lines)] == [line.cells[1:] for line in lines]


def test_a_continued_page_without_a_class_keeps_its_depths() -> None:
    """A table continued on a page that begins with a 项 and holds no 类: its lines keep their depth."""
    lines = [
        Line(1, ("一般公共服务支出",), page=1, start=(28.5, 6.0)),
        Line(1, ("行政运行",), page=2, start=(52.5, 6.0)),
        Line(2, ("政府办公厅（室）及相关机构事务",), page=2, start=(40.5, 6.0)),
    ]
    assert [indent_of(line.cells[0]) for line in indent_first_column(lines)] == [0, 4, 2]


def test_indented_lines_give_levels_and_parents() -> None:
    places = indented_hierarchy([(1, "一般公共服务支出", 0), (2, "政府办公厅（室）及相关机构事务", 2), (3, "行政运行", 4)], functional=True)
    assert [(p.level, p.parent, p.code) for p in places.values()] == [(1, None, "201"), (2, 1, "20103"), (3, 2, "2010301")]


def test_a_first_line_that_is_indented_gives_no_levels() -> None:
    """Names centred in their cells start wherever their length puts them: the first is no 类 at the left."""
    assert indented_hierarchy([(1, "行政运行", 3), (2, "一般公共服务支出", 0), (3, "住房公积金", 2)], functional=True) == {}


def test_more_than_three_depths_give_no_levels() -> None:
    lines = [(1, "一般公共服务支出", 0), (2, "政府办公厅（室）及相关机构事务", 1), (3, "行政运行", 2), (4, "机关服务", 3)]
    assert indented_hierarchy(lines, functional=True) == {}


def test_figures_in_the_first_column_are_not_indented_nor_measured_from() -> None:
    """A 绩效 summary prints amounts in its first column, a coded table its codes: set as figures are set."""
    lines = [
        Line(1, ("201", "一般公共服务支出"), start=(20.0, 6.0)),
        Line(2, ("合计", "3.00"), start=(28.5, 6.0)),
        Line(3, ("1,234.50", "3.00"), start=(60.0, 6.0)),
    ]
    assert [line.cells[0] for line in indent_first_column(lines)] == ["201", "合计", "1,234.50"]
