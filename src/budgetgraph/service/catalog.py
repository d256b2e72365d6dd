"""The DCAT-AP 3 catalogue at /catalog: a dcat:Dataset per published dataset with its gzipped N-Quads dump as
distribution, the observation table (every amount of every dataset) as a dataset of its own with its Parquet and
CSV (CSVW) distributions, and the SPARQL endpoint as a dcat:DataService; paged with Hydra.

Linked resources (departments, districts, licence, themes, media types) are typed in the catalogue itself, as
DCAT-AP's range shapes check their classes and a harvester cannot be expected to dereference them.
"""

from __future__ import annotations

from math import ceil
from pathlib import Path

import pyoxigraph
from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pyoxigraph import Literal, NamedNode, Triple

from budgetgraph.analytic.exports import CSV, CSV_METADATA, PARQUET
from budgetgraph.analytic.folder import ObservationTable
from budgetgraph.config import DEFAULT_LICENSE
from budgetgraph.mapping.uris import Minter
from budgetgraph.service.datasets import PublishedDataset, published_datasets
from budgetgraph.service.dumps import (
    TABLE_FILES,
    Dump,
    dataset_dump,
    dump_path,
    table_dump,
)
from budgetgraph.service.sparql import graph_response
from budgetgraph.service.vocabularies import (
    DCAT,
    DCT,
    FOAF,
    HYDRA,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    SPDX,
    VCARD,
    XSD,
)
from budgetgraph.store import GraphStore

DEFAULT_PAGE_SIZE = 100
TITLE = (Literal("budgetgraph 部门预算决算公开数据", language="zh"), Literal("budgetgraph: public budget disclosures", language="en"))
DESCRIPTION = Literal("政府部门公开的部门预算、调整预算与决算文件，转换为关联数据（RDF Data Cube）。", language="zh")
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEMES = NamedNode(EU + "data-theme")
THEMES = {NamedNode(EU + "data-theme/GOVE"): "Government and public sector", NamedNode(EU + "data-theme/ECON"): "Economy and finance"}
LANGUAGES = NamedNode(EU + "language")
CHINESE = NamedNode(EU + "language/ZHO")
FILE_TYPES = NamedNode(EU + "file-type")
N_QUADS_FILE = NamedNode(EU + "file-type/RDF_N_QUADS")
N_QUADS = NamedNode("https://www.iana.org/assignments/media-types/application/n-quads")
GZIP = NamedNode("https://www.iana.org/assignments/media-types/application/gzip")
SPARQL_PROTOCOL = NamedNode("https://www.w3.org/TR/sparql11-protocol/")
PARQUET_TYPE = NamedNode("https://www.iana.org/assignments/media-types/application/vnd.apache.parquet")
CSV_TYPE = NamedNode("https://www.iana.org/assignments/media-types/text/csv")
PARQUET_FILE = NamedNode(EU + "file-type/PARQUET")
CSV_FILE = NamedNode(EU + "file-type/CSV")
CSVW = NamedNode("http://www.w3.org/ns/csvw")


def router(
    store: GraphStore, base: str, dumps_folder: Path, *, page_size: int = DEFAULT_PAGE_SIZE, license: str = DEFAULT_LICENSE,
    observations: ObservationTable | None = None,
) -> APIRouter:
    routes = APIRouter(tags=["catalog"])
    base = Minter(base).base

    @routes.get("/catalog", response_class=Response)
    def catalog(request: Request, page: int = Query(1, ge=1), format: str | None = None) -> Response:
        """The catalogue's ``page``-th page, in Turtle, RDF/XML, JSON-LD or N-Triples (Accept or ``format``)."""
        datasets = published_datasets(store, base)
        last = max(1, ceil(len(datasets) / page_size))
        if page > last:
            return PlainTextResponse(f"no page {page}: the catalogue has {last} page(s) of {page_size} datasets", status_code=404)
        on_page = datasets[(page - 1) * page_size : page * page_size]
        graph = CatalogGraph(base, NamedNode(license))
        graph.add_catalog(on_page, len(datasets))
        for dataset in on_page:
            graph.add_dataset(dataset, dataset_dump(store, dumps_folder, dataset))
        if observations is not None and page == 1:
            graph.add_observation_table({name: table_dump(store, dumps_folder, observations, name) for name in TABLE_FILES})
        graph.add_paging(page, last)
        return graph_response(request, graph.triples, PREFIXES, format)

    return routes


