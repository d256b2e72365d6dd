"""Stage 3: RDF → a SHACL validation report (structure violations block loading; inconsistencies warn)."""

from budgetgraph.validation.report import Finding, ValidationReport
from budgetgraph.validation.shacl import validate

__all__ = ["Finding", "ValidationReport", "validate"]
