"""The claims of the explanatory text, read from real documents and checked against their tables.

Each real document's sentences that state a figure, with the claims read from each and the sentences left unread,
are listed in a golden file under tests/golden/claims/ (checked by eye; rewrite with BUDGETGRAPH_GOLDEN=1). Errors
planted one at a time in the text of real documents must each be reported, with its place and its figures."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from budgetgraph.ingest.claims import unread
from budgetgraph.ingest.document import parse_text_lines, read_document
from budgetgraph.ingest.pdf import read_pdf
from budgetgraph.ingest.sentences import states_figure
from budgetgraph.ingest.text import split_lines
from budgetgraph.mapping import map_document
from budgetgraph.records import BudgetDocument, Claim, SourceFile
from budgetgraph.validation import validate
from conftest import BASE, CORPUS, ROOT, SEED, needs_corpus

GOLDEN = Path(__file__).parent / "golden" / "claims"
SHAPES = "https://w3id.org/budgetgraph/shapes#"
PUTUO_BUDGET = CORPUS / "putuo-govoffice-2025-budget-dept.pdf"
PUTUO_FINAL = CORPUS / "putuo-finance-2024-final-dept.pdf"
REAL = sorted([*CORPUS.glob("*.pdf"), SEED, *(ROOT / "data" / "real").glob("*.html"), *(ROOT / "tests" / "data" / "real").glob("*.html")])


def listing(doc: BudgetDocument) -> str:
    """Per sentence that states a figure: its place, section and text, then each claim read from it."""
    by_sentence: dict[int, list[tuple[int, Claim]]] = {}
    for index, claim in enumerate(doc.claims):
        by_sentence.setdefault(claim.sentence, []).append((index, claim))
    left = set(unread(doc.sentences, doc.claims))
    lines = [f"# {doc.source.name}: {len(doc.sentences)} sentences, {len(doc.claims)} claims, {len(left)} sentences stating a figure left unread"]
    for number, sentence in enumerate(doc.sentences):
        if number not in by_sentence and not states_figure(sentence):
            continue
        place = f"page {sentence.location.page}, line {sentence.location.line}" if sentence.location.page else f"line {sentence.location.line}"
        lines.append(f"\n[{place}] {sentence.section}\n  {sentence.text}")
        lines += [f"    {index}: {_claim(claim, doc)}" for index, claim in by_sentence.get(number, [])]
        if number in left:
            lines.append("    UNREAD")
    return "\n".join(lines) + "\n"


def _claim(claim: Claim, doc: BudgetDocument) -> str:
    parts = [claim.kind.value, claim.subject]
    if claim.value is not None:
        parts.append(f"{claim.value}{claim.unit}")
    for label, value in (("phase", claim.phase and claim.phase.value), ("relation", claim.relation), ("base year", claim.base_year),
                         ("base phase", claim.base_phase), ("relative to", claim.base), ("part", claim.part), ("code", claim.function_code),
                         ("former name", claim.former_name)):
        if value is not None:
            parts.append(f"{label} {value}")
    if claim.about is not None:
        table = next(t for t in doc.tables if t.number == claim.about.table)
        row = claim.about.row
        printed = "printed blank" if row is None else f"row {row.number} {row.label} = {row.amount(claim.about.measure)} {table.unit}"
        parts.append(f"about table {table.number} {claim.about.measure}: {printed}")
    return " | ".join(parts)


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_every_figure_of_the_explanation_is_listed_with_its_claims(path: Path) -> None:
    if not path.exists():
        pytest.skip("corpus not available")
    golden = GOLDEN / f"{path.name}.txt"
    text = listing(read_document(path))
    if os.environ.get("BUDGETGRAPH_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


CLEAN = [p for p in REAL if p.name != SEED.name and p.name != PUTUO_FINAL.name]  # the seed's text errors: test_validation


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_documents_get_no_finding_about_their_text(path: Path) -> None:
    if not path.exists():
        pytest.skip("corpus not available")
    findings = validate(map_document(read_document(path), BASE)).findings
    assert [f.message for f in findings if "Claim" in f.shape] == []


@needs_corpus
def test_the_final_accounts_text_errors_are_found() -> None:
    """The corpus 决算 misstates two figures of its text: 财政拨款收入支出总计 (0.3万元, where its table prints
    2961.68) and 一般公共服务支出's share (71.73%, where 2106.66 / 2940.05 is 71.65%)."""
    findings = [f for f in validate(map_document(read_document(PUTUO_FINAL), BASE)).findings if "Claim" in f.shape]
    assert [(f.shape.removeprefix(SHAPES), f.published, f.derived) for f in findings] == [
        ("ClaimAmountShape", "0.3", "2961.7"),
        ("ClaimShareShape", "71.73", "71.65"),
    ]
    assert findings[0].section == "第三部分上海市普陀区财政局年度部门决算情况 > 四、财政拨款收入支出决算总体情况说明"


