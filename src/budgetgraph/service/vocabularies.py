"""The vocabularies of the catalogue, VoID and dumps, as pyoxigraph terms: ``DCAT.Dataset``, ``DCT["title"]``."""

from __future__ import annotations

import pyoxigraph


class Namespace:
    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> pyoxigraph.NamedNode:
        if name.startswith("__"):  # copy, pickle and friends probing for protocols
            raise AttributeError(name)
        return pyoxigraph.NamedNode(self.iri + name)

    __getitem__ = __getattr__


ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
PREFIXES = {
    "adms": ADMS.iri, "dcat": DCAT.iri, "dct": DCT.iri, "foaf": FOAF.iri, "hydra": HYDRA.iri, "rdfs": RDFS.iri, "skos": SKOS.iri,
    "spdx": SPDX.iri, "vcard": VCARD.iri, "void": VOID.iri, "xsd": XSD.iri,
}
