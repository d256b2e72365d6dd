"""Synthetic budget documents in the text layout of the real seed
(data/documents/luoyang-xigong-zhengshuju-2021-budget.txt): the same tables, titles, header lines, unit lines and
narrative paragraphs, with made-up departments, units, years, rows and amounts.

    python -m benchmarks.generate --out benchmarks/out/documents --count 200
    python -m benchmarks.generate --nquads benchmarks/out/store.nq --quads 1000000

Every document is marked synthetic: its department is named "…（合成）" and its second line says 合成样本.
Document ``i`` is a function of (seed, i) alone, so a shorter run is a prefix of a longer one.

The figures add up the way a reader checks them (and ``shapes/arithmetic.ttl`` with them): 基本支出 and 项目支出
are the sums of their parts, unit subtotals and totals the sums of their lines, each 类 of the
财政拨款收支总体情况表 the sum of its 项 lines, the 绩效目标表 agrees with the 部门支出总体情况表, the
机关运行经费 table with the narrative, and the narrative's shares and growth rates are rounded from the tables.
Two of the template's properties shape the data: the 绩效目标表 divides 项目支出 into 专项 and 一般性 only, so
人员类项目 and 其他各项支出 stay blank; and every amount is 一般公共预算, as in the seed.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import count as counting
from pathlib import Path
from typing import BinaryIO

from budgetgraph.ingest import read_document  # first: importing budgetgraph.codelists first is a circular import
from budgetgraph.codelists import District, districts, economic_codes, functional_codes
from budgetgraph.mapping import map_document
from budgetgraph.pipeline import ONTOLOGY_GRAPH
from budgetgraph.validation.shacl import ontology_ntriples

YEARS = tuple(range(2019, 2025))
MARK = "（合成）"
DEPARTMENT_STEMS = (
    "统计局", "财政局", "教育局", "民政局", "司法局", "审计局", "商务局", "文化广电和旅游局", "卫生健康委员会",
    "市场监督管理局", "住房和城乡建设局", "自然资源局", "应急管理局", "退役军人事务局", "人力资源和社会保障局",
    "发展和改革委员会", "科学技术局", "农业农村局", "水利局", "城市管理局", "医疗保障局", "信访局", "档案馆",
    "机关事务管理局", "政务服务和大数据管理局", "人民政府办公室", "总工会", "妇女联合会", "体育中心", "地方志办公室",
)
UNIT_SUFFIXES = ("服务中心", "信息中心", "事务中心", "综合执法大队", "监测站", "培训中心", "档案室")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静磊洋勇艳杰军涛明超霞平刚桂英华"
# The 类 of the 财政拨款收支总体情况表 as the template prints them, with the code each stands for.
FISCAL_CLASSES = (
    ("一、一般公共服务", "201"), ("二、外交", "202"), ("三、国防", "203"), ("四、公共安全", "204"), ("五、教育", "205"),
    ("六、科学技术", "206"), ("七、文化旅游体育与传媒", "207"), ("八、社会保障和就业", "208"), ("九、社会保险基金支出", "209"),
    ("十、卫生健康", "210"), ("十一、节能环保", "211"), ("十二、城乡社区事务", "212"), ("十三、农林水事务", "213"),
    ("十四、交通运输", "214"), ("十五、资源勘探信息等", "215"), ("十六、商业服务业等", "216"), ("十七、金融支出", "217"),
    ("十九、援助其他地区支出", "219"), ("二十、自然资源海洋气象等支出", "220"), ("二十一、住房保障支出", "221"),
    ("二十二、粮油物资储备支出", "222"), ("二十三、国有资本经营预算", "223"), ("二十四、灾害防治及应急管理", "224"),
    ("二十七、预备费", "227"), ("二十九、其他支出", "229"), ("三十、转移性支出", "230"), ("三十一、债务还本支出", "231"),
    ("三十二、债务付息支出", "232"), ("三十三、债务发行费用支出", "233"), ("三十四、抗疫特别国债安排的支出", "234"),
)
# The income side printed on the first rows of the 财政拨款收支总体情况表; "{total}" is the year's total.
FISCAL_INCOME = (
    ("一般公共预算", "小计", "{total}"), ("", "财政拨款", "{total}"), ("", "行政事业性收费", ""), ("", "专项收入", ""),
    ("", "国有资产资源有偿使用收入", ""), ("", "政府住房基金收入", ""), ("政府性基金预算", ""), ("国有资本经营预算", ""),
)
# 项 whose printed name does not say which 款 they belong to: the tables add the 款 in brackets.
GENERIC_ITEMS = {"行政运行", "一般行政管理事务", "机关服务", "事业运行"}
BASIC = ("wages", "subsidies", "goods")
PROJECT = ("general", "special")
THREE_PUBLIC_CODES = {"overseas": "30212", "reception": "30217", "vehicles": "30231"}
TASKS = (
    ("保障运转类", "用于日常办公支出，保障机构正常运转"), ("设备购置类", "办公设备及业务设备购置与维护"),
    ("政府购买服务", "购买辅助性服务，维持业务运转"), ("专项业务类", "开展本部门专项业务工作"),
    ("信息化建设类", "业务系统运行维护与升级改造"),
)
GOALS = (
    ("保障机构运转", "保障在职人员工资福利及日常办公运转，合理使用资金，杜绝浪费"),
    ("履行部门职能", "按计划完成年度重点工作任务，提升履职效能"), ("提升服务水平", "优化办事流程，提高群众办事便利度"),
    ("加强资金管理", "严格预算执行，提高财政资金使用效益"), ("推进信息化建设", "完善业务系统，提升数据共享和业务协同水平"),
)
DUTIES = (
    "贯彻执行国家、省、市有关方针政策和法律法规，研究拟订本行业发展规划并组织实施。",
    "负责本行业的统筹协调和监督管理工作，组织开展相关调查研究。",
    "负责本部门职责范围内的公共服务和行政审批事项，优化办事流程，提升服务效能。",
    "负责本部门预算编制、财务管理和国有资产管理工作。",
    "负责本部门、本系统突发公共事件的应急管理及信访稳定工作。",
    "指导所属单位的业务工作，负责本系统干部队伍建设。",
    "完成区委、区政府交办的其他任务。",
)
REASONS = ("人员调整及工资标准调整", "业务工作量变化", "专项业务经费调整", "按照过紧日子要求压减一般性支出")
TERMS = (
    "一、财政拨款收入：是指同级财政当年拨付的资金。",
    "二、事业收入：是指事业单位开展专业活动及辅助活动所取得的收入。",
    "三、其他收入：是指部门取得的除“财政拨款”、“事业收入”、“事业单位经营收入”等以外的收入。",
    "四、基本支出：是指为保障机构正常运转、完成日常工作任务所必需的开支，其内容包括人员经费和日常公用经费两部分。",
    "五、项目支出：是指在基本支出之外，为完成特定的行政工作任务或事业发展目标所发生的支出。",
    "六、“三公”经费：是指纳入同级财政预算管理，部门使用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
    "七、机关运行经费：是指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。",
)
CONTENTS = (
    "一、部门收支总体情况表", "二、部门收入总体情况表", "三、部门支出总体情况表", "四、财政拨款收支总体情况表",
    "五、一般公共预算支出情况表", "六、支出预算分类汇总表（按支出经济分类）", "七、一般公共预算“三公”经费支出情况表",
    "八、政府性基金预算支出情况表", "九、国有资本经营预算支出情况表", "十、部门（单位）整体绩效目标表",
    "十一、部门（单位）预算项目绩效目标汇总表",
)
EXPENDITURE_HEADER = (
    "科目编码\t\t\t单位代码\t{label}\t{total}\t基本支出\t\t\t\t项目支出\t\t\t\t",
    "类\t款\t项\t\t\t\t{sub}\t工资福利支出\t对个人和家庭的补助\t商品和服务支出\t{sub}\t一般性项目\t{special}\t其他各项支出\t人员类项目",
)
FISCAL_HEADER = (
    "收入\t\t支出\t\t\t\t\t\t\t\t\t",
    "项目\t金额\t项目\t合计\t本年支出小计\t\t\t\t\t\t政府性基金预算\t国有资本经营预算",
    "\t\t\t\t一般公共预算\t\t\t\t\t\t\t",
    "\t\t\t\t小计\t财政拨款\t行政事业性收费\t专项收入\t国有资产资源有偿使用收入\t政府住房基金收入\t\t",
)


@dataclass(frozen=True)
class Line:
    """A 项 line of one budget unit: its amounts in 分 (cents of 万元), by part of 基本支出 and 项目支出."""

    code: str
    name: str
    unit: str
    parts: tuple[tuple[str, int], ...]

    def part(self, name: str) -> int:
        return sum(cents for part, cents in self.parts if part == name)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    administrative: bool  # the department's own office (行政); the others are public institutions (事业)
    staff: int


@dataclass(frozen=True)
class Department:
    district: District
    code: str
    name: str
    short: str
    kuan: str  # the 款 of 201 its operating lines fall under
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Budget:
    department: Department
    year: int
    lines: tuple[Line, ...]
    previous_total: int
    three_public: dict[str, int]
    operating_costs: tuple[tuple[str, str, int], ...]  # economic code, name, cents
    tasks: tuple[tuple[str, str, int], ...]
    goals: tuple[tuple[str, str], ...]
    people: tuple[tuple[str, str], ...]  # (name, phone) of the head and the contact
    reason: str


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def cell(cents: int) -> str:
    """The template prints a zero part as a blank cell."""
    return money(cents) if cents else ""


def tenths_percent(part: int, whole: int) -> int:
    """part / whole in tenths of a percent, rounded half up (part, whole > 0)."""
    return (2 * part * 1000 + whole) // (2 * whole)


def percent(tenths: int) -> str:
    """42.1, or 4 for 4.0 as the documents print it."""
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` cents as ``parts`` positive amounts."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def wan(rng: random.Random, low: float, high: float) -> int:
    """An amount in 分 between ``low`` and ``high`` 万元."""
    return max(1, round(rng.uniform(low, high) * 100))


# ---- the synthetic world: departments, their units, their lines ------------------------------------------

def district_list() -> list[District]:
    return sorted(districts().values(), key=lambda d: d.code)


def document_key(index: int) -> tuple[District, int, int]:
    """Document ``index`` → (district, department number, year): every year and district of a department
    before the next department, so a prefix of the sequence spans both districts and all years."""
    places = district_list()
    per_department = len(places) * len(YEARS)
    department, rest = divmod(index, per_department)
    if department >= 900:
        raise ValueError(f"only {900 * per_department} distinct documents (department codes 100001–999001)")
    district, year = divmod(rest, len(YEARS))
    return places[district], department, YEARS[year]


def department(seed: int, district: District, number: int) -> Department:
    """The same department in every year: its name, code, units and their staff."""
    rng = random.Random(f"{seed}:{district.code}:{number}")
    prefix = 100 + number
    stem = DEPARTMENT_STEMS[number % len(DEPARTMENT_STEMS)]
    if number >= len(DEPARTMENT_STEMS):
        stem += f"第{number // len(DEPARTMENT_STEMS) + 1}分局"
    name = f"{district.city}{district.name}{stem}{MARK}"
    units = [Unit(f"{prefix}001", name, True, rng.randint(5, 40))]
    for position, suffix in enumerate(rng.sample(UNIT_SUFFIXES, rng.randint(0, 3)), start=2):
        units.append(Unit(f"{prefix}{position:03d}", f"{district.city}{district.name}{stem}{suffix}{MARK}", False, rng.randint(3, 30)))
    kuan = rng.choice(("20103", "20106"))
    return Department(district, f"{prefix}001", name, f"{district.name}{stem}{MARK}", kuan, tuple(units))


def item_name(code: str) -> str:
    """A 项 as the tables print it: "行政运行（政府办公厅（室）及相关机构事务）"."""
    codes = functional_codes()
    if code not in codes:
        raise ValueError(f"{code} is not in budgetgraph's functional-classification.csv")
    name = codes[code].zh
    return f"{name}（{codes[code[:5]].zh}）" if name in GENERIC_ITEMS else name


def unit_lines(rng: random.Random, unit: Unit, kuan: str) -> list[Line]:
    """A unit's 项 lines: its operation, maybe projects, and the pension, medical and housing lines that follow
    from its wages."""
    staff = unit.staff
    wages = wan(rng, 9 * staff, 15 * staff)
    operation = [("wages", wages), ("goods", wan(rng, 0.5 * staff, 2.5 * staff))]
    if rng.random() < 0.5:
        operation.append(("subsidies", wan(rng, 0.01 * staff, 0.3 * staff)))
    specs: list[tuple[str, list[tuple[str, int]]]] = []
    if unit.administrative:
        specs.append((f"{kuan}01", operation))
        project = [("general", wan(rng, 5, 200))] + ([("special", wan(rng, 1, 80))] if rng.random() < 0.4 else [])
        specs.append((f"{kuan}02", project))
        if kuan == "20103" and rng.random() < 0.2:
            specs.append(("2010303", [("wages", wan(rng, staff, 3 * staff)), ("goods", wan(rng, 1, 10))]))
    else:
        extra = [("general", wan(rng, 5, 150))] if rng.random() < 0.5 else []
        specs.append((f"{kuan}50", operation + extra))
    if rng.random() < 0.2:
        specs.append((f"{kuan}99", [("special", wan(rng, 2, 60))]))
    def share(low: float, high: float) -> int:
        return max(1, round(wages * rng.uniform(low, high)))
    specs.append(("2080505", [("wages", share(0.14, 0.18))]))
    optional = (
        (0.7, "2080506", "wages", share(0.06, 0.09)),
        (0.25, "2080599", "subsidies", wan(rng, 0.5, 5)),
        (0.3, "2080501" if unit.administrative else "2080502", "subsidies", wan(rng, 1, 30)),
    )
    specs.extend((code, [(part, cents)]) for chance, code, part, cents in optional if rng.random() < chance)
    specs.append(("2101101" if unit.administrative else "2101102", [("wages", share(0.06, 0.09))]))
    if unit.administrative and rng.random() < 0.3:
        specs.append(("2101103", [("wages", share(0.02, 0.04))]))
    specs.append(("2210201", [("wages", share(0.10, 0.12))]))
    specs.extend((code, [("subsidies", wan(rng, 0.5, 10))]) for code, chance in (("2210202", 0.3), ("2210203", 0.2)) if rng.random() < chance)
    return [Line(code, item_name(code), unit.code, tuple(parts)) for code, parts in sorted(specs)]


def budget(seed: int, index: int) -> Budget:
    district, number, year = document_key(index)
    dept = department(seed, district, number)
    rng = random.Random(f"{seed}:{district.code}:{number}:{year}")
    lines = tuple(line for unit in dept.units for line in unit_lines(rng, unit, dept.kuan))
    total = sum(c for line in lines for _, c in line.parts)
    goods = sum(line.part("goods") for line in lines)
    basic = sum(line.part(p) for line in lines for p in BASIC)
    three_public = {
        "overseas": round(goods * rng.uniform(0.01, 0.05)) if rng.random() < 0.1 else 0,
        "reception": round(goods * rng.uniform(0.01, 0.05)) if rng.random() < 0.6 else 0,
        "vehicles": round(goods * rng.uniform(0.03, 0.10)) if rng.random() < 0.5 else 0,
    }
    return Budget(
        department=dept,
        year=year,
        lines=lines,
        previous_total=previous_total(rng, total),
        three_public=three_public,
        operating_costs=operating_costs(rng, goods, three_public),
        tasks=tasks(rng, basic, total - basic),
        goals=tuple(rng.sample(GOALS, rng.randint(3, len(GOALS)))),
        people=tuple((rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))), f"6{rng.randrange(1000000, 9999999)}") for _ in range(2)),
        reason=rng.choice(REASONS),
    )


def previous_total(rng: random.Random, total: int) -> int:
    """Last year's total. A fall whose rate is an exact half of the last decimal is drawn again: a person rounds
    −38.45% to 下降 38.5%, SPARQL's ROUND (which shapes/arithmetic.ttl uses) to −38.4%."""
    while True:
        previous = max(1, round(total / rng.uniform(0.8, 1.4)))
        change = total - previous
        if change >= 0 or (2 * -change * 1000) % previous or not (-change * 1000) % previous:
            return previous


