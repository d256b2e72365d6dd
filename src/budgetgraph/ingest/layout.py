"""Which template table a title names, and which measure each column header stands for."""

from __future__ import annotations

import re

from budgetgraph.normalise import key
from budgetgraph.records import Phase, TableKind

# Ordered: the 三公 title also contains "一般公共预算", the 绩效 title "支出"; a fund's 财政拨款收入支出决算表
# (政府性基金, 一般公共预算 as some districts publish it) is that fund's one-sided table, not the 财政拨款 summary.
TITLES: tuple[tuple[TableKind, re.Pattern[str]], ...] = (
    (TableKind.THREE_PUBLIC, re.compile(r"三公.*经费.*表")),
    (TableKind.PERFORMANCE_TARGETS, re.compile(r"绩效目标.*表")),
    (TableKind.GOVERNMENT_FUND_EXPENDITURE, re.compile(r"政府性基金(预算)?(财政拨款)?(收入)?支出(功能分类)?(预算|决算|情况)?表")),
    (TableKind.STATE_CAPITAL_EXPENDITURE, re.compile(r"国有资本经营预算(财政拨款)?(收入)?支出(功能分类)?(预算|决算|情况)?表")),
    (TableKind.GENERAL_BUDGET_BASIC_EXPENDITURE, re.compile(r"一般公共预算(财政拨款)?基本支出.*表")),
    (TableKind.GENERAL_BUDGET_EXPENDITURE, re.compile(r"一般公共预算(财政拨款)?(收入)?支出(功能分类)?(预算|决算|情况)?表")),
    (TableKind.FISCAL_GRANT_SUMMARY, re.compile(r"财政拨款收(入)?支(出)?(预算|决算)?(总体情况)?总?表")),
    (TableKind.INCOME_EXPENDITURE_SUMMARY, re.compile(r"((部门|单位)(财务)?收支(预算)?(总体情况)?总?表|^收入支出决算总表)")),
    (TableKind.INCOME_SUMMARY, re.compile(r"((部门|单位)收入(预算)?(总体情况)?总?表|^收入决算表)")),
    (TableKind.EXPENDITURE_SUMMARY, re.compile(r"((部门|单位)支出(预算)?(总体情况)?总?表|^支出决算表)")),
    (TableKind.OPERATING_COSTS, re.compile(r"机关运行经费(支出)?(情况)?表?$")),
)

UNIT_LINE = re.compile(r"单位[:：]\s*(万元|千元|元)$")

