"""Settings shared by every command: where the store lives, the base of minted URIs, the admin token, the
licence the catalogues state."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STORE = Path(os.environ.get("BUDGETGRAPH_STORE", "budgetgraph-store"))
DEFAULT_BASE = os.environ.get("BUDGETGRAPH_BASE", "http://127.0.0.1:8000/")
DEFAULT_ADMIN_TOKEN = os.environ.get("BUDGETGRAPH_ADMIN_TOKEN")

# Budget disclosures are government information published for reuse; CC BY 4.0 keeps the attribution to the
# disclosing department with every copy. A deployment whose terms differ sets $BUDGETGRAPH_LICENSE (an IRI).
CC_BY_4_0 = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
DEFAULT_LICENSE = os.environ.get("BUDGETGRAPH_LICENSE", CC_BY_4_0)
