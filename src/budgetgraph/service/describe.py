"""A resource's description: what the data of ``/data/…`` holds and the generic page shows.

It is the resource's own triples, those of its hash IRIs (a report's ``…/report#result-1``), the triples naming
it when there are few (a table's rows point to their table, a code is used by many rows: those are listed by the
pages instead), and the labels of every resource linked, so a reader needs no second request to name them.
"""

from __future__ import annotations

import pyoxigraph

from budgetgraph.service.reads import construct, iri
from budgetgraph.store import EmbeddedStore

INCOMING_LIMIT = 50
LABELS = "VALUES ?labelling { rdfs:label skos:prefLabel dct:title }"
OUTGOING = f"""CONSTRUCT {{ ?r ?p ?o . ?o ?labelling ?label . ?o ?q ?v . ?v ?labelling ?vlabel }} WHERE {{
  ?r ?p ?o .
  OPTIONAL {{ {LABELS} ?o ?labelling ?label }}
  OPTIONAL {{
    FILTER (isIRI(?o) && STRSTARTS(STR(?o), CONCAT(STR(?r), "#")))
    ?o ?q ?v OPTIONAL {{ {LABELS} ?v ?labelling ?vlabel }}
  }}
}}"""
INCOMING = f"""CONSTRUCT {{ ?s ?p ?r . ?s ?labelling ?label }} WHERE {{
  {{ SELECT ?s ?p ?r WHERE {{ ?s ?p ?r }} LIMIT {INCOMING_LIMIT + 1} }}
  OPTIONAL {{ {LABELS} ?s ?labelling ?label }}
}}"""


def describe(store: EmbeddedStore, resource: str) -> list[pyoxigraph.Triple]:
    """The description of ``resource``; empty when the graph does not name it."""
    bound = {"r": iri(resource)}
    outgoing = construct(store, OUTGOING, bound)
    incoming = construct(store, INCOMING, bound)
    if sum(1 for t in incoming if t.object == bound["r"]) > INCOMING_LIMIT:
        incoming = []
    return list(dict.fromkeys(outgoing + incoming))