def operating_costs(rng: random.Random, goods: int, three_public: dict[str, int]) -> tuple[tuple[str, str, int], ...]:
    """机关运行经费: the 商品和服务支出 of basic expenditure by economic code, the 三公 items under their own codes."""
    codes = economic_codes()
    tied = {THREE_PUBLIC_CODES[item]: cents for item, cents in three_public.items() if cents}
    free = [c for c in codes if len(c) == 5 and c.startswith("302") and c not in THREE_PUBLIC_CODES.values()]
    chosen = sorted(rng.sample(free, rng.randint(3, 10)))
    amounts = dict(zip(chosen, split(rng, goods - sum(tied.values()), len(chosen)), strict=True)) | tied
    return tuple((code, codes[code].zh, amounts[code]) for code in sorted(amounts))


def tasks(rng: random.Random, basic: int, project: int) -> tuple[tuple[str, str, int], ...]:
    chosen = rng.sample(TASKS, rng.randint(1, 3))
    amounts = split(rng, project, len(chosen))
    return (("基本支出类", "用于日常办公运转，包括人员工资补贴奖金等", basic),) + tuple((n, d, a) for (n, d), a in zip(chosen, amounts, strict=True))


# ---- rendering: the seed's text layout -----------------------------------------------------------------

def sums(lines: Iterable[Line]) -> list[int]:
    """The ten amount columns of an expenditure table: 总计, 基本支出 (小计 and its three parts), 项目支出 (小计,
    一般性项目, 专项, 其他各项支出, 人员类项目)."""
    lines = list(lines)
    part = {p: sum(line.part(p) for line in lines) for p in BASIC + PROJECT}
    basic = sum(part[p] for p in BASIC)
    project = sum(part[p] for p in PROJECT)
    return [basic + project, basic, *(part[p] for p in BASIC), project, *(part[p] for p in PROJECT), 0, 0]


