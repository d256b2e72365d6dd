"""The lexical parts of SPARQL that are not code (strings, language tags, comments, IRIs, the escapes of local
names), as a scanner finds them from left to right; for the SERVICE guard and for the comments SPARQLWrapper must
not see."""

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
