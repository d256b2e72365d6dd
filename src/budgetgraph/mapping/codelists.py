"""Code lists as SKOS concept schemes: functional classification per year (类 > 款 > 项), and the two economic
classifications (部门预算 and 政府预算) with the official correspondence between them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from budgetgraph.codelists import (
    FUNCTIONAL_EDITION,
    Code,
    Correspondence,
    cofog_alignment,
    cofog_divisions,
    economic_codes,
    economic_correspondence,
    functional_codes,
    government_economic_codes,
)
from budgetgraph.mapping import uris
from budgetgraph.mapping.uris import BG

LEVELS = {3: BG["level-lei"], 5: BG["level-kuan"], 7: BG["level-xiang"]}
UNCHECKED = Literal("Transcribed from the published classification, not yet checked against a copy of it (see the reference data's SOURCE.md).", lang="en")


def level_of(code: str) -> URIRef | None:
    return LEVELS.get(len(code))


def functional_scheme_graph(year: int) -> tuple[URIRef, Graph]:
    """The 支出功能分类科目 scheme of ``year``, from the shipped edition (codes are stable across the years we
    read; a change between editions will become a mapping between schemes)."""
    scheme = uris.function_scheme(year)
    graph = _scheme(scheme, f"{year}年支出功能分类科目", f"Functional classification of expenditure, {year}")
    graph.add((scheme, BG.fiscalYear, Literal(str(year), datatype=XSD.gYear)))
    graph.add((scheme, SKOS.note, Literal(f"Codes from the {FUNCTIONAL_EDITION} edition of 政府收支分类科目.", lang="en")))
    _concepts(graph, scheme, functional_codes().values(), lambda c: uris.function_code(year, c))
    for alignment in cofog_alignment():
        graph.add((uris.function_code(year, alignment.class_code), SKOS[alignment.relation], uris.cofog_code(alignment.division)))
    if year != FUNCTIONAL_EDITION:
        for code in functional_codes():
            graph.add((uris.function_code(year, code), SKOS.exactMatch, uris.function_code(FUNCTIONAL_EDITION, code)))
    return uris.codelist_graph(scheme), graph


def cofog_scheme_graph() -> tuple[URIRef, Graph]:
    """The ten COFOG divisions, which the functional 类 of every year's scheme match."""
    scheme = uris.cofog_scheme()
    graph = _scheme(scheme, "政府职能分类（COFOG）", "Classification of the Functions of Government (COFOG)")
    _concepts(graph, scheme, cofog_divisions().values(), uris.cofog_code)
    return uris.codelist_graph(scheme), graph


def economic_scheme_graph() -> tuple[URIRef, Graph]:
    """部门预算支出经济分类, each code matched to the 政府预算 code it is reported under."""
    scheme = uris.economic_scheme()
    graph = _scheme(scheme, "部门预算支出经济分类科目", "Economic classification of departmental budget expenditure")
    _concepts(graph, scheme, economic_codes().values(), uris.economic_code)
    for match in _correspondence_matches(economic_correspondence()):
        graph.add(match)
    return uris.codelist_graph(scheme), graph


def government_economic_scheme_graph() -> tuple[URIRef, Graph]:
    scheme = uris.government_economic_scheme()
    graph = _scheme(scheme, "政府预算支出经济分类科目", "Economic classification of government budget expenditure")
    _concepts(graph, scheme, government_economic_codes().values(), uris.government_economic_code)
    return uris.codelist_graph(scheme), graph


def _correspondence_matches(pairs: Sequence[Correspondence]) -> Iterator[tuple[URIRef, URIRef, URIRef]]:
    """skos:closeMatch when the government code gathers the department code alone (30113 住房公积金 → 50103
    住房公积金), skos:broadMatch when it gathers several (30201 办公费 → 50201 办公经费), so that summing along
    either never counts an amount twice. The 事业单位 pairs (301 → 50501) are skos:relatedMatch: which of them
    applies depends on who spends, not on the code, and rollups (like the COFOG ones) never follow relatedMatch."""
    gathered = Counter(pair.government for pair in pairs if not pair.for_public_institutions)
    for pair in pairs:
        if pair.for_public_institutions:
            relation = SKOS.relatedMatch
        else:
            relation = SKOS.closeMatch if gathered[pair.government] == 1 else SKOS.broadMatch
        yield uris.economic_code(pair.department), relation, uris.government_economic_code(pair.government)


def _scheme(scheme: URIRef, zh: str, en: str) -> Graph:
    graph = Graph()
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal(zh, lang="zh")))
    graph.add((scheme, SKOS.prefLabel, Literal(en, lang="en")))
    return graph


def _concepts(graph: Graph, scheme: URIRef, codes: Iterable[Code], mint: Callable[[str], URIRef]) -> None:
    for code in codes:
        concept = mint(code.code)
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.notation, Literal(code.code)))
        graph.add((concept, SKOS.prefLabel, Literal(code.zh, lang="zh")))
        graph.add((concept, SKOS.prefLabel, Literal(code.en, lang="en")))
        if not code.checked:
            graph.add((concept, SKOS.editorialNote, UNCHECKED))
        if level := level_of(code.code):
            graph.add((concept, BG.level, level))
        if code.parent:
            graph.add((concept, SKOS.broader, mint(code.parent)))
        else:
            graph.add((concept, SKOS.topConceptOf, scheme))
