"""Real pages in layouts budgetgraph does not read yet (tests/data/unsupported, SOURCE.md there): each is refused,
or its table reported unread, with a message that names the file and the place; nothing is read by guesswork."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest import read_document

UNSUPPORTED = Path(__file__).parent / "data" / "unsupported"


@pytest.mark.parametrize(
    ("name", "place", "says"),
    [
        ("qujiang-county-2016-final.html", None, "not a budget document: no template table found"),
        ("yueyanglou-price-2023-perf.html", "line 1", "岳阳楼区价格认证鉴定中心2023年度整体绩效目标表 titles a template table, but no unit line"),
        ("ningde-difangzhi-2019-perf.html", "line 1", "中共宁德市委党史和地方志研究室部门整体支出绩效目标表(2019年度) titles a template table, but no unit line"),
    ],
)
def test_a_layout_not_read_yet_is_refused_naming_file_and_place(name: str, place: str | None, says: str) -> None:
    path = UNSUPPORTED / name
    with pytest.raises(BudgetgraphError) as raised:
        read_document(path)
    assert (raised.value.file, raised.value.place) == (str(path), place)
    assert says in raised.value.message