# (document, words as printed, words planted, shape that must report it, what its message must say)
PLANTED = [
    (PUTUO_BUDGET, "科目1,202.95万元", "科目1,212.95万元", "ClaimAmountShape", ["(page 6, line 6)", "1212.95 万元", "12029501.84 元", "1202.95 万元"]),
    (PUTUO_BUDGET, "政府性基金拨款支出预算0万元", "政府性基金拨款支出预算15万元", "ClaimAmountShape", ["15 万元", "(printed blank)"]),
    (PUTUO_BUDGET, "收入预算9,101.68万元，其中：财政拨款收入9,101.68万元，比2024年", "收入预算9,101.68万元，其中：财政拨款收入9,101.68万元，比2023年", "ClaimBaseYearShape", ["compares with 2023", "a 2025 document compares with 2024"]),
    (PUTUO_BUDGET, "2025年“三公”经费预算数为867.50万元，与2024年预算持平。", "2025年本部门无“三公”经费预算。", "ClaimAbsenceShape", ["无“三公”经费预算", "prints 867.5 万元"]),
    (PUTUO_BUDGET, "“卫生健康支出-行政事业单位医疗-行政单位医疗”", "“医疗卫生与计划生育支出-行政事业单位医疗-行政单位医疗”", "ClaimFormerNameShape", ["(page 7, line 1)", "类 210 医疗卫生与计划生育", "卫生健康支出"]),
    (PUTUO_FINAL, "下降1.87%", "下降1.97%", "ClaimGrowthShape", ["(page 21, line 5)", "-1.97%", "-56.95 / (2995.39 − -56.95) = -1.87%"]),
    (PUTUO_FINAL, "占79.49%", "占78.49%", "ClaimShareShape", ["(page 21, line 9)", "基本支出 占 78.49%", "2336.91 / 2940.05 = 79.49%"]),
    (PUTUO_FINAL, "完成年初预算的98.20%", "完成年初预算的96.20%", "ClaimCompletionShape", ["(page 21, line 21)", "96.2%", "2940.05 / 2993.92 = 98.2%"]),
    (PUTUO_FINAL, "支出决算为1511.89万元。决算数小于预算数", "支出决算为1511.89万元。决算数大于预算数", "ClaimRelationShape", ["(page 22, line 1)", "says 大于", "1511.89 against a budget of 1560.05"]),
    (PUTUO_FINAL, "支出决算为135.25万元。决算数小于预算数", "支出决算为135.25万元。决算数与预算数持平", "ClaimRelationShape", ["(page 22, line 3)", "says 持平", "135.25 against a budget of 135.9"]),
    (PUTUO_FINAL, "一般公共预算财政拨款基本支出2336.91万元", "一般公共预算财政拨款基本支出2363.91万元", "ClaimAmountShape", ["(page 23, line 2)", "2363.91 万元", "prints 2336.91 万元"]),
    (PUTUO_FINAL, "无国有资本经营预算财政拨款收入和支出。", "国有资本经营预算财政拨款支出12.00万元。", "ClaimAmountShape", ["12 万元", "(printed blank)"]),
    (SEED, "一般公共预算支出年初预算为 435.02 万元", "一般公共预算支出年初预算为 453.02 万元", "ClaimRestatedShape", ["(line 113)", "435.02 万元", "line 119 states the same line as 453.02 万元"]),
    (SEED, "与 2020 年相比，一般公共预算收支预算增加", "与 2019 年相比，一般公共预算收支预算增加", "ClaimBaseYearShape", ["(line 113)", "compares with 2019"]),
]


@pytest.mark.parametrize(("path", "old", "new", "shape", "said"), PLANTED, ids=[f"{p[0].name}:{p[3]}:{p[2][:12]}" for p in PLANTED])
def test_a_planted_error_in_a_real_document_is_reported(path: Path, old: str, new: str, shape: str, said: list[str]) -> None:
    if not path.exists():
        pytest.skip("corpus not available")
    clean = {f.message for f in validate(map_document(read_document(path), BASE)).findings}
    added = [f for f in validate(map_document(_planted(path, old, new), BASE)).findings if f.message not in clean]
    reported = [f.message for f in added if f.shape == SHAPES + shape]
    assert reported, f"{shape} did not report {new!r}: {[f.message for f in added]}"
    assert any(all(words in message for words in said) for message in reported), reported


def _planted(path: Path, old: str, new: str) -> BudgetDocument:
    """The document with ``old`` replaced by ``new`` in its text: in a PDF, in the one extracted line that holds
    it, as if the PDF had been printed with the error."""
    data = path.read_bytes()
    source = SourceFile(str(path), path.name, "planted", "application/pdf" if path.suffix == ".pdf" else "text/plain")
    if path.suffix != ".pdf":
        text = data.decode("utf-8")
        assert text.count(old) == 1
        return parse_text_lines(split_lines(text.replace(old, new)), source)
    lines = read_pdf(data, path.name)
    holding = [i for i, line in enumerate(lines) if old in line.text]
    assert len(holding) == 1, f"{old!r} is on {len(holding)} lines"
    line = lines[holding[0]]
    lines[holding[0]] = replace(line, cells=tuple(cell.replace(old, new) for cell in line.cells))
    assert new in lines[holding[0]].text, "the words to replace span cells"
    return parse_text_lines(lines, source)
