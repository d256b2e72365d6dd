"""The page of a claim of the explanatory text: the sentence as printed, beside the table figure it is about, the
claims it is relative to, and what validation found about it."""

from __future__ import annotations

from budgetgraph.service.links import Linker
from budgetgraph.service.reads import iri, select, text
from budgetgraph.store import GraphStore

ZH = 'FILTER (LANG(?{0}) = "zh")'
CLAIM = f"""SELECT * WHERE {{
  ?claim a bg:Claim ; bg:claimKind ?kind ; bg:subject ?subject ; bg:statedText ?words ; bg:sentence ?sentence ;
         bg:section ?section ; bg:sourcePlace ?place ; bg:dataset ?d .
  OPTIONAL {{ ?kind skos:prefLabel ?kindName {ZH.format("kindName")} }}
  OPTIONAL {{ ?d dct:title ?datasetTitle }}
  OPTIONAL {{ ?claim bg:value ?value ; bg:unit ?unit }}
  OPTIONAL {{ ?claim bg:relation ?relation }}
  OPTIONAL {{ ?claim bg:baseYear ?baseYear }}
  OPTIONAL {{ ?claim bg:basePhase ?basePhase }}
  OPTIONAL {{ ?claim bg:functionalClass ?class OPTIONAL {{ ?class skos:prefLabel ?className {ZH.format("className")} }} }}
  OPTIONAL {{
    ?claim bg:aboutTable ?t ; bg:aboutMeasure ?measure . ?t dct:title ?tableTitle ; bg:unit ?tableUnit .
    OPTIONAL {{ ?measure rdfs:label ?measureName {ZH.format("measureName")} }}
  }}
  OPTIONAL {{ ?claim bg:about ?obs . ?obs rdfs:label ?rowLabel . OPTIONAL {{ ?obs ?measure ?tableValue }} }}
}} LIMIT 1"""
RELATED = """SELECT ?claim ?role ?other ?words ?value ?unit WHERE {
  ?claim ?role ?other . VALUES ?role { bg:relativeTo bg:part }
  ?other bg:statedText ?words . OPTIONAL { ?other bg:value ?value ; bg:unit ?unit }
}"""
FINDINGS = """SELECT ?claim ?report ?result ?severity ?message WHERE {
  ?result sh:focusNode ?claim ; sh:resultSeverity ?severity ; sh:resultMessage ?message . ?report sh:result ?result .
} ORDER BY ?result"""
ROLES = {"relativeTo": "relative to", "part": "part"}


def claim(store: GraphStore, linker: Linker, resource: str) -> dict[str, object]:
    bound = {"claim": iri(resource)}
    found = select(store, CLAIM, bound)
    facts = found[0] if found else {}
    return {
        **{name: text(facts, name) for name in ("subject", "words", "sentence", "section", "place", "value", "unit", "relation", "baseYear", "basePhase", "tableUnit", "rowLabel", "tableValue", "measureName")},
        "kind": text(facts, "kindName") or text(facts, "kind").rpartition("#")[2],
        "dataset": linker.ref(text(facts, "d"), text(facts, "datasetTitle") or None) if "d" in facts else None,
        "line": linker.ref(text(facts, "class"), text(facts, "className") or None) if "class" in facts else None,
        "table": linker.ref(text(facts, "t"), text(facts, "tableTitle") or None) if "t" in facts else None,
        "row": linker.ref(text(facts, "obs"), text(facts, "rowLabel") or None) if "obs" in facts else None,
        "related": [
            {"role": ROLES[text(r, "role").rpartition("#")[2]], "claim": linker.ref(text(r, "other"), text(r, "words")), "value": text(r, "value"), "unit": text(r, "unit")}
            for r in select(store, RELATED, bound)
        ],
        "findings": [
            {"severity": text(f, "severity").rpartition("#")[2], "message": text(f, "message"), "result": linker.ref(text(f, "result"), "report")}
            for f in select(store, FINDINGS, bound)
        ],
    }
