"""A resource's description: what the data of ``/data/…`` holds and the generic page shows.

It is the resource's own triples, those of its hash IRIs (a report's ``…/report#result-1``), the triples naming
it when there are few (a table's rows point to their table, a code is used by many rows: those are listed by the
pages instead), and the labels of every resource linked, so a reader needs no second request to name them.
"""

from __future__ import annotations

import pyoxigraph

from budgetgraph.service.reads import construct, iri
from budgetgraph.store import GraphStore

INCOMING_LIMIT = 50
LABELS = "FILTER (?{0} IN (rdfs:label, skos:prefLabel, dct:title))"
# Written as a union, each branch starting from the bound ?r: pyoxigraph evaluates nested OPTIONALs with a filter
# on outer variables by scanning the store, which took 200 ms a resource.
OUTGOING = f"""CONSTRUCT {{ ?r ?p ?o . ?o ?labelling ?label . ?o ?q ?v . ?v ?vlabelling ?vlabel }} WHERE {{
  {{ ?r ?p ?o OPTIONAL {{ ?o ?labelling ?label {LABELS.format("labelling")} }} }}
  UNION
  {{
    ?r ?p ?o FILTER (isIRI(?o) && STRSTARTS(STR(?o), CONCAT(STR(?r), "#")))
    ?o ?q ?v OPTIONAL {{ ?v ?vlabelling ?vlabel {LABELS.format("vlabelling")} }}
  }}
}}"""
INCOMING = f"""CONSTRUCT {{ ?s ?p ?r . ?s ?labelling ?label }} WHERE {{
  {{ SELECT ?s ?p ?r WHERE {{ ?s ?p ?r }} LIMIT {INCOMING_LIMIT + 1} }}
  OPTIONAL {{ ?s ?labelling ?label {LABELS.format("labelling")} }}
}}"""

def describe(store: GraphStore, resource: str) -> list[pyoxigraph.Triple]:
    """The description of ``resource``; empty when the graph does not name it."""
    bound = {"r": iri(resource)}
    outgoing = construct(store, OUTGOING, bound)
    incoming = construct(store, INCOMING, bound)
    if sum(1 for t in incoming if t.object == bound["r"]) > INCOMING_LIMIT:
        incoming = []
    return list(dict.fromkeys(outgoing + incoming))
