"""Files the product ships: the ontology, the SHACL shapes and the reference code lists.

``ontology/`` and ``shapes/`` live at the repository's top level and are linked here, so that a wheel carries
them and a source checkout reads them in place.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource(*parts: str) -> Path:
    return ROOT.joinpath(*parts)