def expenditure_row(codes: Sequence[str], unit: str, label: str, amounts: Sequence[int]) -> str:
    return "\t".join([*codes, unit, label, *map(cell, amounts)])


def expenditure_rows(b: Budget, *, ascii_brackets: bool, class_rows: bool) -> list[str]:
    def label(text: str) -> str:
        return text.replace("（", "(").replace("）", ")") if ascii_brackets else text
    rows = [expenditure_row(("", "", ""), "", "合计", sums(b.lines))]
    names = functional_codes()
    for unit in b.department.units:
        lines = [line for line in b.lines if line.unit == unit.code]
        rows.append(expenditure_row(("", "", ""), unit.code, unit.name, sums(lines)))
        printed: set[str] = set()
        for line in lines:
            c = line.code
            for prefix, cells in ((c[:3], (c[:3], "", "")), (c[:5], (c[:3], c[3:5], ""))):
                if class_rows and prefix not in printed:
                    printed.add(prefix)
                    rows.append(expenditure_row(cells, unit.code, label(names[prefix].zh), sums(x for x in lines if x.code.startswith(prefix))))
            rows.append(expenditure_row((c[:3], c[3:5], c[5:]), unit.code, label(line.name), sums([line])))
    return rows


def class_totals(b: Budget) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in b.lines:
        totals[line.code[:3]] = totals.get(line.code[:3], 0) + sum(c for _, c in line.parts)
    return totals


