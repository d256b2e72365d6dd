"""budgetgraph: Chinese public budget disclosures as linked open data.

The pipeline, one subpackage per stage: ``ingest`` (source file → records), ``mapping`` (records → RDF),
``validation`` (RDF → SHACL report), ``store`` (named graph per document), ``service`` (SPARQL and pages).
"""

__version__ = "0.1.0"
