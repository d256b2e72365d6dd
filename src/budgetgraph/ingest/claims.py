"""The claims of the explanatory text: each figure a sentence states (an amount, a change, a growth rate, a share,
a completion rate), each comparison in words (大于, 小于, 持平) and each statement of absence (无…经费, 空表), tied to
the amounts it is relative to and to the table line it is about, so that validation can check it."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from budgetgraph.ingest.sentences import states_figure
from budgetgraph.ingest.subjects import function_line, reference
from budgetgraph.records import Claim, ClaimKind, Phase, Row, Sentence, Table, TableKind, TableReference

NUMBER = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
# A comparison base: 比2024年预算, 与2023年度相比, 较上年.
BASE_WORDS = r"(?:比|与|较|同)\s*(?:上年度?|(?P<base_year>\d{4})\s*年度?)\s*(?P<base_phase>预算|执行数|决算|实际)?数?(?:相比较?|比较)?"
BASE = re.compile(BASE_WORDS)
TOKEN = re.compile(
    rf"(?P<completion_word>完成(?:年初|全年|调整)?预算(?:数)?的?)\s*(?P<completion>{NUMBER})\s*%"
    rf"|(?P<change_word>增加|减少|增长|下降|降低|上升)\s*(?P<delta>{NUMBER})\s*(?P<delta_unit>亿元|万元|元|%)"
    rf"|占(?P<whole>[^，。；：%\d]{{0,16}}?)的?\s*(?P<share>{NUMBER})\s*%"
    rf"|(?P<base>{BASE_WORDS})"
    rf"|(?P<relation>基本持平|大体持平|持平|大于|小于|等于|高于|低于)"
    rf"|(?P<amount>{NUMBER})\s*(?P<unit>亿元|万元|元)(?![/／])"
    r"|(?P<absence>(?:无|未安排|没有|未使用))(?P<absent>[^，。；无]{0,30}?(?:支出|经费|预算|收入|数据))"
    r"|(?P<empty>空表|本表无数据)"
)
CLAUSE_START = re.compile(r".*[，；：。、,;:]")
# The words that open many subjects and say nothing about what is counted.
NOISE = re.compile(r"^(?:\d+\s*[.、．]|[（(][一二三四五六七八九十]+[）)]|其中|主要用于以下方面|\s|截至.*?日|本(?:部门|单位)|，)+")
# A sentence's opening up to its year: the department, short or long, that many subjects start with.
UP_TO_YEAR = re.compile(r"^[^，。；：]*?\d{4}\s*年度?")
PHASE_WORDS = (
    (re.compile(r"(?:(?:年初|调整|全年)预算|预算数)(?:为|是)?$|预算(?:为|是)$"), Phase.BUDGET),
    (re.compile(r"决算(?:数)?(?:为|是)?$"), Phase.FINAL_ACCOUNTS),
)
RELATIONS = {"高于": "大于", "低于": "小于", "大体持平": "基本持平"}
ABSENT_TABLES = (
    ("三公", TableKind.THREE_PUBLIC),
    ("政府性基金", TableKind.GOVERNMENT_FUND_EXPENDITURE),
    ("国有资本经营", TableKind.STATE_CAPITAL_EXPENDITURE),
    ("机关运行经费", TableKind.OPERATING_COSTS),
)


class ClaimReader:
    """Reads the sentences of one document, in order: a claim may refer to one read before it."""

    def __init__(self, tables: tuple[Table, ...], fiscal_year: int, phase: Phase, department: str) -> None:
        self.tables = tables
        self.fiscal_year = fiscal_year
        self.phase = phase
        self.department = department
        self.rows: list[Row] = [row for table in tables for row in table.rows]
        self.claims: list[Claim] = []
        self.paragraph_start = 0
        self.paragraph_line: tuple[str, str | None, str | None] | None = None  # a per-line 说明's subject, code, former name

    def read(self, sentences: list[Sentence], notes: dict[int, int]) -> tuple[Claim, ...]:
        """Claims of each sentence; ``notes`` maps the index of a sentence printed under a table to its number."""
        for index, sentence in enumerate(sentences):
            if index and sentence.location != sentences[index - 1].location:
                self.paragraph_start, self.paragraph_line = len(self.claims), None
            self._sentence(index, sentence, notes.get(index))
        return tuple(self.claims)

    def _sentence(self, index: int, sentence: Sentence, table: int | None) -> None:
        text = sentence.text
        matches = list(TOKEN.finditer(text))
        if not any(m["amount"] for m in matches) and (line := self._named_line(text)):
            self.paragraph_line = line  # 1、一般公共服务支出（类）财政事务（款）行政运行（项）。 opens a line's 说明
        amount_subject = ""
        base_year: int | None = None
        base_phase: str | None = None
        for match in matches:
            if match["base"]:
                base_year = int(match["base_year"]) if match["base_year"] else self.fiscal_year - 1
                base_phase = match["base_phase"]
                continue
            subject = self._subject(text[: match.start()]) or amount_subject
            claim = self._claim(match, subject, amount_subject, index, table, base_year)
            if claim is None or (claim.kind is ClaimKind.ABSENCE and any(c.sentence == index and c.kind is ClaimKind.ABSENCE for c in self.claims[-3:])):
                continue
            if claim.kind in (ClaimKind.CHANGE, ClaimKind.GROWTH, ClaimKind.RELATION) and base_year is not None:
                claim = replace(claim, base_year=base_year, base_phase=base_phase)
            if claim.kind is ClaimKind.AMOUNT:
                amount_subject = claim.subject
            self.claims.append(claim)

    def _named_line(self, text: str) -> tuple[str, str | None, str | None] | None:
        code, former = function_line(text, self.rows)
        return (NOISE.sub("", text).strip("。"), code, former) if code else None

    def _claim(self, match: re.Match[str], subject: str, amount_subject: str, index: int, table: int | None, base_year: int | None) -> Claim | None:
        words, start = match.group(0), match.start()
        if match["amount"]:
            return self._amount(match, subject, amount_subject, index)
        if match["change_word"]:
            sign = -1 if match["change_word"] in ("减少", "下降", "降低") else 1
            value = sign * Decimal(match["delta"].replace(",", ""))
            if match["delta_unit"] == "%":
                change = self._latest(ClaimKind.CHANGE)
                current = None if change is None else self.claims[change].part
                about = self.claims[change].subject if change is not None else subject
                return Claim(ClaimKind.GROWTH, about, index, words, start, value, "%", base=change, part=current)
            return Claim(ClaimKind.CHANGE, subject, index, words, start, value, match["delta_unit"], part=self._current(subject))
        if match["share"]:
            part = self._latest(ClaimKind.AMOUNT)
            whole = self._whole(match["whole"], part)
            if part is None or whole is None:
                return None
            return Claim(ClaimKind.SHARE, self.claims[part].subject, index, words, start, Decimal(match["share"]), "%", base=whole, part=part)
        if match["completion"]:
            budget, outturn = self._budget_and_outturn(subject)
            return Claim(ClaimKind.COMPLETION, subject, index, words, start, Decimal(match["completion"]), "%", base=budget, part=outturn)
        if match["relation"]:
            relation = RELATIONS.get(match["relation"], match["relation"])
            budget, outturn = self._budget_and_outturn(subject) if base_year is None else (None, None)
            return Claim(ClaimKind.RELATION, subject, index, words, start, relation=relation, base=budget, part=outturn)
        if match["absence"] or match["empty"]:
            return self._absence(match, index, table)
        return None

    def _amount(self, match: re.Match[str], subject: str, amount_subject: str, index: int) -> Claim:
        """An amount: of the phase its words name (年初预算为, 决算为), about what they name, else about the subject
        of the amount before it in the sentence (…年初预算为X万元，支出决算为Y万元) or of the line's 说明."""
        phase = next((p for pattern, p in PHASE_WORDS if pattern.search(subject)), None)
        subject = _strip_phase(subject)
        code, former = function_line(subject, self.rows)
        if not subject or subject == amount_subject:
            subject = _strip_phase(amount_subject)
            code, former = function_line(subject, self.rows)
        if (not subject or code is None and reference(subject, (phase or self.phase, self.phase), None, self.tables) is None) and self.paragraph_line:
            subject, code, former = self.paragraph_line
        about = reference(subject, (phase or self.phase, self.phase), code, self.tables)
        value = Decimal(match["amount"].replace(",", ""))
        return Claim(ClaimKind.AMOUNT, subject, index, match.group(0), match.start(), value, match["unit"], phase=phase, function_code=code, former_name=former, about=about)

    def _subject(self, before: str) -> str:
        """The words of the clause before a figure, less its opening noise and any comparison base (比2023年度);
        empty when the clause starts with the figure (…，占 42.1%)."""
        if found := CLAUSE_START.match(before):
            before = before[found.end():]
        before = BASE.sub("", before)
        for name in (self.department, "本部门", "本单位"):
            if name:
                before = before.replace(name, "")
        return NOISE.sub("", UP_TO_YEAR.sub("", NOISE.sub("", before))).strip("：:，,；;。 为")

    @property
    def _paragraph(self) -> range:
        return range(self.paragraph_start, len(self.claims))

    def _latest(self, kind: ClaimKind) -> int | None:
        return next((i for i in reversed(self._paragraph) if self.claims[i].kind is kind), None)

    def _current(self, subject: str) -> int | None:
        """The amount a change is about: the paragraph's latest with the change's subject, else whose subject shares
        its last words or first two characters (收入增加 → 收入总计), else its latest amount."""
        amounts = [i for i in self._paragraph if self.claims[i].kind is ClaimKind.AMOUNT]
        key = subject[-4:]
        chosen = next((i for i in reversed(amounts) if self.claims[i].subject == _strip_phase(subject)), None)
        chosen = chosen if chosen is not None else next((i for i in reversed(amounts) if key and self.claims[i].subject.endswith(key)), None)
        chosen = chosen if chosen is not None else next((i for i in amounts if subject[:2] and self.claims[i].subject[:2] == subject[:2]), None)
        return chosen if chosen is not None else (amounts[-1] if amounts else None)

    def _whole(self, named: str, part: int | None) -> int | None:
        """A share's whole: the latest amount it names (占本年支出合计的…), else the paragraph's first amount."""
        named = re.sub(r"^本年", "", named.strip())
        if named:
            return next((i for i in range(len(self.claims) - 1, -1, -1) if self.claims[i].kind is ClaimKind.AMOUNT and self.claims[i].subject.endswith(named)), None)
        first = next((i for i in self._paragraph if self.claims[i].kind is ClaimKind.AMOUNT), None)
        return first if first != part else None

    def _budget_and_outturn(self, subject: str) -> tuple[int | None, int | None]:
        """The amounts a completion rate or a 大于/小于 relates: the paragraph's latest outturn about what the
        subject names (else its latest amount), and the latest 预算 amount before it about the same."""
        amounts = [i for i in self._paragraph if self.claims[i].kind is ClaimKind.AMOUNT]
        named = reference(_strip_phase(subject), (self.phase, self.phase), function_line(subject, self.rows)[0], self.tables)
        wanted = _key(named) if named else None
        outturns = [i for i in amounts if self.claims[i].phase is not Phase.BUDGET and (wanted is None or _key(self.claims[i].about) == wanted)]
        if not outturns:
            return None, None
        outturn = outturns[-1]
        budget = next((i for i in reversed(amounts) if i < outturn and self.claims[i].phase is Phase.BUDGET and _same_subject(self.claims[i], self.claims[outturn])), None)
        return budget, outturn

    def _absence(self, match: re.Match[str], index: int, table: int | None) -> Claim | None:
        """无…经费 about a table the document prints; a note under a table (故本表为空表) is about that table."""
        said = match["absent"] or ""
        if table is not None:
            found = next(t for t in self.tables if t.number == table)
            return Claim(ClaimKind.ABSENCE, found.title, index, match.group(0), match.start(), about=TableReference(found.number, None, _first_measure(found)))
        for name, kind in ABSENT_TABLES:
            if name in said:
                found = next((t for t in self.tables if t.kind is kind), None)
                about = TableReference(found.number, None, _first_measure(found)) if found else None
                return Claim(ClaimKind.ABSENCE, said, index, match.group(0), match.start(), about=about)
        return None


def _key(reference: TableReference | None) -> tuple[int, str] | None:
    return None if reference is None else (reference.table, reference.measure)


def _same_subject(one: Claim, other: Claim) -> bool:
    return one.subject == other.subject or one.function_code is not None and one.function_code == other.function_code


def _first_measure(table: Table) -> str:
    return next((cell.measure for row in table.rows for cell in row.cells), "total")


def _strip_phase(subject: str) -> str:
    return re.sub(r"(年初预算|调整预算|预算数|决算数|支出决算|决算)?(为|是)?$", "", subject)


def _last(claims: list[Claim], kind: ClaimKind) -> Claim | None:
    return next((claim for claim in reversed(claims) if claim.kind is kind), None)


def unread(sentences: tuple[Sentence, ...], claims: tuple[Claim, ...]) -> list[int]:
    """Indexes of the sentences that state a figure but yielded no claim: kept as text, never guessed at."""
    read = {claim.sentence for claim in claims}
    return [i for i, sentence in enumerate(sentences) if states_figure(sentence) and i not in read]
