"""What Virtuoso (7.2) answers otherwise than the SPARQL 1.1 servers, made the same for RemoteStore.

Its SPARQL JSON names a blank node ``nodeID://b1``, which no parser takes for a blank node label, and it writes
booleans as 1 and 0 (valid, but not the canonical true and false that the other engines and budgetgraph write,
so that a dump's bytes would depend on the server). Its own graphs (its RDF views' schema, the LDP vocabulary,
its service description) sit in its union of all graphs beside the store's.
"""

from __future__ import annotations

import re

OWN_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#")
SERVICE_DESCRIPTION = "http://www.w3.org/ns/sparql-service-description#Service"
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_JSON_BLANK_NODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
_JSON_BOOLEAN = re.compile(rb'("datatype"\s*:\s*"' + re.escape(_BOOLEAN.encode()) + rb'"\s*,\s*"value"\s*:\s*")([01])"')
_NTRIPLES_BOOLEAN = re.compile(rb'"([01])"\^\^<' + re.escape(_BOOLEAN.encode()) + rb">")
_CANONICAL = {b"0": b"false", b"1": b"true"}


def json_results(body: bytes) -> bytes:
    """SPARQL JSON results as the other servers write them."""
    body = _JSON_BLANK_NODE.sub(rb"\1", body)
    return _JSON_BOOLEAN.sub(lambda match: match.group(1) + _CANONICAL[match.group(2)] + b'"', body)


def ntriples(body: bytes) -> bytes:
    """N-Triples as the other servers write them."""
    return _NTRIPLES_BOOLEAN.sub(lambda match: b'"' + _CANONICAL[match.group(1)] + b'"^^<' + _BOOLEAN.encode() + b">", body)
