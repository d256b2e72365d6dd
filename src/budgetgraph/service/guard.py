"""Whether a SPARQL query holds a SERVICE pattern, read as pyoxigraph's parser reads it.

pyoxigraph sends a SERVICE pattern to whatever host it names and has no switch to stop it, so the public endpoint
refuses such queries before evaluation, wherever the pattern is: in a subquery, an EXISTS, an OPTIONAL. The query is
read as a lexer reads it: strings, language tags, comments and IRIs are not code, so a query that mentions "service" in them is
answered; the keyword in code is a SERVICE pattern, or a syntax error that the engine would refuse anyway.

Where the engine's parser may read the same text two ways, both readings are checked. Only one construct is
ambiguous: ``<`` starts an IRI where a term may start and is the less-than operator inside an expression, so
``FILTER(?a<?b&&'>') SERVICE … '`` is an IRI followed by a string to one reader and a comparison followed by a
SERVICE to the other. An IRI-shaped span is read both ways unless its content could not change what follows
(no quotes, comment marks, escapes, brackets or braces: the operator reading then resumes where the IRI reading
does). An operator is always inside a bracketed expression, where no pattern can start, so the operator reading
looks for the keyword only once that bracket closes: ``<http://www.w3.org/ns/sparql-service-description#>`` read
as an operator is a syntax error, not a SERVICE.
"""

from __future__ import annotations

import re

from budgetgraph.sparql_syntax import NOT_CODE

INERT_IRI = re.compile(r"<[^'\"#\\(){}]*>")
# The engine matches keywords as ASCII letters in any case with no word boundary: "trueSERVICE", "1SERVICE" and
# ".SERVICE" all call out. In code, "service" is therefore the keyword unless it continues a variable or prefixed
# name ("?", "$", ":") or a name read greedily (a letter, "_", a non-ASCII character), and those letters are not
# "true" or "false", the only keywords that can end a triple right before a SERVICE.
KEYWORD = re.compile(r"(?<![A-Za-z_?$:\u0080-\U0010ffff])service|(?:true|false)service", re.IGNORECASE)


def has_service_pattern(query: str) -> bool:
    """Whether any reading of ``query`` by the engine's parser holds the SERVICE keyword in code."""
    pending = [(0, False)]  # where a reading starts, and whether it starts right after a "<" read as an operator
    explored: set[tuple[int, bool]] = set()  # readings started, and where a reading resumed in code after a span
    while pending:
        start = pending.pop()
        if start in explored:
            continue
        explored.add(start)
        position, after_operator = start
        reading = _Reading(after_operator)
        while match := NOT_CODE.search(query, position):
            reading.read(query[position : match.start()])
            position = match.end()
            if match.lastgroup == "escape":
                reading.read("__")
                continue
            if match.lastgroup == "iri" and not INERT_IRI.fullmatch(match.group()):
                pending.append((match.start() + 1, True))
            reading.read(" ")
            if not reading.in_expression:
                if (position, False) in explored:  # the rest of this reading was read from here already
                    break
                explored.add((position, False))
        else:
            reading.read(query[position:])
        if KEYWORD.search(reading.code()):
            return True
    return False


class _Reading:
    """The code of one reading. After a "<" read as an operator, the reading is inside a bracketed expression,
    where no pattern can start: its code counts once the bracket enclosing the operator closes."""

    def __init__(self, after_operator: bool) -> None:
        self.depth: int | None = 0 if after_operator else None  # brackets open since the operator, inside its expression
        self.parts: list[str] = ["<" if after_operator else " "]

    @property
    def in_expression(self) -> bool:
        return self.depth is not None

    def read(self, code: str) -> None:
        if self.depth is None:
            self.parts.append(code)
            return
        for index, character in enumerate(code):
            self.depth += {"(": 1, ")": -1}.get(character, 0)
            if self.depth < 0:
                self.depth = None
                self.parts.append(code[index:])
                return

    def code(self) -> str:
        return "".join(self.parts)
