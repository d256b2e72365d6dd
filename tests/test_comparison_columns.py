"""A table that sets a rate or a comparison beside its amounts (决算数为预算数的%, 比上年增减%), as some districts
print their 决算 (重庆市永川区), is reported unread, naming the column, rather than read without it."""

from __future__ import annotations

from pathlib import Path

from budgetgraph.ingest import read_document
from budgetgraph.records import TableKind

FIXTURE = Path(__file__).parent / "data" / "variants" / "synthetic-general-budget-income-expenditure-2023-final.txt"
COMPARED = """
表5：一般公共预算财政拨款支出决算表

单位：万元

科目编码\t科目名称\t预算数\t决算数\t决算数为预算数的%
\t合计\t840.00\t832.47\t99.10
201\t一般公共服务支出\t710.00\t702.44\t98.94
208\t社会保障和就业支出\t84.67\t84.67\t100.00
221\t住房保障支出\t45.33\t45.36\t100.07
"""


def test_a_rate_column_leaves_its_table_unread_and_the_others_read(tmp_path: Path) -> None:
    document = tmp_path / "compared.txt"
    document.write_text(FIXTURE.read_text(encoding="utf-8") + COMPARED, encoding="utf-8")
    read = read_document(document)
    assert [t.title for t in read.tables] == ["一般公共预算财政拨款收入支出决算表"]
    (unread,) = read.unread
    assert (unread.kind, unread.title) == (TableKind.GENERAL_BUDGET_EXPENDITURE, "表5：一般公共预算财政拨款支出决算表")
    assert "决算数为预算数的%" in unread.reason


def test_a_document_whose_only_table_is_unread_keeps_the_unit_it_prints(tmp_path: Path) -> None:
    document = tmp_path / "only-compared.txt"
    document.write_text("重庆市永川区合成示范局（合成）2023年度部门决算\n" + COMPARED.replace("单位：万元", "单位：元"), encoding="utf-8")
    read = read_document(document)
    assert (read.tables, len(read.unread), read.amount_unit) == ((), 1, "元")
