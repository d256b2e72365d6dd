"""Which template table a title names, and which measure each column header stands for."""

from __future__ import annotations

import re

from budgetgraph.ingest.amounts import key
from budgetgraph.records import TableKind

# Ordered: the 三公 title also contains "一般公共预算", the 绩效 title "支出".
TITLES: tuple[tuple[TableKind, re.Pattern[str]], ...] = (
    (TableKind.THREE_PUBLIC, re.compile(r"三公.*经费.*表")),
    (TableKind.PERFORMANCE_TARGETS, re.compile(r"绩效目标.*表")),
    (TableKind.FISCAL_GRANT_SUMMARY, re.compile(r"财政拨款收支(总体情况)?总?表")),
    (TableKind.GENERAL_BUDGET_EXPENDITURE, re.compile(r"一般公共预算支出(情况)?表")),
    (TableKind.GOVERNMENT_FUND_EXPENDITURE, re.compile(r"政府性基金(预算)?支出(情况)?表")),
    (TableKind.STATE_CAPITAL_EXPENDITURE, re.compile(r"国有资本经营预算支出(情况)?表")),
    (TableKind.EXPENDITURE_SUMMARY, re.compile(r"部门支出(总体情况)?总?表")),
    (TableKind.OPERATING_COSTS, re.compile(r"机关运行经费(支出)?(情况)?表?$")),
)

UNIT_LINE = re.compile(r"^单位[:：]\s*(万元|千元|元)$")

# (header path pattern, measure): the path is the column's nested headers joined by "/".
MEASURES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), measure)
    for pattern, measure in (
        (r"^(总计|合计|支出合计|收入合计)$", "total"),
        (r"^基本支出(/(小计|合计))?$", "basicExpenditure"),
        (r"^基本支出/工资福利支出$", "wagesAndBenefits"),
        (r"^基本支出/对个人和家庭的补助$", "subsidiesToHouseholds"),
        (r"^基本支出/商品和服务支出$", "goodsAndServices"),
        (r"^项目支出(/(小计|合计))?$", "projectExpenditure"),
        (r"^项目支出/一般性项目(支出)?$", "generalProjects"),
        (r"^项目支出/专项(项目|资金)(支出)?$", "specialProjects"),
        (r"^项目支出/其他各项支出$", "otherProjects"),
        (r"^项目支出/人员类项目$", "personnelProjects"),
        (r"^专项项目支出$", "specialProjects"),
        (r"^一般性项目支出$", "generalProjects"),
        (r"^人员支出$", "personnelExpenditure"),
        (r"^日常公用支出$", "publicExpenditure"),
        (r"^本年支出小计/一般公共预算/小计$", "generalBudget"),
        (r"^本年支出小计/一般公共预算/财政拨款$", "fiscalGrant"),
        (r"^本年支出小计/一般公共预算/行政事业性收费$", "administrativeFees"),
        (r"^本年支出小计/一般公共预算/专项收入$", "specialRevenue"),
        (r"^本年支出小计/一般公共预算/国有资产资源有偿使用收入$", "stateAssetRevenue"),
        (r"^本年支出小计/一般公共预算/政府住房基金收入$", "housingFundRevenue"),
        (r"^(本年支出小计/)?政府性基金(预算)?$", "governmentFund"),
        (r"^(本年支出小计/)?国有资本经营预算$", "stateCapital"),
        (r"^(金额|\d{4}年三公经费预算数|机关运行经费支出)$", "amount"),
        (r"^上年结转$", "carryOver"),
        (r"^公共财政预算拨款$", "generalBudget"),
        (r"^专户资金$", "specialAccount"),
        (r"^事业收入(\(不含专户资金\))?$", "institutionRevenue"),
        (r"^经营收入$", "businessRevenue"),
        (r"^总金额$", "total"),
        (r"^财政资金$", "fiscalFunds"),
        (r"^其他资金$", "otherFunds"),
    )
)


# Measures that are parts of another measure in the same row: 基本支出 = 工资福利 + 对个人和家庭 + 商品和服务.
PART_OF = {
    "wagesAndBenefits": "basicExpenditure",
    "subsidiesToHouseholds": "basicExpenditure",
    "goodsAndServices": "basicExpenditure",
    "personnelExpenditure": "basicExpenditure",
    "publicExpenditure": "basicExpenditure",
    "generalProjects": "projectExpenditure",
    "specialProjects": "projectExpenditure",
    "otherProjects": "projectExpenditure",
    "personnelProjects": "projectExpenditure",
}


def table_kind(title: str) -> TableKind | None:
    folded = key(title)
    return next((kind for kind, pattern in TITLES if pattern.search(folded)), None)


def measure_for(path: str) -> str | None:
    folded = key(path)
    return next((measure for pattern, measure in MEASURES if pattern.fullmatch(folded)), None)
