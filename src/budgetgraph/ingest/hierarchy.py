"""A classification printed as names only, its levels shown by indentation: the 类 at the left, each 款 indented
under it, each 项 further in (full-width spaces in text and HTML, a spreadsheet cell's indent)."""

from __future__ import annotations

from dataclasses import dataclass

from budgetgraph.codelists import class_code_for_name, functional_codes
from budgetgraph.normalise import key

MAX_LEVELS = 3  # 类, 款, 项


@dataclass(frozen=True)
class Place:
    level: int  # 1 for the least indented lines (类), 2 for the next (款), 3 (项)
    parent: int | None  # the row number of the nearest line above it that is less indented
    code: str | None  # the functional code the name stands for, where the name is unambiguous under its parent


def indented_hierarchy(lines: list[tuple[int, str, int]], functional: bool) -> dict[int, Place]:
    """The place of each (row number, name, indentation) line, in the table's order. The levels are the table's
    distinct indentations, least first; a table printed flat (one indentation) has none, and neither has one
    whose indentation cannot be 类, 款 and 项 (``_is_classification``). A code is given only where the name is a 类
    of the functional classification, or a 款/项 of its parent's code, exactly."""
    depths = sorted({indent for _, _, indent in lines})
    if len(depths) < 2 or not _is_classification(lines, depths):
        return {}
    places: dict[int, Place] = {}
    above: list[tuple[int, Place]] = []  # the open lines, outermost first: (row number, place)
    for row, name, indent in lines:
        level = depths.index(indent) + 1
        while above and above[-1][1].level >= level:
            above.pop()
        parent = above[-1] if above else None
        code = _code(name, parent[1].code if parent else None, level) if functional else None
        places[row] = Place(level, parent[0] if parent else None, code)
        above.append((row, places[row]))
    return places


def _is_classification(lines: list[tuple[int, str, int]], depths: list[int]) -> bool:
    """A classification starts with a 类 at the left and goes three levels deep at most: other indentation
    (names centred in their cells, a PDF's positions measured from a stray text further left) is no hierarchy."""
    return lines[0][2] == depths[0] and len(depths) <= MAX_LEVELS


def _code(name: str, parent_code: str | None, level: int) -> str | None:
    if level == 1:
        return class_code_for_name(name, exact=True)
    if parent_code is None:
        return None
    matches = [
        code for code, entry in functional_codes().items()
        if len(code) == len(parent_code) + 2 and code.startswith(parent_code) and key(entry.zh) == key(name)
    ]
    return matches[0] if len(matches) == 1 else None