def fiscal_grant_rows(b: Budget) -> list[str]:
    total = money(sums(b.lines)[0])
    by_class = class_totals(b)
    rows = []
    for position, (label, code) in enumerate(FISCAL_CLASSES):
        income = [c.format(total=total) for c in FISCAL_INCOME[position]] if position < len(FISCAL_INCOME) else ["", ""]
        amount = cell(by_class.get(code, 0))
        rows.append("\t".join([*income, label, amount, amount, amount, *[""] * 6]))
    rows.append("\t".join(["收入合计：", total, "支出合计", total, total, total, *[""] * 6]))
    return rows


def three_public_rows(b: Budget) -> list[str]:
    t = b.three_public
    return [
        f"项 目\t{b.year}年“三公”经费预算数",
        f"1、因公出国（境）费用\t{cell(t['overseas'])}",
        f"2、公务接待费\t{cell(t['reception'])}",
        f"3、公务用车费\t{cell(t['vehicles'])}",
        f"其中：（1）公务用车运行维护费\t{cell(t['vehicles'])}",
        "（2）公务车购置费\t",
    ]


INDICATORS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    # (一级 label printed at the block's start, 二级, ((三级, target), …)); "{staff}" etc. are filled per document
    ("产出", "数量指标", (("保障在职人员数", "{staff}人"), ("办理业务件数", "{cases}件"), ("开展培训次数", "{trainings}次"))),
    ("产出", "质量目标", (("资金使用合规率", "100%"), ("业务办结率", "≥98%"), ("设备验收合格率", "100%"))),
    ("产出", "时效指标", (("资金支付及时率", "100%"), ("项目完成时间", "{year}年12月底前"))),
    ("绩效", "成本指标", ()),  # one per task, its amount
    ("绩效", "经济效益", (("节约行政成本", "有效节约"),)),
    ("绩效", "社会效益", (("提升公共服务水平", "明显提升"), ("群众办事便利度", "有效提升"))),
    ("绩效", "生态效益", (("推进无纸化办公", "逐步推进"),)),
    ("绩效", "可持续发展影响指标", (("长效机制建设", "长期可持续"),)),
)


