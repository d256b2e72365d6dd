"""Settings shared by every command: where the store lives, the base of minted URIs, the admin token."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STORE = Path(os.environ.get("BUDGETGRAPH_STORE", "budgetgraph-store"))
DEFAULT_BASE = os.environ.get("BUDGETGRAPH_BASE", "http://127.0.0.1:8000/")
DEFAULT_ADMIN_TOKEN = os.environ.get("BUDGETGRAPH_ADMIN_TOKEN")
