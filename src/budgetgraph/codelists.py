"""The reference code lists budgetgraph ships: functional and economic classification (department and
government budget schemes, with their correspondence), districts."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from budgetgraph.normalise import key
from budgetgraph.resources import resource

FUNCTIONAL_EDITION = 2021


@dataclass(frozen=True)
class Code:
    """A code and its names; ``checked`` is false for a row marked "transcribed" in its table (SOURCE.md): written
    from our knowledge of the classification, not confirmed by a published table we hold."""

    code: str
    zh: str
    en: str
    checked: bool = True

    @property
    def parent(self) -> str | None:
        """类 > 款 > 项: functional 201 > 20103 > 2010301; economic 302 > 30201."""
        return self.code[:-2] if len(self.code) > 3 else None


@dataclass(frozen=True)
class District:
    code: str
    name: str
    city: str
    province: str


def _read(name: str) -> list[dict[str, str]]:
    with resource("reference", name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _codes(name: str) -> dict[str, Code]:
    return {r["code"]: Code(r["code"], r["zh"], r["en"], r.get("source") != "transcribed") for r in _read(name)}


@cache
def functional_codes() -> dict[str, Code]:
    return _codes("functional-classification.csv")


@cache
def economic_codes() -> dict[str, Code]:
    """部门预算支出经济分类 (301 …)."""
    return _codes("economic-classification.csv")


@cache
def government_economic_codes() -> dict[str, Code]:
    """政府预算支出经济分类 (501 …)."""
    return _codes("government-economic-classification.csv")


@dataclass(frozen=True)
class Correspondence:
    """A 部门预算 economic code and the 政府预算 economic code it is reported under (财预〔2017〕98号, 附表1).
    ``body`` says when the pair depends on who spends: "机关" rows hold for 行政单位 (and 参公 units),
    "事业单位" rows for the subsidies a 事业单位 receives; an empty body holds for any spender."""

    department: str
    government: str
    body: str

    @property
    def for_public_institutions(self) -> bool:
        return self.body == "事业单位"


@cache
def economic_correspondence() -> tuple[Correspondence, ...]:
    return tuple(Correspondence(r["department"], r["government"], r["body"]) for r in _read("economic-correspondence.csv"))


@cache
def districts() -> dict[str, District]:
    return {r["code"]: District(r["code"], r["name"], r["city"], r["province"]) for r in _read("districts.csv")}


def find_district(text: str) -> District | None:
    """The district a title or heading names, by city and district name ("洛阳市西工区", or "西工区" alone when
    no other district has that name). A name inside a longer matching name does not count (城区 in 西城区)."""
    matches = [d for d in districts().values() if d.name in text]
    matches = [d for d in matches if not any(d.name != other.name and d.name in other.name for other in matches)]
    with_city = [d for d in matches if d.city and d.city in text]
    chosen = with_city or matches
    return chosen[0] if len(chosen) == 1 else None


def find_city(text: str) -> District | None:
    """A prefecture-level city a city department's title names ("桂林市司法局"), for documents of no county-level
    division: its GB/T 2260 code is its divisions' common prefix and "00" (450300), its district name empty. Only
    when exactly one city is named and no district or county after it; a municipality (重庆市) is a city too."""
    cities: dict[str, District] = {}
    for d in districts().values():
        if d.city and d.city.endswith("市") and d.city in text:
            cities.setdefault(d.city, District(d.code[:4] + "00", "", d.city, d.province))
    named = [c for c in cities.values() if not any(c.city != o.city and c.city in o.city for o in cities.values())]
    if len(named) != 1:
        return None
    # a district or county named after the city that the gazetteer lacks (created since, "南通市海门区") is refused,
    # not taken for the city
    if re.search(re.escape(named[0].city) + r"[\u4e00-\u9fff]{1,6}?[区县旗]", text):
        return None
    return named[0]


def find_province(text: str) -> District | None:
    """A province a provincial department's title names ("江苏省人民检察院"), for documents of no city or county:
    its GB/T 2260 code is its divisions' first two digits and "0000" (320000), its city and district names
    empty. Only when exactly one province is named, and no city or county after it (a division the gazetteer
    lacks is refused, not taken for its province); a municipality (北京市) is found as a city first."""
    provinces = {d.province: District(d.code[:2] + "0000", "", "", d.province) for d in districts().values() if d.province in text}
    if len(provinces) != 1:
        return None
    (province,) = provinces.values()
    return None if re.search(re.escape(province.province) + r"[\u4e00-\u9fff]{0,6}?[市区县旗盟州]", text) else province


def _stem(name: str) -> str:
    """A 类 name without its enumerator and the suffixes tables add or drop: "一、一般公共服务(类)支出"."""
    name = re.sub(r"^[一二三四五六七八九十百]+、", "", key(name))
    return re.sub(r"(\(类\))?(支出)?$", "", name)


def _subsequence(short: str, long: str) -> bool:
    remaining = iter(long)
    return all(char in remaining for char in short)


# 类 names of the editions before 2019 that the shipped (2021) edition renamed beyond a loose match
# (resources/reference/SOURCE.md, "Versions"); 207 文化体育与传媒 still matches 文化旅游体育与传媒 loosely.
FORMER_CLASS_NAMES = {"医疗卫生与计划生育": "210", "国土海洋气象等": "220"}


def class_code_for_name(name: str, *, exact: bool = False) -> str | None:
    """The functional 类 a printed name means: exact after trimming (a former name too), else the one name that
    contains the other as a subsequence ("资源勘探信息等" is 215 资源勘探工业信息等支出)."""
    stem = _stem(name)
    classes = {c.code: _stem(c.zh) for c in functional_codes().values() if len(c.code) == 3}
    if matches := [code for code, zh in classes.items() if zh == stem]:
        return matches[0]
    if stem in FORMER_CLASS_NAMES:
        return FORMER_CLASS_NAMES[stem]
    if exact:
        return None
    loose = [code for code, zh in classes.items() if stem and (_subsequence(stem, zh) or _subsequence(zh, stem))]
    return loose[0] if len(loose) == 1 else None


@dataclass(frozen=True)
class Alignment:
    """A functional 类 matched to a COFOG division (skos:closeMatch, broadMatch or relatedMatch)."""

    class_code: str
    division: str
    relation: str


@cache
def cofog_divisions() -> dict[str, Code]:
    return _codes("cofog.csv")


@cache
def cofog_alignment() -> tuple[Alignment, ...]:
    return tuple(Alignment(r["class"], r["division"], r["relation"]) for r in _read("cofog-alignment.csv"))