def indicator_rows(rng: random.Random, b: Budget) -> list[str]:
    staff = sum(u.staff for u in b.department.units)
    values = {"staff": staff, "cases": rng.randint(100, 5000), "trainings": rng.randint(2, 12), "year": b.year}
    rows = ["产出指标（预期提供的公共产品或服务）\t一级指标\t二级指标\t三级指标\t\t\t指标值\t"]
    for block, level2, pool in INDICATORS:
        if level2 == "成本指标":
            chosen = [(f"{name}经费", f"{money(cents)}万元") for name, _, cents in b.tasks]
        else:
            chosen = [(name, target.format(**values)) for name, target in rng.sample(pool, rng.randint(1, len(pool)))]
        for position, (name, target) in enumerate(chosen):
            lead = "年度 绩效 目标" if level2 == "成本指标" and position == 0 else ""
            level = level2 if position == 0 else ""
            rows.append(f"{lead}\t{level}\t{name}\t\t\t{target}\t" if block == "产出" else f"{lead}\t{level}\t{name}\t{target}\t\t\t")
    rows.append(f"\t满意度指标\t服务对象满意度指标\t办事群众满意度\t≥{rng.randint(90, 99)}%\t\t")
    rows.append(f"\t\t\t内部人员满意度\t≥{rng.randint(90, 99)}%\t\t")
    return rows


