from __future__ import annotations

from pathlib import Path

import pytest

from budgetgraph.ingest import read_document
from budgetgraph.mapping import MappedDocument, map_document
from budgetgraph.records import BudgetDocument

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "documents" / "luoyang-xigong-zhengshuju-2021-budget.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "000_117098cfe8f5af66.txt"
BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="session")
def seed() -> BudgetDocument:
    return read_document(SEED)


@pytest.fixture(scope="session")
def seed_rdf(seed: BudgetDocument) -> MappedDocument:
    return map_document(seed, BASE)
