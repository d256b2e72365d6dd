"""Claims of the explanatory text → RDF: one bg:Claim per claim, with the sentence that states it as provenance,
linked to the claims it is relative to and to the table cell it is about; and each sentence that states a
figure but yielded no claim, as bg:UnreadSentence."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, XSD, Literal, URIRef

from budgetgraph.ingest.claims import unread
from budgetgraph.mapping import uris
from budgetgraph.mapping.triples import Triples, decimal, integer
from budgetgraph.mapping.uris import BG
from budgetgraph.records import BudgetDocument, Claim, Row, Sentence

NO_HEADING = "(no heading)"  # the section of a sentence printed before the document's first heading


def claim_triples(g: Triples, doc: BudgetDocument, dataset: URIRef, row_uri: Callable[[URIRef, Row], URIRef]) -> None:
    def node(index: int) -> URIRef:
        return URIRef(f"{dataset}/claim/{index + 1}")

    for index, claim in enumerate(doc.claims):
        subject = node(index)
        g.add((subject, RDF.type, BG.Claim))
        g.add((subject, BG.dataset, dataset))
        g.add((subject, BG.claimKind, BG["claim-" + claim.kind.value]))
        g.add((subject, BG.subject, Literal(claim.subject, lang="zh")))
        g.add((subject, BG.statedText, Literal(claim.text, lang="zh")))
        sentence = doc.sentences[claim.sentence]
        _provenance(g, subject, sentence)
        g.add((subject, BG.characterOffset, integer(sentence.start + claim.start)))
        _stated(g, subject, claim, doc.fiscal_year)
        for link, target in ((BG.relativeTo, claim.base), (BG.part, claim.part)):
            if target is not None:
                g.add((subject, link, node(target)))
        if claim.about is not None:
            table = URIRef(f"{dataset}/table/{claim.about.table}")
            g.add((subject, BG.aboutTable, table))
            g.add((subject, BG.aboutMeasure, BG[claim.about.measure]))
            if claim.about.row is not None and any(cell.amount is not None for cell in claim.about.row.cells):  # a blank row is no observation
                g.add((subject, BG.about, row_uri(table, claim.about.row)))
    for number, index in enumerate(unread(doc.sentences, doc.claims), start=1):
        subject = URIRef(f"{dataset}/sentence/{number}")
        g.add((subject, RDF.type, BG.UnreadSentence))
        g.add((subject, BG.dataset, dataset))
        _provenance(g, subject, doc.sentences[index])


def _provenance(g: Triples, subject: URIRef, sentence: Sentence) -> None:
    g.add((subject, BG.sentence, Literal(sentence.text, lang="zh")))
    g.add((subject, BG.section, Literal(sentence.section or NO_HEADING, lang="zh")))
    g.add((subject, BG.sourceLine, integer(sentence.location.line)))
    place = f"page {sentence.location.page}, line {sentence.location.line}" if sentence.location.page is not None else f"line {sentence.location.line}"
    g.add((subject, BG.sourcePlace, Literal(place)))
    if sentence.location.page is not None:
        g.add((subject, BG.page, integer(sentence.location.page)))


def _stated(g: Triples, subject: URIRef, claim: Claim, fiscal_year: int) -> None:
    """The figures and words the claim states, as typed literals."""
    if claim.value is not None:
        g.add((subject, BG.value, decimal(claim.value)))
        g.add((subject, BG.decimals, integer(claim.decimals)))
        g.add((subject, BG.unit, Literal(claim.unit)))
    if claim.phase is not None:
        g.add((subject, BG.phase, BG["phase-" + uris.PHASE_SLUGS[claim.phase]]))
    if claim.relation is not None:
        g.add((subject, BG.relation, Literal(claim.relation)))
    if claim.base_year is not None:
        g.add((subject, BG.baseYear, Literal(str(claim.base_year), datatype=XSD.gYear)))
    if claim.base_phase is not None:
        g.add((subject, BG.basePhase, Literal(claim.base_phase, lang="zh")))
    if claim.function_code is not None:
        g.add((subject, BG.functionalClass, uris.function_code(fiscal_year, claim.function_code)))
    if claim.former_name is not None:
        g.add((subject, BG.formerName, Literal(claim.former_name, lang="zh")))