def performance_rows(b: Budget) -> list[str]:
    rng = random.Random(f"{b.department.code}:{b.year}:indicators")
    (head, head_phone), (contact, contact_phone) = b.people
    total, basic, wages, subsidies, goods, project, general, special, _, _ = sums(b.lines)
    staff = sum(u.staff for u in b.department.units)
    rows = [
        f"部门（单位）名称\t\t{b.department.name}\t\t\t预算编码\t{b.department.code}\t",
        f"单位 负责人\t{head}\t联系电话\t{head_phone}\t\t编制人数\t{staff}\t",
        f"单位 联系人\t{contact}\t联系电话\t{contact_phone}\t\t实有人数\t{staff - rng.randint(0, 2)}\t",
        "部门（单位） 职能\t\t\t\t\t\t\t",
        "年度 主要 工作 内容\t任务名称\t主要内容或用途\t\t部门财政规划金额\t\t计划实施 时间\t",
        "\t\t\t\t总金额\t财政资金\t\t其他资金",
    ]
    rows += [f"\t{name}\t{text}\t\t{money(c)}\t{money(c)}\t\t{b.year}年全年" for name, text, c in b.tasks]
    rows += [("年度 总体 目标" if i == 0 else "") + f"\t{name}\t{text}\t\t\t\t\t" for i, (name, text) in enumerate(b.goals)]
    rows += indicator_rows(rng, b)
    rows += [
        "整体目标设置说明\t\t\t\t\t\t",
        "单位年度收入预算（万元）\t\t\t\t\t\t",
        "收入 合计\t其中：\t\t\t\t\t",
        "\t上年结转\t公共财政预算拨款\t专户资金\t政府性基金\t事业收入(不含专户资金)\t经营收入",
        "",
        f"{money(total)}\t\t{money(total)}\t\t\t\t\t",
        "单位年度支出预算（万元）\t\t\t\t\t\t\t",
        "支出 合计\t其中：\t\t\t\t\t\t",
        "\t基本支出\t其中：\t\t\t项目支出\t其中\t",
        "人员支出\t\t日常公用支出\t\t专项项目支出\t\t一般性项目支出\t",
        "\t".join([money(total), cell(basic), cell(wages + subsidies), cell(goods), cell(project), cell(special), cell(general), ""]),
        "三公经费合计\t其中：\t\t\t\t\t\t",
        "\t公务接待费\t公务用车运维费\t公务用车购置费\t培训费\t因公出国费\t会议费\t",
        "固定资产（万元）\t\t\t\t\t\t\t",
        "固定资产合计\t其中：\t\t\t\t\t\t",
        "\t在用固定资产\t出租固定资产\t\t\t\t\t",
        "年度预算测算依据及说明\t\t\t\t\t\t\t",
        "参与目标设置人员\t\t\t\t\t\t\t",
        "姓名\t单位及职务\t\t\t联系电话\t备注\t\t",
        f"{head}\t负责人\t\t\t{head_phone}\t\t\t",
        f"{contact}\t工作人员\t\t\t{contact_phone}\t\t\t",
    ]
    return rows


def narrative(b: Budget) -> list[str]:
    """Part 2: the figures a reader checks against the tables. Shares are of the paragraph's first amount."""
    d, y = b.department, b.year
    total, basic, _, _, goods, project, _, _, _, _ = sums(b.lines)
    change = total - b.previous_total
    grew = change >= 0
    rate = percent(tenths_percent(abs(change), b.previous_total))
    more, up = ("增加", "增长") if grew else ("减少", "下降")
    moved = f"{more} {money(abs(change))} 万元，{up} {rate}%"
    classes = class_totals(b)
    class_names = functional_codes()
    spent = "；".join(
        f"{class_names[code].zh.removesuffix('支出')}{'(类)' if code == '201' else ''}支出 {money(cents)} 万元，占 {percent(tenths_percent(cents, total))}%"
        for code, cents in sorted(classes.items())
    )
    t = b.three_public
    three = sum(t.values())
    return [
        "一、收入支出预算总体情况说明",
        f"{d.short} {y} 年收入总计 {money(total)} 万元，支出总计 {money(total)} 万元，与 {y - 1} 年预算相比，收入{moved}。主要原因：{b.reason}；支出{moved}。主要原因：{b.reason}。",
        "二、收入预算总体情况说明",
        f"{d.short} {y} 年收入合计 {money(total)} 万元，其中：一般公共预算 {money(total)} 万元；政府性基金收入 0 万元；专户管理的教育收费 0 万元。",
        "三、支出预算总体情况说明",
        f"{d.short} {y} 年支出合计 {money(total)} 万元，其中：基本支出 {money(basic)} 万元，占 {percent(tenths_percent(basic, total))}%；项目支出 {money(project)} 万元，占 {percent(tenths_percent(project, total))}%。",
        "四、财政拨款收入支出预算总体情况说明",
        f"{d.short} {y} 年一般公共预算收支预算 {money(total)} 万元，政府性基金收支预算 0 万元。与 {y - 1} 年相比，一般公共预算收支预算{moved}，主要原因：{b.reason}；政府性基金收支预算增加 0 万元，增长 0%。",
        "五、一般公共预算支出预算情况说明",
        f"{d.short} {y} 年一般公共预算支出年初预算为 {money(total)} 万元。主要用于以下方面：{spent}。",
        "六、支出预算分类汇总表（按支出经济分类）",
        "按照《财政部关于印发<支出经济分类科目改革方案>的通知》（财预〔2017〕98号）要求，从 2018 年起全面实施支出经济分类科目改革，分设部门预算支出经济分类科目和政府预算支出经济分类科目，两套科目之间保持对应关系。",
        "七、“三公”经费支出预算情况说明",
        f"{d.short} {y} 年“三公”经费预算为 {money(three)} 万元。",
        "具体支出情况如下：",
        f"（一）因公出国（境）费 {money(t['overseas'])} 万元，主要用于单位工作人员公务出国（境）的住宿费、旅费、伙食补助费、杂费、培训费等支出。",
        f"（二）公务用车购置及运行费{money(t['vehicles'])}万元，其中，公务用车购置费0万元；公务用车运行维护费{money(t['vehicles'])}万元，主要用于开展工作所需公务用车的燃料费、维修费、过路过桥费、保险费等支出。",
        f"（三）公务接待费{money(t['reception'])}万元，主要用于按规定开支的各类公务接待（含外宾接待）支出。",
        "八、政府性基金预算支出预算情况说明",
        f"{d.short} {y} 年政府性基金预算支出年初预算为 0 万元。{d.short} {y} 年未使用政府性基金预算拨款安排的支出。",
        "九、国有资本经营预算支出预算情况说明",
        f"{d.short} {y} 年国有资本经营预算拨款安排的支出 0 万元。{d.short} {y} 年未使用国有资本经营预算拨款安排的支出。",
        "十、其他重要事项情况说明",
        "（一）机关运行经费支出情况",
        f"{d.short}{y}年机关运行经费支出预算{money(goods)}万元，主要保障机构正常运转及正常履职需要。",
        "（二）政府采购支出情况",
        f"{y}年政府采购预算安排0万元，其中：政府采购货物预算0万元、政府采购工程预算0万元、政府采购服务预算0万元。",
        "（三）绩效目标设置情况",
        f"{d.short}{y}年预算项目均按要求编制了绩效目标，从项目产出、项目效益、满意度等方面设置了绩效指标。",
    ]


