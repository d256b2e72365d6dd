"""Where each IRI of the graph is served, and how a page links to it.

Instance data is named under ``{base}id/`` and code lists under ``https://w3id.org/budgetgraph/code/``; both are
served by this service, so a page links them to their HTML page here, whatever host the base names. Ontology
terms link to the ontology's documentation; other http(s) IRIs link to themselves; anything else (a stored IRI
may be ``javascript:``) is shown as text, never as a link.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetgraph.mapping.uris import BG, CODE

CODE_PREFIX = "code/"  # document paths of code-list IRIs start with this; no IRI under {base}id/ mints id/code/


@dataclass(frozen=True)
class Ref:
    """A resource as a page shows it: its IRI, the text to show and where a link goes (None: no link)."""

    iri: str
    text: str
    href: str | None


class Linker:
    def __init__(self, base: str) -> None:
        self.instances = (base if base.endswith("/") else base + "/") + "id/"

    def iri(self, path: str) -> str:
        """The IRI a document path (``dataset/…`` or ``code/function/…``) describes."""
        if path.startswith(CODE_PREFIX):
            return CODE + path.removeprefix(CODE_PREFIX)
        return self.instances + path

    def path(self, iri: str) -> str | None:
        """The document path of an IRI this service describes, or None."""
        if iri.startswith(self.instances):
            return iri.removeprefix(self.instances)
        if iri.startswith(CODE):
            return CODE_PREFIX + iri.removeprefix(CODE)
        return None

    def href(self, iri: str) -> str | None:
        if (path := self.path(iri)) is not None:
            return "/page/" + path
        if iri.startswith(str(BG)):
            return "/def#" + iri.removeprefix(str(BG))
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    def ref(self, iri: str, label: str | None = None) -> Ref:
        return Ref(iri, label or iri, self.href(iri))