# (header path pattern, measure): the path is the column's nested headers joined by "/".
MEASURES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), measure)
    for pattern, measure in (
        (r"^(总计|合计|支出合计|收入合计|本年收入合计|本年支出合计|本年支出(/小计)?)$", "total"),
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
        (r"^(本年支出小计/)?一般公共预算(/小计)?$", "generalBudget"),
        (r"^本年支出小计/一般公共预算/财政拨款$", "fiscalGrant"),
        (r"^本年支出小计/一般公共预算/行政事业性收费$", "administrativeFees"),
        (r"^本年支出小计/一般公共预算/专项收入$", "specialRevenue"),
        (r"^本年支出小计/一般公共预算/国有资产资源有偿使用收入$", "stateAssetRevenue"),
        (r"^本年支出小计/一般公共预算/政府住房基金收入$", "housingFundRevenue"),
        (r"^(本年支出小计/)?政府性基金(预算)?$", "governmentFund"),
        (r"^(本年支出小计/)?国有资本经营预算$", "stateCapital"),
        (r"^(金额|预算数|年初预算数|调整预算数|全年预算数|决算数|\d{4}年三公经费预算数|机关运行经费支出)$", "amount"),
        (r"^(本年|上年|\d{4}年)度?(年初预算|预算|预计执行|执行|决算)数?(/(小计|合计))?$", "amount"),
        (r"^(其中:)?(一般)?公共预算(财政拨款|安排数)$", "generalBudget"),
        (r"^上级补助收入$", "superiorSubsidy"),
        (r"^附属单位上缴收入$", "subordinateRemittance"),
        (r"^上缴上级支出$", "remittanceToSuperior"),
        (r"^经营支出$", "businessExpenditure"),
        (r"^对附属单位补助支出$", "subsidiesToSubordinates"),
        (r"^一般公共预算财政拨款$", "generalBudget"),
        (r"^政府性基金预算财政拨款$", "governmentFund"),
        (r"^国有资本经营预算财政拨款$", "stateCapital"),
        (r"^年初结转和结余$", "carryOverStart"),
        (r"^年末结转和结余$", "carryOverEnd"),
        (r"^本年收入$", "currentIncome"),
        (r"^财政拨款(收入)?$", "fiscalGrant"),
        (r"^其他收入$", "otherRevenue"),
        (r"^人员经费$", "personnelExpenditure"),
        (r"^公用经费$", "publicExpenditure"),
        (r"^因公出国\(境\)费(用)?$", "overseasTravel"),
        (r"^公务接待费$", "officialReception"),
        (r"^公务用车(购置及运行(维护)?)?费(/小计)?$", "officialVehicles"),
        (r"^三公经费/(小计|合计)$", "total"),
        (r"^会议费$", "meetingFees"),
        (r"^培训费$", "trainingFees"),
        (r"^(公务用车购置及运行费/)?(公务用?车)?购置费$", "vehiclePurchase"),
        (r"^(公务用车购置及运行费/)?(公务用车)?运行(维护)?费$", "vehicleOperation"),
        (r"^机关运行经费预算数$", "operatingCosts"),
        (r"^上年结转$", "carryOver"),
        (r"^公共财政预算拨款$", "generalBudget"),
        (r"^专户资金$", "specialAccount"),
        (r"^事业收入(\(不含专户资金\))?$", "institutionRevenue"),
        (r"^(事业单位)?经营收入$", "businessRevenue"),
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


# A last header level that names a phase rather than a measure: a 决算 prints budget and outturn side by side.
PHASE_COLUMNS = {
    "预算数": Phase.BUDGET, "年初预算数": Phase.BUDGET, "调整预算数": Phase.REVISED_BUDGET, "全年预算数": Phase.REVISED_BUDGET,
    "决算数": Phase.FINAL_ACCOUNTS,
}


def split_phase(path: str) -> tuple[str, Phase | None]:
    """"三公经费/合计/决算数" → ("三公经费/合计", 决算); a path without a phase level is returned as it is."""
    parts = path.split("/")
    if len(parts) > 1 and (phase := PHASE_COLUMNS.get(key(parts[-1]))):
        return "/".join(parts[:-1]), phase
    return path, None


# The numbering printed before a title, one or more: 表一： 附表3 表3-1 预算01表 1. 1、 一、 （一） (a year, 2023年,
# is no numbering: a bare number counts only with its separator, and a year has four digits). A numeral does not
# take the first character of a title that starts with one (表一一般公共预算…, 表三三公经费…).
_NUMBER = r"(?:[0-9０-９]+|[一二三四五六七八九十]+(?![般公]))"
TITLE_NUMBERING = re.compile(
    rf"^(?:(?:(?:附|预算|决算)?表\s*{_NUMBER}(?:\s*[-－—–]\s*{_NUMBER})*"
    rf"|(?:预算|决算){_NUMBER}表"
    rf"|[0-9０-９]{{1,2}}(?:[.．][0-9０-９]{{1,2}})*\s*[.．、:：]"
    rf"|[一二三四五六七八九十]+\s*[、.．:：]"
    rf"|[(（]\s*{_NUMBER}\s*[)）])[.．、:：\s]*)+"
)


def without_numbering(title: str) -> str:
    """"表一：收入支出决算总表" → "收入支出决算总表": the table is the same whatever its number. Before spaces are
    squeezed out: the space in "表一 一般公共预算…" is what ends the number."""
    return TITLE_NUMBERING.sub("", title.strip())


def table_kind(title: str) -> TableKind | None:
    folded = key(without_numbering(title))
    return next((kind for kind, pattern in TITLES if pattern.search(folded)), None)


def measure_for(path: str) -> str | None:
    """The measure of a header path, trying it whole and then without its outer group headers
    ("支出预算/基本支出" → 基本支出; "三公经费预算数/公务用车购置及运行费/小计" → 公务用车购置及运行费/小计)."""
    parts = [re.sub(r"\((万元|千元|元)\)$", "", part) for part in key(path).split("/")]  # 预算数(万元)
    for start in range(len(parts)):
        # a header wrapped over lines of a ruled table reads 因公出/国(境)/费: tried joined too
        for suffix in ("/".join(parts[start:]), "".join(parts[start:])):
            if found := next((measure for pattern, measure in MEASURES if pattern.fullmatch(suffix)), None):
                return found
    return None
