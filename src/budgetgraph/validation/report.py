"""A validation report: findings as data, rendered as a SHACL results graph, JSON or a readable table."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import DCTERMS, RDF, SH, XSD, Graph, Literal, URIRef

from budgetgraph.mapping.uris import BG

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
RANK = {"Violation": 0, "Warning": 1, "Info": 2}
TABLES_SECTION = "(the tables)"  # the group of the findings about the tables, not the text


@dataclass(frozen=True)
class Finding:
    focus: str
    severity: str  # Violation, Warning or Info
    shape: str
    message: str
    path: str | None = None
    component: str = str(SH.SPARQLConstraintComponent)
    published: str | None = None  # the figure as the document prints it
    derived: str | None = None  # the same figure derived from the others (a sum, a share, another table)
    section: str | None = None  # the heading path of the text a claim's finding is about; None for the tables


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...]

    @property
    def conforms(self) -> bool:
        """Structure holds; warnings about the source's own figures do not stop a load."""
        return not any(f.severity == "Violation" for f in self.findings)

    def of_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def to_graph(self, report: URIRef, subject: URIRef) -> Graph:
        """The report as SHACL results; results are named after the report so a reload mints the same IRIs."""
        graph = Graph()
        graph.bind("sh", SH)
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        graph.add((report, DCTERMS.subject, subject))
        severities = {v: k for k, v in SEVERITIES.items()}
        for number, finding in enumerate(self.findings, start=1):
            result = URIRef(f"{report}#result-{number}")
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, URIRef(finding.focus)))
            graph.add((result, SH.resultSeverity, severities[finding.severity]))
            graph.add((result, SH.sourceShape, URIRef(finding.shape)))
            graph.add((result, SH.resultMessage, Literal(finding.message)))
            graph.add((result, SH.sourceConstraintComponent, URIRef(finding.component)))
            if finding.path:
                graph.add((result, SH.resultPath, URIRef(finding.path)))
            if finding.published is not None and finding.derived is not None:
                graph.add((result, BG.publishedValue, Literal(finding.published, datatype=XSD.decimal)))
                graph.add((result, BG.derivedValue, Literal(finding.derived, datatype=XSD.decimal)))
        return graph

    def to_json(self) -> dict[str, object]:
        return {"conforms": self.conforms, "findings": [asdict(f) for f in self.findings]}

    def to_text(self) -> str:
        """Findings grouped by the section of the document they are about (the tables as one group), the group
        with the most serious finding first, and within a group the most serious first."""
        if not self.findings:
            return "conforms: no findings"
        width = max(len(f.severity) for f in self.findings)
        groups: dict[str, list[Finding]] = {}
        for finding in sorted(self.findings, key=lambda f: RANK[f.severity]):
            groups.setdefault(finding.section or TABLES_SECTION, []).append(finding)
        lines = []
        for section, findings in groups.items():
            lines.append(section)
            lines += [f"  {f.severity:<{width}}  {f.message.removeprefix(section + ' ')}" for f in findings]
        return "\n".join(lines)