def render(b: Budget, *, class_rows: bool = False) -> str:
    """One document as UTF-8 text, tables tab-separated, paragraphs separated by blank lines as in the seed."""
    d, y = b.department, b.year
    units = "、".join(u.name for u in d.units)
    blocks: list[list[str]] = [
        [f"{d.short} 部门 {y} 年度部门预算"],
        ["（合成样本：由 benchmarks/generate.py 生成，单位、人员和数字均为虚构，仅供测试和性能测量）"],
        [f"{y} 年 3 月"], ["目 录"],
        [f"第一部分 {d.short}概况", "一、主要职能", "二、机构设置及部门预算单位构成"],
        [f"第二部分 {d.short} {y} 年部门预算情况说明", "第三部分 名词解释", f"附件：{d.short} {y} 年部门预算表"],
        list(CONTENTS),
        ["第一部分", f"{d.name}概况", f"一、{d.name}主要职责"],
        [f"（{'一二三四五六七'[i]}）{duty}" for i, duty in enumerate(DUTIES)],
        [f"二、{d.name}机构设置及部门预算单位构成", f"{d.short}部门预算包括机关本级预算和所属单位预算。"],
        [f"{i}.{u.name}" for i, u in enumerate(d.units, start=1)],
        ["第二部分", f"{d.short} {y} 年部门预算情况说明"],
        narrative(b),
        ["第三部分", "名词解释", *TERMS],
        [f"附件：{d.short} {y} 年部门预算表"],
        [f"{y}年部门支出总体情况表", f"单位名称：{units}", "单位：万元"],
        [*(h.format(label="单位（科目名称）", total="总计", sub="小计", special="专项项目") for h in EXPENDITURE_HEADER),
         *expenditure_rows(b, ascii_brackets=False, class_rows=False)],
        [f"{y}年财政拨款收支总体情况表", "单位：万元"],
        [*FISCAL_HEADER, *fiscal_grant_rows(b)],
        [f"{y}年一般公共预算支出情况表", "单位：万元"],
        [*(h.format(label="单位名称(科目)", total="总 计", sub="合计", special="专项资金") for h in EXPENDITURE_HEADER),
         "**\t**\t**\t**\t**\t" + "\t".join(str(n) for n in range(1, 11)),
         *expenditure_rows(b, ascii_brackets=True, class_rows=class_rows)],
        [f"{y}年一般公共预算“三公”经费支出情况表", "单位：万元"],
        three_public_rows(b),
        [f"{y}年政府性基金支出情况表", "单位：万元"],
        [h.format(label="单位（科目名称）", total="总计", sub="小计", special="专项资金") for h in EXPENDITURE_HEADER],
        [f"{y}年国有资本经营预算支出情况表", "单位：万元"],
        [h.format(label="单位（科目名称）", total="总计", sub="小计", special="专项资金") for h in EXPENDITURE_HEADER],
        [f"{d.district.name}部门（单位）整体支出绩效目标申报审批表", f"（ {y} 年）", "单位：万元"],
        performance_rows(b),
        ["预算12表", f"{y}年机关运行经费", "单位名称", "单位：万元"],
        ["科目编码\t科目名称\t机关运行经费支出", "*\t*\t1", f"\t合计\t{money(sum(c for _, _, c in b.operating_costs))}",
         *(f"{code}\t{name}\t{money(c)}" for code, name, c in b.operating_costs)],
    ]
    # Prose and titles are separated by blank lines, table bodies are not (as text extracted from the PDF).
    out: list[str] = []
    for block in blocks:
        tabular = any("\t" in line for line in block)
        out.extend(block if tabular else [line for text in block for line in (text, "")])
        if tabular:
            out.append("")
    return "\n".join(out) + "\n"


