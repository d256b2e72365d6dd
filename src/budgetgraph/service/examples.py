"""The example queries shipped in ``resources/queries/``, with the title and description of their header:

    # title: General public budget expenditure by functional class
    # description: Each department's 一般公共预算 expenditure per 类 …
    #   continued on lines indented after the "#"
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from budgetgraph.resources import resource


@dataclass(frozen=True)
class Example:
    name: str  # the file's stem
    title: str
    description: str
    query: str


@cache
def examples() -> tuple[Example, ...]:
    return tuple(_read(path.stem, path.read_text(encoding="utf-8")) for path in sorted(resource("queries").glob("*.rq")))


def _read(name: str, text: str) -> Example:
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.removeprefix("#")
        field, colon, value = body.strip().partition(":")
        if colon and not body.startswith("  ") and field.isidentifier():
            key, fields[field] = field, value.strip()
        elif key is not None:
            fields[key] += " " + body.strip()
    return Example(name, fields.get("title", name), fields.get("description", ""), text)