class CatalogGraph:
    def __init__(self, base: str, license: NamedNode) -> None:
        self.base, self.license = base, license
        self.catalog = NamedNode(base + "catalog")
        self.service = NamedNode(base + "sparql")
        self._statements: dict[NamedNode | pyoxigraph.BlankNode, list[Triple]] = {}

    def add(self, subject: NamedNode | pyoxigraph.BlankNode, predicate: NamedNode, *objects: NamedNode | pyoxigraph.BlankNode | Literal) -> None:
        self._statements.setdefault(subject, []).extend(Triple(subject, predicate, o) for o in objects)

    @property
    def triples(self) -> list[Triple]:
        """Grouped by subject, so that Turtle and JSON-LD describe each resource in one place; a department or
        district that several datasets name is described once."""
        return list(dict.fromkeys(triple for statements in self._statements.values() for triple in statements))

    def add_catalog(self, datasets: tuple[PublishedDataset, ...], total: int) -> None:
        publisher = NamedNode(self.base + "#publisher")
        self.add(self.catalog, RDF.type, DCAT.Catalog, HYDRA.Collection)
        self.add(self.catalog, DCT.title, *TITLE)
        self.add(self.catalog, DCT.description, Literal(DESCRIPTION.value + "每份文件一个数据集。", language="zh"))
        self.add(self.catalog, DCT.publisher, publisher)
        self.add(publisher, RDF.type, FOAF.Agent)
        self.add(publisher, FOAF.name, Literal("budgetgraph"))
        self.add(self.catalog, FOAF.homepage, NamedNode(self.base))
        self.add(NamedNode(self.base), RDF.type, FOAF.Document)
        self.add(self.catalog, DCT.license, self.license)
        self.add(self.license, RDF.type, DCT.LicenseDocument)
        self.add(self.catalog, DCT.language, CHINESE)
        self.add(CHINESE, RDF.type, DCT.LinguisticSystem)
        self.add(CHINESE, SKOS.inScheme, LANGUAGES)
        self.add(self.catalog, HYDRA.totalItems, Literal(str(total), datatype=XSD.nonNegativeInteger))
        self.add(self.catalog, DCAT.service, self.service)
        self.add(self.service, RDF.type, DCAT.DataService)
        self.add(self.service, DCT.title, Literal("budgetgraph SPARQL 端点", language="zh"), Literal("budgetgraph SPARQL endpoint", language="en"))
        self.add(self.service, DCAT.endpointURL, self.service)
        self.add(self.service, DCAT.endpointDescription, self.service)  # its SPARQL service description
        self.add(self.service, RDF.type, RDFS.Resource)  # the range DCAT-AP checks, as a class (no RDFS inference)
        self.add(self.service, DCT.conformsTo, SPARQL_PROTOCOL)
        self.add(SPARQL_PROTOCOL, RDF.type, DCT.Standard)
        self.add(self.service, DCT.license, self.license)
        self.add(self.service, DCAT.servesDataset, *(NamedNode(d.iri) for d in datasets))
        for theme, label in THEMES.items():
            self.add(theme, RDF.type, SKOS.Concept)
            self.add(theme, SKOS.prefLabel, Literal(label, language="en"))
            self.add(theme, SKOS.inScheme, DATA_THEMES)
        self.add(DATA_THEMES, RDF.type, SKOS.ConceptScheme)
        self.add(DATA_THEMES, DCT.title, Literal("Data theme", language="en"))
        self.add(self.catalog, DCAT.themeTaxonomy, DATA_THEMES)

    def add_dataset(self, dataset: PublishedDataset, dump: Dump) -> None:
        node, department, district = NamedNode(dataset.iri), NamedNode(dataset.department), NamedNode(dataset.district)
        self.add(self.catalog, DCAT.dataset, node)
        self.add(node, RDF.type, DCAT.Dataset)
        self.add(node, DCT.title, Literal(dataset.title, language="zh"))
        self.add(node, DCT.description, Literal(dataset.description, language="zh"))
        self.add(node, DCT.identifier, Literal(dataset.iri))
        self.add(node, DCAT.keyword, *(Literal(k, language="zh") for k in dataset.keywords))
        self.add(node, DCT.language, CHINESE)
        self.add(node, DCAT.theme, *THEMES)
        self.add(node, DCT.publisher, department)
        self.add(department, RDF.type, FOAF.Agent)
        self.add(department, FOAF.name, Literal(dataset.department_name, language="zh"))
        contact = pyoxigraph.BlankNode()
        self.add(node, DCAT.contactPoint, contact)
        self.add(contact, RDF.type, VCARD.Kind, VCARD.Organization)  # the class DCAT-AP checks, and the kind
        self.add(contact, VCARD.fn, Literal(dataset.department_name, language="zh"))
        self.add(node, DCT.spatial, district)
        self.add(district, RDF.type, DCT.Location)
        if dataset.district_name:
            self.add(district, SKOS.prefLabel, Literal(dataset.district_name, language="zh"))
        period = pyoxigraph.BlankNode()
        self.add(node, DCT.temporal, period)
        self.add(period, RDF.type, DCT.PeriodOfTime)
        # China's fiscal year is the calendar year (预算法, article 18).
        self.add(period, DCAT.startDate, Literal(f"{dataset.fiscal_year}-01-01", datatype=XSD.date))
        self.add(period, DCAT.endDate, Literal(f"{dataset.fiscal_year}-12-31", datatype=XSD.date))
        self._add_distribution(node, dataset, dump)

    def add_observation_table(self, dumps: dict[str, Dump]) -> None:
        """The observation table: every amount of every dataset, one row each, for pandas, R, DuckDB or Spark."""
        node = NamedNode(self.base + "observations")
        self.add(self.catalog, DCAT.dataset, node)
        self.add(node, RDF.type, DCAT.Dataset)
        self.add(node, DCT.title, Literal("全部观测值表（每个金额一行）", language="zh"), Literal("Every amount, one row each", language="en"))
        self.add(node, DCT.description, Literal(
            "Every published amount of every dataset in the catalogue as a tidy table: document, department, budget unit, "
            "district, province, year, phase, table, classification code and level, measure, the exact amount in its "
            "published unit and in 万元, and the IRI of its RDF observation.", language="en"))
        self.add(node, DCT.identifier, Literal(node.value))
        self.add(node, DCT.language, CHINESE)
        self.add(node, DCAT.theme, *THEMES)
        self.add(node, DCT.publisher, NamedNode(self.base + "#publisher"))
        contact = pyoxigraph.BlankNode()
        self.add(node, DCAT.contactPoint, contact)
        self.add(contact, RDF.type, VCARD.Kind, VCARD.Organization)
        self.add(contact, VCARD.fn, Literal("budgetgraph"))
        for name, title, media_type, file_type in (
            (PARQUET, "Parquet", PARQUET_TYPE, PARQUET_FILE),
            (CSV, "CSV (W3C CSVW metadata: /dumps/" + CSV_METADATA + ")", CSV_TYPE, CSV_FILE),
        ):
            distribution = NamedNode(f"{node.value}/{name}")
            self._add_download(node, distribution, Literal(f"全部观测值表（{title}）", language="zh"), name, dumps[name], media_type, file_type)
        self.add(NamedNode(f"{node.value}/{CSV}"), DCT.conformsTo, CSVW)
        self.add(CSVW, RDF.type, DCT.Standard)
        self.add(NamedNode(f"{node.value}/{CSV}"), FOAF.page, NamedNode(self.base + "dumps/" + CSV_METADATA))
        self.add(NamedNode(self.base + "dumps/" + CSV_METADATA), RDF.type, FOAF.Document)

    def _add_distribution(self, dataset_node: NamedNode, dataset: PublishedDataset, dump: Dump) -> None:
        distribution = NamedNode(dataset.iri + "/dump")
        title = Literal(f"{dataset.title}（N-Quads，gzip 压缩，含校验报告）", language="zh")
        self._add_download(dataset_node, distribution, title, dump_path(dataset), dump, N_QUADS, N_QUADS_FILE)
        self.add(distribution, DCAT.compressFormat, GZIP)
        self.add(GZIP, RDF.type, DCT.MediaType)

    def _add_download(
        self, dataset_node: NamedNode, distribution: NamedNode, title: Literal, path: str, dump: Dump, media_type: NamedNode, file_type: NamedNode
    ) -> None:
        """A distribution downloaded from /dumps/``path``, with its size and SHA-256."""
        download = NamedNode(self.base + "dumps/" + path)
        checksum = pyoxigraph.BlankNode()
        self.add(dataset_node, DCAT.distribution, distribution)
        self.add(distribution, RDF.type, DCAT.Distribution)
        self.add(distribution, DCT.title, title)
        self.add(distribution, DCAT.accessURL, download)
        self.add(distribution, DCAT.downloadURL, download)
        self.add(distribution, DCAT.mediaType, media_type)
        self.add(media_type, RDF.type, DCT.MediaType)
        self.add(distribution, DCT["format"], file_type)
        self.add(file_type, RDF.type, DCT.MediaTypeOrExtent)
        self.add(file_type, SKOS.inScheme, FILE_TYPES)
        self.add(distribution, DCT.license, self.license)
        self.add(distribution, DCAT.byteSize, Literal(str(dump.size), datatype=XSD.nonNegativeInteger))
        self.add(distribution, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm)
        self.add(checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary))

    def add_paging(self, page: int, last: int) -> None:
        view = self._page(page)
        self.add(self.catalog, HYDRA.view, view)
        self.add(view, RDF.type, HYDRA.PartialCollectionView)
        self.add(view, HYDRA.first, self._page(1))
        self.add(view, HYDRA.last, self._page(last))
        if page > 1:
            self.add(view, HYDRA.previous, self._page(page - 1))
        if page < last:
            self.add(view, HYDRA.next, self._page(page + 1))

    def _page(self, number: int) -> NamedNode:
        return NamedNode(f"{self.catalog.value}?page={number}")

