"""The query library: the named SPARQL queries of ``queries/``, their headers read into typed parameters.

A query file starts with comment lines::

    # title: Total expenditure and income by district and year
    # description: What it answers, in which unit,
    #   continued on lines indented after the ``#``.
    # param: year year — the fiscal year; unset, every year
    # param: phase phase budget — 预算 (budget), 调整预算 (revised-budget) or 决算 (final-accounts)

A parameter line is ``name type [default] — description``, the types those of ``CONVERTERS``. A parameter is a
variable the query projects (pyoxigraph binds no other), bound to a pyoxigraph term through the store's
``substitutions`` (a VALUES block on a remote server), never pasted into the text; one without a default that is
not given stays unbound and matches everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import pyoxigraph

from budgetgraph.errors import BudgetgraphError
from budgetgraph.resources import resource
from budgetgraph.store.base import GraphStore, Term

BG = "https://w3id.org/budgetgraph/def#"
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = re.compile(r"#\s*(?P<key>title|description|param):\s*(?P<value>.*)")
CONTINUATION = re.compile(r"#\s{2,}(?P<value>\S.*)")
PARAMETER = re.compile(r"(?P<name>[A-Za-z_]\w*)\s+(?P<type>[a-z]+)(?:\s+(?P<default>\S+))?\s+—\s+(?P<description>.+)")
PHASES = {"budget": "phase-budget", "预算": "phase-budget", "revised-budget": "phase-revised-budget", "调整预算": "phase-revised-budget",
          "final-accounts": "phase-final-accounts", "决算": "phase-final-accounts"}
LEVELS = {"lei": "level-lei", "类": "level-lei", "kuan": "level-kuan", "款": "level-kuan", "xiang": "level-xiang", "项": "level-xiang"}


class ParameterError(BudgetgraphError):
    """A parameter value of the wrong type, or a parameter the query does not have."""


def _iri(text: str) -> pyoxigraph.NamedNode:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+", text):
        raise ValueError("an absolute IRI")
    return pyoxigraph.NamedNode(text)


def _integer(text: str) -> pyoxigraph.Literal:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError("an integer")
    return pyoxigraph.Literal(str(int(text)), datatype=pyoxigraph.NamedNode(XSD + "integer"))


def _decimal(text: str) -> pyoxigraph.Literal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("a decimal number") from None
    if not value.is_finite():
        raise ValueError("a finite decimal number")
    return pyoxigraph.Literal(format(value, "f"), datatype=pyoxigraph.NamedNode(XSD + "decimal"))


def _year(text: str) -> pyoxigraph.Literal:
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ValueError("a four-digit year such as 2021")
    return pyoxigraph.Literal(text, datatype=pyoxigraph.NamedNode(XSD + "gYear"))


def _code(text: str) -> pyoxigraph.Literal:
    if not re.fullmatch(r"\d{2,12}", text):
        raise ValueError("a classification or district code: digits only, such as 201, 2010301 or 410303")
    return pyoxigraph.Literal(text)


def _concept(choices: Mapping[str, str]) -> Callable[[str], pyoxigraph.NamedNode]:
    def convert(text: str) -> pyoxigraph.NamedNode:
        if text not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return pyoxigraph.NamedNode(BG + choices[text])
    return convert


# Each type turns the text a user gives into the term the query's variable is bound to.
CONVERTERS: dict[str, Callable[[str], Term]] = {
    "iri": _iri,
    "string": pyoxigraph.Literal,
    "integer": _integer,
    "decimal": _decimal,
    "year": _year,
    "code": _code,
    "phase": _concept(PHASES),
    "level": _concept(LEVELS),
}

# How a literal of an XSD datatype reads as a Python value (xsd:decimal as Decimal, apart).
NATIVE: dict[str, Callable[[str], object]] = {
    "integer": int, "int": int, "long": int, "gYear": int, "double": float, "float": float, "boolean": lambda text: text in ("true", "1"),
}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str

    def term(self, value: object) -> Term:
        """The term ``value`` binds: text as a user types it, or an int, Decimal or str of Python code."""
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ParameterError(f"parameter {self.name} ({self.type}): {value!r} is not text or a number")
        try:
            return CONVERTERS[self.type](str(value))
        except ValueError as error:
            raise ParameterError(f"parameter {self.name} ({self.type}): {str(value)!r} is not {error}") from None


@dataclass(frozen=True)
class LibraryQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    sparql: str

    def bindings(self, values: Mapping[str, object] | None = None) -> dict[str, Term]:
        """The substitutions for ``values`` and the defaults of the parameters not given; an unknown name or a
        value of the wrong type raises ParameterError."""
        values = dict(values or {})
        known = {p.name for p in self.parameters}
        if unknown := sorted(set(values) - known):
            raise ParameterError(f"query {self.name} has no parameter {', '.join(unknown)} (it has: {', '.join(sorted(known)) or 'none'})")
        bound = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is not None:
                bound[parameter.name] = parameter.term(value)
        return bound


def parse(name: str, text: str) -> LibraryQuery:
    """A query file: its header (the comment lines it starts with) read, its body the SPARQL. The header is left
    out of the body."""
    lines = text.splitlines(keepends=True)
    length = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    fields: dict[str, str] = {"title": "", "description": ""}
    parameters = []
    last = ""
    for line in (line.rstrip("\n") for line in lines[:length]):
        if (continued := CONTINUATION.fullmatch(line)) and last == "description":
            fields["description"] += " " + continued["value"].strip()
        elif header := HEADER.fullmatch(line):
            last = header["key"]
            if last == "param":
                parameters.append(_parameter(name, header["value"]))
            else:
                fields[last] = header["value"].strip()
    return LibraryQuery(name, fields["title"], fields["description"], tuple(parameters), "".join(lines[length:]))


def _parameter(query: str, line: str) -> Parameter:
    found = PARAMETER.fullmatch(line.strip())
    if found is None or found["type"] not in CONVERTERS:
        raise BudgetgraphError(f"not a parameter line (name type [default] — description; types {', '.join(CONVERTERS)}): {line!r}", file=query)
    parameter = Parameter(found["name"], found["type"], found["default"], found["description"])
    if parameter.default is not None:
        parameter.term(parameter.default)
    return parameter


@cache
def queries() -> dict[str, LibraryQuery]:
    """Every library query by name (its file name without ``.rq``)."""
    return {path.stem: parse(path.stem, path.read_text(encoding="utf-8")) for path in sorted(resource("queries").glob("*.rq"))}


def run(store: GraphStore, query: LibraryQuery, values: Mapping[str, object] | None = None) -> list[dict[str, object]]:
    """The query's solutions on ``store``, its parameters bound to ``values``, as dicts of Python values."""
    solutions = store.query(query.sparql, query.bindings(values))
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise BudgetgraphError(f"library query {query.name} is not a SELECT query", file=query.name)
    names = [variable.value for variable in solutions.variables]
    return [{name: python_value(solution[name]) for name in names} for solution in solutions]


def python_value(term: object) -> object:
    """Decimal for xsd:decimal, int for integers and years, float, bool; the text of anything else (IRIs too)."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.Literal):
        kind = term.datatype.value.removeprefix(XSD)
        if kind == "decimal":
            return Decimal(term.value)
        if kind in NATIVE:
            return NATIVE[kind](term.value)
    return getattr(term, "value", str(term))


def get(name: str) -> LibraryQuery:
    try:
        return queries()[name]
    except KeyError:
        raise BudgetgraphError(f"no library query {name!r}; 'budgetgraph queries' lists them") from None
