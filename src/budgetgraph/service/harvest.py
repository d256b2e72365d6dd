"""The DCAT-US 1.1 (Project Open Data) catalogue at /data.json, for harvesters such as CKAN's and data.gov's.

It follows the non-federal schema: the publishers are Chinese government departments, which have none of the
US federal bureau and program codes the federal schema requires.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from budgetgraph.config import DEFAULT_LICENSE
from budgetgraph.mapping.uris import Minter
from budgetgraph.service.catalog import THEMES
from budgetgraph.service.datasets import PublishedDataset, published_datasets
from budgetgraph.service.dumps import dump_path
from budgetgraph.service.snapshot import read_at
from budgetgraph.store import GraphStore

POD = "https://project-open-data.cio.gov/v1.1/schema"


def router(store: GraphStore, base: str, *, license: str = DEFAULT_LICENSE) -> APIRouter:
    routes = APIRouter(tags=["catalog"])
    base = Minter(base).base

    @routes.get("/data.json")
    def data_json() -> JSONResponse:
        catalog = {
            "@context": f"{POD}/catalog.jsonld",
            "@id": f"{base}data.json",
            "@type": "dcat:Catalog",
            "conformsTo": POD,
            "describedBy": f"{POD}/catalog.json",
            "dataset": [_dataset(base, license, d) for d in published_datasets(store, base)],
        }
        return JSONResponse(catalog)

    return routes


def _dataset(base: str, license: str, dataset: PublishedDataset) -> dict[str, Any]:
    department = {"@type": "org:Organization", "name": dataset.department_name}
    return {
        "@type": "dcat:Dataset",
        "identifier": dataset.iri,
        "title": dataset.title,
        "description": dataset.description,
        "keyword": dataset.keywords,
        # The store keeps no modification dates: the time this service read it is the latest the data can date from.
        "modified": read_at().isoformat(),
        "publisher": department,
        "contactPoint": {"@type": "vcard:Contact", "fn": dataset.department_name},
        "accessLevel": "public",
        "license": license,
        "spatial": dataset.district_name or dataset.district,
        "temporal": f"{dataset.fiscal_year}-01-01/{dataset.fiscal_year}-12-31",
        "language": ["zh"],
        "theme": list(THEMES.values()),
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "title": "N-Quads (gzip)",
                "downloadURL": f"{base}dumps/{dump_path(dataset)}",
                "mediaType": "application/gzip",
                "format": "N-Quads, gzip-compressed",
            },
            {
                "@type": "dcat:Distribution",
                "title": "SPARQL endpoint",
                "accessURL": f"{base}sparql",
                "format": "API",
            },
        ],
    }