def file_name(b: Budget) -> str:
    return f"synthetic-{b.department.district.code}-{b.department.code}-{b.year}-budget.txt"


def documents(seed: int, *, class_rows: bool = False) -> Iterator[tuple[str, str]]:
    """(file name, text) of document 0, 1, 2, …"""
    for index in counting():
        b = budget(seed, index)
        yield file_name(b), render(b, class_rows=class_rows)


def write_documents(folder: Path, count: int, seed: int, *, class_rows: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for (name, text), _ in zip(documents(seed, class_rows=class_rows), range(count)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# ---- RDF: budgetgraph's own mapping, as one N-Quads file ------------------------------------------------

def graphs_of(path: Path, base: str) -> tuple[str, dict[str, bytes]]:
    """What ``pipeline.ingest`` would load for this file, validation report aside: the name of the document's
    own graph, and that graph with the shared entity and code-list graphs and the ontology, as N-Triples."""
    mapped = map_document(read_document(path), base)
    graphs = {str(name): data for name, data in mapped.ntriples().items()} | {str(ONTOLOGY_GRAPH): ontology_ntriples()}
    return str(mapped.graph_name), graphs


def write_quads(out: BinaryIO, graphs: dict[str, bytes], written: set[str]) -> int:
    """Append the graphs as N-Quads, each shared graph (entities, code lists, ontology) once; the quads written."""
    quads = 0
    for name, data in graphs.items():
        if name in written:
            continue
        written.add(name)
        suffix = f"<{name}> .\n".encode()
        for line in data.splitlines():
            if line.strip():
                out.write(line.rstrip()[:-1] + suffix)  # "<s> <p> <o> ." → "<s> <p> <o> <g> ."
                quads += 1
    return quads


def document_graphs(seed: int, index: int, base: str) -> tuple[str, dict[str, bytes]]:
    """``graphs_of`` document ``index``, its text written to a temporary file first."""
    b = budget(seed, index)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / file_name(b)
        path.write_text(render(b), encoding="utf-8")
        return graphs_of(path, base)


def mapped_documents(seed: int, base: str, workers: int) -> Iterator[tuple[str, dict[str, bytes]]]:
    """``document_graphs`` of documents 0, 1, 2, … in order, mapped by ``workers`` processes (documents are
    independent), a batch at a time."""
    batch = 16 * workers
    work = partial(document_graphs, seed, base=base)
    with ProcessPoolExecutor(workers) as pool:
        for start in counting(step=batch):
            yield from pool.map(work, range(start, start + batch), chunksize=4)


def write_nquads(target: Path, *, count: int | None, quads: int | None, seed: int, base: str, workers: int, index: Path | None = None) -> tuple[int, int]:
    """Documents 0, 1, … mapped and appended to ``target`` until ``count`` documents or ``quads`` quads;
    returns (documents, quads). ``index`` gets a line per document: the byte range of its quads in ``target``
    (its own graph and the shared graphs it was the first to name) and the name of its own graph."""
    written: set[str] = set()
    total = 0
    with target.open("wb") as out, (index.open("w", encoding="utf-8") if index else open(os.devnull, "w")) as ranges:
        for number, (own, graphs) in enumerate(mapped_documents(seed, base, workers), start=1):
            start = out.tell()
            total += write_quads(out, graphs, written)
            ranges.write(f"{start}\t{out.tell()}\t{own}\n")
            if (count is not None and number >= count) or (quads is not None and total >= quads):
                return number, total
    raise AssertionError("unreachable: mapped_documents() is endless")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--count", type=int, help="number of documents")
    parser.add_argument("--out", type=Path, help="folder for the text documents")
    parser.add_argument("--class-rows", action="store_true", help="print 类 and 款 rows in the 一般公共预算支出情况表 too")
    parser.add_argument("--nquads", type=Path, help="write the documents' RDF as one N-Quads file instead")
    parser.add_argument("--quads", type=int, help="with --nquads: stop once this many quads are written")
    parser.add_argument("--base", default="http://127.0.0.1:8000/")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="with --nquads: processes mapping documents (default: one per core)")
    args = parser.parse_args()
    if args.nquads:
        if args.count is None and args.quads is None:
            parser.error("--nquads needs --count or --quads")
        documents_written, quads = write_nquads(args.nquads, count=args.count, quads=args.quads, seed=args.seed, base=args.base, workers=args.workers)
        print(f"{args.nquads}: {quads:,} quads from {documents_written:,} documents")
    elif args.out and args.count:
        paths = write_documents(args.out, args.count, args.seed, class_rows=args.class_rows)
        print(f"{args.out}: {len(paths)} documents")
    else:
        parser.error("give --out and --count, or --nquads with --count or --quads")


if __name__ == "__main__":
    main()
