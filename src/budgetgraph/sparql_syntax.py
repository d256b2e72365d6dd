"""The lexical parts of SPARQL that are not code (strings, language tags, comments, IRIs, the escapes of local
names), as a scanner finds them from left to right; for the SERVICE guard, for the comments SPARQLWrapper must
not see, and for the form of a query sent to a server that would also run an update given as a query."""

from __future__ import annotations

import re

# Strings are read more leniently than an engine reads them (a string it refuses is a syntax error); an IRI-shaped
# span includes escapes, which engines decode in IRIs.
NOT_CODE = re.compile(
    "|".join((
        r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*'''" r'|"(?:[^"\\]|\\.)*"|' r"'(?:[^'\\]|\\.)*')",
        r"(?P<comment>#[^\n\r]*)",
        r"(?P<language>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",  # a language tag, read greedily
        r"(?P<escape>\\.)",  # in a local name (ex:a\#): part of the name, and never the start of a string or comment
        r"(?P<iri><[^<>\"{}|^`\x00-\x20]*>)",
    )),
    re.DOTALL,
)


def without_comments(sparql: str) -> str:
    """The query less its comments (IRIs, strings and local names may hold a "#"); the line ends stay."""
    return NOT_CODE.sub(lambda span: "" if span.lastgroup == "comment" else span.group(), sparql)


IRI = r"<[^<>\"{}|^`\x00-\x20]*>"
PROLOGUE_PART = re.compile(rf"\s+|#[^\n\r]*|BASE\s*{IRI}|PREFIX\s*[^\s:#<]*:\s*{IRI}", re.IGNORECASE)
FORM = re.compile(r"(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:-])", re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the keyword after the prologue (its BASE and PREFIX declarations and
    comments), or None when none follows it (an update, a server's own extension, not SPARQL)."""
    position = 0
    while part := PROLOGUE_PART.match(sparql, position):
        position = part.end()
    form = FORM.match(sparql, position)
    return form.group(1).upper() if form else None
