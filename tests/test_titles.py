"""Tables are known by their titles whatever number the publisher prints before them (表一：, 附表3, 表3-1,
预算01表, 1., 一、, （一）)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetgraph.ingest.layout import table_kind, without_numbering
from budgetgraph.ingest.tables import find_tables, parse_grid
from budgetgraph.ingest.text import split_lines
from budgetgraph.records import Phase, TableKind

# Titles as published (the 预算 and 决算 templates, and districts' wordings), with the table each names.
TITLES = {
    "部门财务收支预算总表": TableKind.INCOME_EXPENDITURE_SUMMARY,
    "收入支出决算总表": TableKind.INCOME_EXPENDITURE_SUMMARY,
    "部门收入预算总表": TableKind.INCOME_SUMMARY,
    "收入决算表": TableKind.INCOME_SUMMARY,
    "部门支出预算总表": TableKind.EXPENDITURE_SUMMARY,
    "支出决算表": TableKind.EXPENDITURE_SUMMARY,
    "部门财政拨款收支预算总表": TableKind.FISCAL_GRANT_SUMMARY,
    "财政拨款收入支出决算总表": TableKind.FISCAL_GRANT_SUMMARY,
    "部门一般公共预算支出功能分类预算表": TableKind.GENERAL_BUDGET_EXPENDITURE,
    "一般公共预算财政拨款支出决算表": TableKind.GENERAL_BUDGET_EXPENDITURE,
    "一般公共预算财政拨款收入支出决算表": TableKind.GENERAL_BUDGET_EXPENDITURE,
    "一般公共预算财政拨款基本支出决算表": TableKind.GENERAL_BUDGET_BASIC_EXPENDITURE,
    "一般公共预算财政拨款“三公”经费支出决算表": TableKind.THREE_PUBLIC,
    "政府性基金预算财政拨款收入支出决算表": TableKind.GOVERNMENT_FUND_EXPENDITURE,
    "国有资本经营预算财政拨款支出决算表": TableKind.STATE_CAPITAL_EXPENDITURE,
}

CHINESE = ["一", "二", "三", "九", "十", "十一", "十九", "二十"]
ARABIC = st.integers(1, 30).map(str)
NUMBER = st.one_of(ARABIC, st.sampled_from(CHINESE))
NUMBERING = st.one_of(
    # 表一：  附表3  表3-1  表 5:
    st.builds(lambda before, n, sub, after: f"{before}表{n}{sub}{after}",
              st.sampled_from(["", "附", "附", "预算"]), NUMBER, st.sampled_from(["", "-1", "－2"]),
              st.sampled_from(["", "：", ":", " ", "、", "．"])),
    st.builds(lambda phase, n: f"{phase}{int(n):02d}表 ", st.sampled_from(["预算", "决算"]), ARABIC),  # 预算01表
    st.builds(lambda n, sep: f"{n}{sep}", ARABIC, st.sampled_from([".", "．", "、", "：", ". "])),  # 1.  1、
    st.builds(lambda n, sep: f"{n}{sep}", st.sampled_from(CHINESE), st.sampled_from(["、", "．", "："])),  # 一、
    st.builds(lambda n, brackets: f"{brackets[0]}{n}{brackets[1]}", NUMBER, st.sampled_from(["（）", "()"])),  # （一）
)


@given(numbering=st.lists(NUMBERING, min_size=1, max_size=2).map("".join), title=st.sampled_from(sorted(TITLES)))
def test_a_numbered_title_names_the_table_its_words_name(numbering: str, title: str) -> None:
    assert without_numbering(numbering + title) == title
    assert table_kind(numbering + title) is TITLES[title]


@pytest.mark.parametrize(
    "printed, title",
    [
        ("表一：收入支出决算总表", "收入支出决算总表"),
        ("附表3 支出决算表", "支出决算表"),
        ("表3-1 一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算表"),
        ("预算01表 部门财务收支预算总表", "部门财务收支预算总表"),
        ("四、财政拨款收入支出决算总表", "财政拨款收入支出决算总表"),
        ("（一）收入决算表", "收入决算表"),
        ("1.部门收入预算总表", "部门收入预算总表"),
        ("表一 一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算表"),
        ("表一一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算表"),  # 一般 is no numeral
        ("表 3 - 1 支出决算表", "支出决算表"),  # spaces a PDF's text puts between characters
    ],
)
def test_real_numberings_are_stripped(printed: str, title: str) -> None:
    assert without_numbering(printed) == title


@pytest.mark.parametrize("title", ["2023年度部门收支总表", "一般公共预算财政拨款支出决算表", "三公经费支出表", "十三五规划表"])
def test_words_that_only_look_like_numbers_stay(title: str) -> None:
    """A year (2023年) or a word that starts with a numeral (一般, 三公, 十三五) is part of the title."""
    assert without_numbering(title) == title


def test_a_numbered_table_is_read_under_its_title_without_the_number() -> None:
    text = "表三：支出决算表\n单位：万元\n科目名称\t本年支出合计\n合计\t12.50\n一般公共服务支出\t12.50\n"
    (block,) = find_tables(split_lines(text))
    table = parse_grid(block, 1, "numbered.txt", (2023, Phase.FINAL_ACCOUNTS))
    assert (table.kind, table.title, [r.label for r in table.rows]) == (TableKind.EXPENDITURE_SUMMARY, "支出决算表", ["合计", "一般公共服务支出"])
