"""Comparisons printed in a table (决算数为预算数的%, 增减额, 增减%) → RDF: one bg:PrintedComparison per figure,
about its row's observation of the later phase and compared with the same row's observation of the earlier one,
so that validation can check the figure against the two amounts."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, Literal, URIRef

from budgetgraph.mapping.triples import Triples, decimal, integer
from budgetgraph.mapping.uris import BG
from budgetgraph.records import ClaimKind, Row, Table


def comparison_triples(g: Triples, table_node: URIRef, table: Table, row: Row, observation: URIRef, row_uri: Callable[[URIRef, Row], URIRef]) -> None:
    for number, comparison in enumerate(row.comparisons, start=1):
        if comparison.value is None:
            continue
        node = URIRef(f"{observation}/comparison/{number}")
        g.add((node, RDF.type, BG.PrintedComparison))
        g.add((node, BG.table, table_node))
        g.add((node, BG.about, observation))
        g.add((node, BG.claimKind, BG["claim-" + comparison.kind.value]))
        g.add((node, BG.aboutMeasure, BG[comparison.measure]))
        g.add((node, BG.columnHeader, Literal(comparison.column)))
        g.add((node, BG.statedText, Literal(comparison.text)))
        g.add((node, BG.value, decimal(comparison.value)))
        g.add((node, BG.decimals, integer(comparison.decimals)))
        g.add((node, BG.unit, Literal(table.unit if comparison.kind is ClaimKind.CHANGE else "%")))
        g.add((node, BG.sourceLine, integer(comparison.location.line)))
        base = next((r for r in table.rows if r.number == row.number and r.side == row.side and (r.phase, r.year) == (comparison.base_phase, comparison.base_year)), None)
        if base is not None and base.amount(comparison.measure) is not None:
            g.add((node, BG.comparedWith, row_uri(table_node, base)))
