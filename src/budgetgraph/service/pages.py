"""The HTML pages of the linked data: ``/page/{path}`` describes the resource ``{base}id/{path}`` (and
``/page/code/{path}`` the code-list resource ``https://w3id.org/budgetgraph/code/{path}``), in the view its type
calls for; ``/codes`` lists the code lists. Every page is rendered with autoescaping (document text is untrusted)
and links only http(s) IRIs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from budgetgraph.mapping.uris import BG
from budgetgraph.service.caching import cacheable
from budgetgraph.service.describe import describe
from budgetgraph.service.links import Linker, Ref
from budgetgraph.service.reads import iri, select, text
from budgetgraph.service.rendering import json_script, not_found, render
from budgetgraph.service.resources import EXTENSIONS, is_named
from budgetgraph.service.answers import GRAPH_FORMATS
from budgetgraph.service.views import claims, codes, datasets, organisations
from budgetgraph.service.views.properties import properties
from budgetgraph.store import GraphStore

SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
TYPES = "SELECT ?r ?type WHERE { ?r a ?type }"
MEDIA_TYPES = {EXTENSIONS[f.name]: f.media_type for f in GRAPH_FORMATS}
View = Callable[[GraphStore, Linker, str], dict[str, object]]
# The first type a resource has in this order picks its page: (type, template, view, name of the view in the template).
VIEWS: tuple[tuple[str, str, View, str], ...] = (
    (f"{BG}BudgetDataset", "dataset.html", datasets.dataset, "dataset"),
    (f"{BG}Table", "table.html", datasets.table, "table"),
    (f"{SH}ValidationReport", "report.html", datasets.report, "report"),
    (f"{BG}PerformanceIndicator", "indicator.html", datasets.indicator, "indicator"),
    (f"{BG}Claim", "claim.html", claims.claim, "claim"),
    (f"{BG}Department", "department.html", organisations.department, "department"),
    (f"{BG}District", "district.html", organisations.district, "district"),
    (f"{SKOS}ConceptScheme", "scheme.html", codes.scheme, "scheme"),
    (f"{SKOS}Concept", "concept.html", codes.concept, "concept"),
)


def router(store: GraphStore, base: str) -> APIRouter:
    routes = APIRouter()
    linker = Linker(base)

    @routes.api_route("/page/{path:path}", methods=["GET", "HEAD"])
    def page(path: str, request: Request) -> Response:
        resource = linker.iri(path)
        if not is_named(store, resource):
            return not_found(f"There is no resource <{resource}> in this graph.")
        types = {text(t, "type") for t in select(store, TYPES, {"r": iri(resource)})}
        data = {extension: f"/data/{path}.{extension}" for extension in EXTENSIONS.values()}
        context: dict[str, object] = {
            "iri": resource,
            "data": data,
            "media_types": MEDIA_TYPES,
            "properties": properties(linker, resource, describe(store, resource)),
        }
        template = "resource.html"
        for kind, view_template, view, name in VIEWS:
            if kind in types:
                template, context[name] = view_template, view(store, linker, resource)
                break
        if template == "dataset.html":
            context["schema_org"] = json_script(schema_org(context["dataset"], data, str(request.base_url)))  # type: ignore[arg-type]
        return cacheable(request, render(template, **context).encode(), "text/html; charset=utf-8")

    @routes.get("/codes")
    def code_lists(request: Request) -> Response:
        return cacheable(request, render("codes.html", schemes=codes.schemes(store, linker)).encode(), "text/html; charset=utf-8")

    return routes


def schema_org(dataset: dict[str, object], data: dict[str, str], site: str) -> dict[str, object]:
    """The dataset as a schema.org Dataset, for search engines; ``data`` holds the path of each RDF download."""
    ref: Ref = dataset["ref"]  # type: ignore[assignment]
    description: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": ref.iri,
        "name": ref.text,
        "inLanguage": "zh",
        "temporalCoverage": dataset["year"],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": media_type, "contentUrl": site.rstrip("/") + data[extension]}
            for extension, media_type in MEDIA_TYPES.items()
        ],
    }
    if isinstance(department := dataset["department"], Ref):
        description["creator"] = {"@type": "GovernmentOrganization", "@id": department.iri, "name": department.text}
    if isinstance(district := dataset["district"], Ref):
        description["spatialCoverage"] = {"@type": "Place", "@id": district.iri, "name": district.text}
    if isinstance(source := dataset["source"], Ref):
        description["isBasedOn"] = source.iri
    return description
