"""Malformed input, drawn by hypothesis: every document reader either reads what it is given or refuses it with
budgetgraph's own error (``BudgetgraphError`` or a subclass) naming the file — never another exception (an
IndexError from a parser, a zipfile, lxml or pdfminer error, a RecursionError ...), never a hang.

What is drawn, for text, HTML, PDF, XLSX, XLS and DOCX: a real file of the format truncated, with bytes flipped or
overwritten, a slice removed or duplicated; the members of a valid XLSX or DOCX damaged (cut, overwritten, dropped,
replaced by drawn text), and sheets and document bodies of drawn cells, strings, styles, spans and nesting; text
documents of drawn table lines and sentences in UTF-8, GB18030, GBK, UTF-16 or with bytes invalid in UTF-8; HTML
of drawn tags; arbitrary bytes under each format's extension and signature. The whole pipeline
(``pipeline.prepare``) is fed mutated and drawn text and XLSX documents.

Budget: the module runs in about 45 s on 2 cores, well inside the 3 minutes set for it. A read of the small files
drawn or mutated here takes 2–50 ms, a mutated PDF up to a few hundred, so each property has 60–200 examples
(60 for the whole pipeline, which maps and validates too): about 2,800 reads in all. ``MALFORMED_SCALE=10``
multiplies every count for a deeper search. Each read is stopped after ``READ_SECONDS``: a reader still busy
then has hung on its input. Merged ranges are drawn small: openpyxl makes a cell for every cell a range covers,
so a range of millions is bounded by the reading worker's memory limit, not refused by the reader.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import takewhile
from pathlib import Path
from types import FrameType
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from budgetgraph.errors import BudgetgraphError
from budgetgraph.ingest import read_document
from budgetgraph.pipeline import prepare
from conftest import BASE, SEED, SHARED_SEED

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
VARIANTS = DATA / "variants"
STEMS = ("synthetic-variants-2023-final", "synthetic-general-budget-income-expenditure-2023-final")
SAMPLES: dict[str, tuple[Path, ...]] = {
    ".txt": (*(VARIANTS / f"{stem}.txt" for stem in STEMS), SEED, *(p for p in (SHARED_SEED,) if p.exists())),
    ".html": (*(VARIANTS / f"{stem}.html" for stem in STEMS), *sorted((ROOT / "data" / "real").glob("*.html"))[:3]),
    ".pdf": tuple(VARIANTS / f"{stem}{suffix}" for stem in STEMS for suffix in (".pdf", "-unruled.pdf")),
    ".xlsx": tuple(VARIANTS / f"{stem}.xlsx" for stem in STEMS),
    ".xls": tuple(VARIANTS / f"{stem}.xls" for stem in STEMS),
    ".docx": tuple(VARIANTS / f"{stem}.docx" for stem in STEMS),
}
SIGNATURES = {".txt": b"", ".html": b"<html>", ".pdf": b"%PDF-1.4\n", ".xlsx": b"PK\x03\x04", ".xls": b"\xd0\xcf\x11\xe0", ".docx": b"PK\x03\x04"}
FORMATS = sorted(SAMPLES)
READ_SECONDS = 30.0
SCALE = int(os.environ.get("MALFORMED_SCALE", "1"))


def examples(count: int) -> settings:
    return settings(max_examples=count * SCALE, deadline=None, database=None)


class Hang(BaseException):
    """A reader still busy after ``READ_SECONDS`` (not an Exception: no reader may take it for the file's fault)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def hang(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still reading after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("malformed")


def reads_or_refuses(path: Path, data: bytes, read: Callable[[Path], object] = read_document) -> None:
    """Write ``data`` to ``path`` and read it: a refusal must be a BudgetgraphError naming the file."""
    path.write_bytes(data)
    try:
        with time_limit(READ_SECONDS):
            read(path)
    except BudgetgraphError as error:
        assert error.file == str(path) and str(path) in str(error), f"the error does not name the file: {error!r}"


@cache
def sample(path: Path) -> bytes:
    return path.read_bytes()


# --- mutations of a real file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Truncated:
    end: int

    def __call__(self, data: bytes) -> bytes:
        return data[: self.end]


@dataclass(frozen=True)
class Flipped:
    flips: tuple[tuple[int, int], ...]  # position, the bits flipped there

    def __call__(self, data: bytes) -> bytes:
        buffer = bytearray(data)
        for position, mask in self.flips:
            buffer[position % len(buffer)] ^= mask
        return bytes(buffer)


@dataclass(frozen=True)
class Overwritten:
    patches: tuple[tuple[int, bytes], ...]

    def __call__(self, data: bytes) -> bytes:
        buffer = bytearray(data)
        for position, patch in self.patches:
            buffer[position : position + len(patch)] = patch
        return bytes(buffer)


@dataclass(frozen=True)
class Removed:
    start: int
    length: int

    def __call__(self, data: bytes) -> bytes:
        return data[: self.start] + data[self.start + self.length :]


@dataclass(frozen=True)
class Duplicated:
    start: int
    length: int

    def __call__(self, data: bytes) -> bytes:
        end = self.start + self.length
        return data[:end] + data[self.start : end] + data[end:]


Edit = Truncated | Flipped | Overwritten | Removed | Duplicated


def edits(size: int) -> st.SearchStrategy[Edit]:
    """An edit of ``size`` bytes: truncated, bytes flipped or overwritten, a slice removed or duplicated."""
    offsets, lengths = st.integers(0, max(size - 1, 0)), st.integers(1, 4096)
    return st.one_of(
        st.builds(Truncated, offsets),
        st.builds(Flipped, st.lists(st.tuples(offsets, st.integers(1, 255)), min_size=1, max_size=16).map(tuple)),
        st.builds(Overwritten, st.lists(st.tuples(offsets, st.binary(min_size=1, max_size=16)), min_size=1, max_size=8).map(tuple)),
        st.builds(Removed, offsets, lengths),
        st.builds(Duplicated, offsets, lengths),
    )


@dataclass(frozen=True)
class Mutated:
    """A real file of the repository, edited."""

    sample: str  # its path from the repository's root
    edit: Edit

    @property
    def data(self) -> bytes:
        return self.edit(sample(ROOT / self.sample))


def _repository_path(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def mutated_samples(suffix: str) -> st.SearchStrategy[Mutated]:
    return st.sampled_from(SAMPLES[suffix]).flatmap(
        lambda path: st.builds(Mutated, st.just(_repository_path(path)), edits(len(sample(path))))
    )


@pytest.mark.parametrize("suffix", FORMATS)
@examples(150)
@given(data=st.data())
def test_a_mutated_file_is_read_or_refused(folder: Path, suffix: str, data: st.DataObject) -> None:
    reads_or_refuses(folder / f"mutated{suffix}", data.draw(mutated_samples(suffix)).data)


@pytest.mark.parametrize("suffix", FORMATS)
@examples(100)
@given(data=st.data())
def test_arbitrary_bytes_are_read_or_refused(folder: Path, suffix: str, data: st.DataObject) -> None:
    reads_or_refuses(folder / f"arbitrary{suffix}", SIGNATURES[suffix] + data.draw(st.binary(max_size=4096)))


# --- ZIP containers: XLSX, DOCX -----------------------------------------------------------------------------


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


XML_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(["<", ">", "</", "/>", "<?xml version='1.0'?>", "<a>", "</a>", "&amp;", "&#0;", "&bogus;", "x", "\"", "=", "<!DOCTYPE x [<!ENTITY e 'e'>]>", "&e;"]), max_size=40).map("".join),
)


@dataclass(frozen=True)
class Damaged:
    """A real XLSX or DOCX with one member edited, replaced by drawn text, or missing (``damage`` None)."""

    sample: str
    member: str
    damage: Edit | str | None

    @property
    def data(self) -> bytes:
        parts = members(sample(ROOT / self.sample))
        if self.damage is None:
            del parts[self.member]
        elif isinstance(self.damage, str):
            parts[self.member] = self.damage.encode("utf-8", "surrogatepass")
        else:
            parts[self.member] = self.damage(parts[self.member])
        return zipped(parts)


@st.composite
def damaged_containers(draw: st.DrawFn, suffix: str) -> Damaged:
    path = draw(st.sampled_from(SAMPLES[suffix]))
    parts = members(sample(path))
    member = draw(st.sampled_from(sorted(parts)))
    return Damaged(_repository_path(path), member, draw(st.one_of(st.none(), edits(len(parts[member])), XML_TEXT)))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@examples(150)
@given(data=st.data())
def test_a_container_with_a_damaged_member_is_read_or_refused(folder: Path, suffix: str, data: st.DataObject) -> None:
    reads_or_refuses(folder / f"damaged{suffix}", data.draw(damaged_containers(suffix)).data)


# --- drawn budget documents, as the lines of cells every format renders -------------------------------------

DOCUMENT_TITLES = st.sampled_from([
    "东城区合成示范局（合成） 部门 2023 年度部门决算", "重庆市永川区合成示范局（合成）2023年度部门决算", "北京市西城区财政局2022年部门预算",
    "洛阳市西工区政数局2021年部门预算", "2021年度部门预算", "部门预算", "",
])
TITLES = st.sampled_from([
    "部门收支总体情况表", "部门收入总体情况表", "部门支出总体情况表", "财政拨款收支总体情况表", "一般公共预算支出表",
    "一般公共预算基本支出表", "政府性基金预算支出表", "国有资本经营预算支出表", "“三公”经费支出表", "部门整体支出绩效目标表",
    "机关运行经费表", "支出决算表", "收入支出决算总表", "表4：一般公共预算财政拨款收入支出决算表", "2023年部门预算",
])
UNITS = st.sampled_from(["单位：万元", "单位:元", "单位：千元", "编制部门：某局\t单位：元", "单位：", "金额单位：亿元"])
HEADERS = st.sampled_from([
    "科目编码", "科目名称", "类", "款", "项", "合计", "总计", "基本支出", "项目支出", "小计", "工资福利支出", "本年收入",
    "本年支出", "年初结转和结余", "年末结转和结余", "收入", "支出", "项目", "预算数", "金额", "单位名称", "单位代码",
    "一般公共预算", "政府性基金预算", "预算数(万元)", "绩效指标", "指标值", "",
])
WORDS = ["合计", "总计", "一般公共服务支出", "　　行政运行", "　　　　住房公积金", "单位：万元", "部门支出总体情况表", "科目名称", "基本支出", "201"]
LABELS = st.one_of(st.sampled_from([*WORDS, "其中：", "注：本表为合成样本。", "收入合计", "1、", "（一）", ""]), st.from_regex(r"[0-9]{3,7}", fullmatch=True))
AMOUNTS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(repr),
    st.sampled_from(["1,234.50", "（124.56）", "－5.25", "-", "—", "", "1e309", "NaN", "１２３", "12.3.4", "--5", "0x10", "2e-400", "∞", "12%"]),
)
SENTENCES = st.sampled_from([
    "2023年一般公共预算支出1,234.56万元，比上年增加12.3%。", "本部门无政府性基金预算支出。", "“三公”经费预算0万元；",
    "一、部门主要职责", "收入总计435.02万元，支出总计-5万元。", "其中：基本支出100万元，项目支出1e309万元。",
])
XML_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))  # control characters make the XML itself invalid
VALUES = st.one_of(AMOUNTS, LABELS, HEADERS, st.text(XML_CHARACTERS, max_size=30), st.text(max_size=5))


@st.composite
def budget_tables(draw: st.DrawFn) -> list[list[str]]:
    """A template table as lines of cells: its title and unit line, headers, and rows of a code or name and drawn
    amounts, about as many as the headers (a row may be short or long)."""
    width = draw(st.integers(1, 7))
    lines = [[draw(TITLES)], draw(UNITS).split("\t")]
    lines += [draw(st.lists(HEADERS, min_size=width, max_size=width)) for _ in range(draw(st.integers(0, 2)))]
    lines += [[draw(LABELS), *draw(st.lists(AMOUNTS, min_size=max(width - 2, 0), max_size=width))] for _ in range(draw(st.integers(0, 10)))]
    return lines


NOISE = st.one_of(TITLES, UNITS, SENTENCES, st.lists(VALUES, min_size=1, max_size=8).map("\t".join), st.text(max_size=60)).map(lambda line: line.split("\t"))


@st.composite
def budget_documents(draw: st.DrawFn) -> list[list[str]]:
    """A document title, then tables and stray lines (titles, unit lines, sentences, rows of anything)."""
    blocks = draw(st.lists(st.one_of(budget_tables(), st.lists(NOISE, min_size=1, max_size=3)), max_size=5))
    return [[draw(DOCUMENT_TITLES)], *(line for block in blocks for line in block)]


# --- drawn XLSX and DOCX ------------------------------------------------------------------------------------

SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Target="xl/workbook.xml"'
        f' Type="{RELATIONSHIPS}/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": f'<workbook xmlns="{SPREADSHEET}" xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{SPREADSHEET}"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
        '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="164" applyNumberFormat="1" applyAlignment="1"><alignment indent="2"/></xf></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
SHEET_REFERENCES = st.one_of(st.from_regex(r"[A-Z]{0,4}[0-9]{0,9}", fullmatch=True), st.text(max_size=5))


ODDITY = st.sampled_from([0, 0, 2, 20])  # the percentage of a drawn sheet's or body's parts not as Excel or Word write them


def _odd(draw: st.DrawFn, percent: int) -> bool:
    return percent > 0 and draw(st.integers(0, 99)) < percent


@st.composite
def sheet_cell(draw: st.DrawFn, value: str, column: int, row: int, oddity: int) -> str:
    """A cell of ``value`` as Excel writes it, or of a drawn type, style, reference or shared string (in range
    or not)."""
    kind, reference, style = "n" if _is_number(value) else "inlineStr", f"{chr(65 + column)}{row}", None
    value = value if _odd(draw, oddity) else _xml_safe(value)
    if _odd(draw, oddity):
        kind = draw(st.sampled_from([None, "n", "s", "str", "inlineStr", "b", "e", "d", "bogus"]))
        reference = draw(st.one_of(st.none(), st.from_regex(r"[A-Z]{0,4}[0-9]{0,9}", fullmatch=True), st.text(max_size=5)))
        style = draw(st.one_of(st.none(), st.integers(-1, 50).map(str), st.text(max_size=3)))
        value = str(draw(st.integers(-2, 8))) if kind == "s" else value
    attributes = (f" r={quoteattr(reference)}" if reference is not None else "") + (f' t="{kind}"' if kind else "")
    attributes += f" s={quoteattr(style)}" if style is not None else ""
    body = f"<is><t>{escape(value)}</t></is>" if kind == "inlineStr" else f"<v>{escape(value)}</v>"
    return f"<c{attributes}>{body}</c>"


EXCEL_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(E[-+]?[0-9]+)?", re.IGNORECASE)
INVALID_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    return INVALID_IN_XML.sub("", text)


def _is_number(value: str) -> bool:
    return EXCEL_NUMBER.fullmatch(value) is not None


@st.composite
def drawn_sheets(draw: st.DrawFn) -> tuple[str, str]:
    """A sheet of a drawn budget document, each line a row (numbered as Excel does, or not), with merged ranges
    of any size; and drawn shared strings."""
    oddity, rows = draw(ODDITY), []
    for number, cells in enumerate(draw(budget_documents()), start=1):
        reference = draw(st.one_of(st.none(), st.integers(-3, 2**40).map(str), st.text(max_size=3))) if _odd(draw, oddity) else str(number)
        attribute = f" r={quoteattr(reference)}" if reference is not None else ""
        rows.append(f"<row{attribute}>{''.join(draw(sheet_cell(value, column, number, oddity)) for column, value in enumerate(cells))}</row>")
    ranges = draw(st.lists(st.from_regex(r"[A-Z][0-9]{1,3}:[A-Z][0-9]{1,3}", fullmatch=True), max_size=2)) if oddity else []
    merges = f'<mergeCells>{"".join(f"<mergeCell ref={quoteattr(cells)}/>" for cells in ranges)}</mergeCells>' if ranges else ""
    strings = draw(st.lists(VALUES, max_size=4))
    return (
        f'<worksheet xmlns="{SPREADSHEET}"><sheetData>{"".join(rows)}</sheetData>{merges}</worksheet>',
        f'<sst xmlns="{SPREADSHEET}" count="{len(strings)}">{"".join(f"<si><t>{escape(text)}</t></si>" for text in strings)}</sst>',
    )


def workbook(sheet: str, shared: str, styles: str = WORKBOOK_PARTS["xl/styles.xml"]) -> bytes:
    parts = {**WORKBOOK_PARTS, "xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": shared, "xl/styles.xml": styles}
    return zipped({name: content.encode("utf-8", "surrogatepass") for name, content in parts.items()})


@examples(200)
@given(drawn=drawn_sheets())
def test_a_sheet_of_drawn_cells_is_read_or_refused(folder: Path, drawn: tuple[str, str]) -> None:
    reads_or_refuses(folder / "drawn.xlsx", workbook(*drawn))


WORDPROCESSING = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


@st.composite
def docx_cell(draw: st.DrawFn, text: str, oddity: int, depth: int) -> str:
    """A cell of ``text``, plain; or spanning a drawn number of columns, merged vertically, holding a table."""
    properties = inner = ""
    text = text if _odd(draw, oddity) else _xml_safe(text)
    if _odd(draw, oddity):
        span = draw(st.one_of(st.none(), st.integers(-2, 40).map(str), st.text(max_size=3)))
        merge = draw(st.sampled_from([None, "", "restart", "continue", "bogus"]))
        properties = (f"<w:gridSpan w:val={quoteattr(span)}/>" if span is not None else "") + (
            "<w:vMerge/>" if merge == "" else f'<w:vMerge w:val="{merge}"/>' if merge else ""
        )
        if depth < 3 and draw(st.booleans()):
            inner = draw(docx_tables(draw(st.lists(st.lists(VALUES, max_size=3), max_size=3)), oddity, depth + 1))
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{_paragraph(text)}{inner}</w:tc>"


@st.composite
def docx_tables(draw: st.DrawFn, lines: list[list[str]], oddity: int, depth: int = 0) -> str:
    grid = "".join("<w:gridCol/>" for _ in range(max(map(len, lines), default=0) if not _odd(draw, oddity) else draw(st.integers(0, 7))))
    rows = "".join("<w:tr>" + "".join(draw(docx_cell(text, oddity, depth)) for text in cells) + "</w:tr>" for cells in lines)
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"


@st.composite
def document_bodies(draw: st.DrawFn) -> str:
    """A drawn budget document as a DOCX body: a line of one cell a paragraph, lines of several a table."""
    oddity, lines, blocks = draw(ODDITY), draw(budget_documents()), []
    while lines:
        rows = list(takewhile(lambda cells: len(cells) > 1, lines))
        blocks.append(draw(docx_tables(rows, oddity)) if rows else _paragraph(_xml_safe(lines[0][0])))
        lines = lines[max(len(rows), 1) :]
    return "".join(blocks)


def document(body: str) -> bytes:
    """The first DOCX sample with ``body`` for its body."""
    xml = f'<w:document xmlns:w="{WORDPROCESSING}"><w:body>{body}</w:body></w:document>'
    return zipped({**members(sample(SAMPLES[".docx"][0])), "word/document.xml": xml.encode("utf-8", "surrogatepass")})


@examples(200)
@given(body=document_bodies())
def test_a_document_of_drawn_tables_is_read_or_refused(folder: Path, body: str) -> None:
    reads_or_refuses(folder / "drawn.docx", document(body))


# --- drawn text and HTML ------------------------------------------------------------------------------------

DOCUMENT_TEXT = budget_documents().map(lambda lines: "\n".join("\t".join(cells) for cells in lines))
ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-be", "big5"])
BROKEN_UTF8 = st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe4\xb8", b"\x80", b"\xf8\x88\x80\x80\x80"])


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode("utf-8", "surrogatepass") if encoding == "utf-8" else codecs.encode(text, encoding, errors="replace")


@st.composite
def encoded_text(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> bytes:
    """Drawn text in an encoding a budget text comes in, or in UTF-16 or Big5; or with bytes invalid in UTF-8."""
    data = _encoded(draw(texts), draw(ENCODINGS))
    broken = draw(st.one_of(st.just([]), st.lists(st.tuples(st.integers(0, len(data)), BROKEN_UTF8), min_size=1, max_size=3)))
    for position, invalid in broken:
        data = data[:position] + invalid + data[position:]
    return data


@examples(200)
@given(data=encoded_text(DOCUMENT_TEXT))
def test_drawn_text_is_read_or_refused(folder: Path, data: bytes) -> None:
    reads_or_refuses(folder / "drawn.txt", data)


HTML_TAGS = ["table", "tr", "td", "th", "tbody", "thead", "p", "div", "br", "span", "script", "style", "head", "body", "html", "h1", "li", "b"]
SPAN_VALUES = st.one_of(st.integers(-5, 5000).map(str), st.text(max_size=4), st.sampled_from(["²", "٣", "0", "", "1e3", "๒", "①"]))
HTML_ATTRIBUTES = st.lists(st.tuples(st.sampled_from(["colspan", "rowspan", "class", "style"]), SPAN_VALUES), max_size=3).map(
    lambda pairs: "".join(f" {name}={quoteattr(value)}" for name, value in pairs)
)
HTML_TEXT = st.one_of(VALUES, st.sampled_from(["&nbsp;", "&#12288;", "&lt;", "&#xD800;", "&#99999999;", "&bogus", "<!--", "-->", "<![CDATA[", "</", "<"]))


def _element(drawn: tuple[str, str, list[str], bool]) -> str:
    tag, attributes, children, closed = drawn
    return f"<{tag}{attributes}>{''.join(children)}" + (f"</{tag}>" if closed else "")


HTML_NODES = st.recursive(
    HTML_TEXT.map(escape) | HTML_TEXT,
    lambda children: st.tuples(st.sampled_from(HTML_TAGS), HTML_ATTRIBUTES, st.lists(children, max_size=6), st.booleans()).map(_element),
    max_leaves=40,
)


@st.composite
def html_rows(draw: st.DrawFn, cells: list[str]) -> str:
    """A line as a table row, its cells spanning drawn columns and rows, its tags closed or not."""
    row = "".join(f"<{draw(st.sampled_from(['td', 'th']))}{draw(HTML_ATTRIBUTES)}>{escape(text)}</td>" for text in cells)
    return draw(st.sampled_from(["<tr>{}</tr>", "<tr>{}", "{}"])).format(row)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    """A drawn budget document as HTML: a line of one cell a paragraph (or a row), consecutive rows a table; drawn
    tags anywhere among them."""
    parts, in_table = [], False
    for cells in draw(budget_documents()):
        paragraph = len(cells) == 1 and draw(st.booleans())
        if paragraph == in_table:
            parts.append("</table>" if in_table else "<table>")
            in_table = not in_table
        parts.append(f"<p>{escape(cells[0])}</p>" if paragraph else draw(html_rows(cells)))
    for _ in range(draw(st.integers(0, 3))):
        parts.insert(draw(st.integers(0, len(parts))), draw(HTML_NODES))
    return draw(st.sampled_from(["<!DOCTYPE html>", "<html>", "<body>", ""])) + "".join(parts)


@examples(200)
@given(data=encoded_text(html_pages()))
@example(data='<table><tr><td colspan="²">科目名称</td></tr></table>'.encode())
def test_drawn_html_is_read_or_refused(folder: Path, data: bytes) -> None:
    reads_or_refuses(folder / "drawn.html", data)


# --- the whole pipeline -------------------------------------------------------------------------------------


def _prepared(path: Path) -> object:
    return prepare(path, BASE)


@examples(60)
@given(mutated=mutated_samples(".txt"))
def test_the_pipeline_refuses_mutated_text_only_with_its_error(folder: Path, mutated: Mutated) -> None:
    reads_or_refuses(folder / "pipeline.txt", mutated.data, _prepared)


@examples(60)
@given(data=encoded_text(DOCUMENT_TEXT))
def test_the_pipeline_refuses_drawn_text_only_with_its_error(folder: Path, data: bytes) -> None:
    reads_or_refuses(folder / "pipeline.txt", data, _prepared)


@examples(60)
@given(damaged=damaged_containers(".xlsx"))
def test_the_pipeline_refuses_damaged_workbooks_only_with_its_error(folder: Path, damaged: Damaged) -> None:
    reads_or_refuses(folder / "pipeline.xlsx", damaged.data, _prepared)


# --- what these tests found, each kept as it was first drawn ------------------------------------------------

VARIANT = "tests/data/variants/synthetic-variants-2023-final"
GENERAL = "tests/data/variants/synthetic-general-budget-income-expenditure-2023-final"
FOUND: dict[str, tuple[str, bytes | Mutated | Damaged]] = {
    # a reader's library raised its own error on a damaged file; now "not a readable …", at the page or row
    "docx, a deflated member's byte flipped: zlib.error": (".docx", Mutated(f"{VARIANT}.docx", Flipped(((49, 2),)))),
    "xlsx, a deflated member's byte flipped: zlib.error": (".xlsx", Mutated(f"{VARIANT}.xlsx", Flipped(((242, 2),)))),
    "xlsx, a ZIP version Python lacks: NotImplementedError": (".xlsx", Mutated(f"{VARIANT}.xlsx", Overwritten(((7260, b"\x00@"),)))),
    "xlsx, a sheet emptied: xml ParseError": (".xlsx", Damaged(f"{VARIANT}.xlsx", "xl/worksheets/sheet1.xml", Truncated(0))),
    "xlsx, a fill without its pattern: TypeError": (".xlsx", workbook(
        f'<worksheet xmlns="{SPREADSHEET}"><sheetData/></worksheet>', f'<sst xmlns="{SPREADSHEET}"/>',
        WORKBOOK_PARTS["xl/styles.xml"].replace('<fill><patternFill patternType="none"/></fill>', "<fill/>"),
    )),
    "docx, the content types emptied: lxml XMLSyntaxError": (".docx", Damaged(f"{VARIANT}.docx", "[Content_Types].xml", Truncated(0))),
    "docx, a control character in the body: lxml XMLSyntaxError": (".docx", document(_paragraph("\x1f"))),
    "pdf, a text showing an operand of the wrong type: TypeError": (".pdf", Mutated(f"{VARIANT}-unruled.pdf", Overwritten(((921, b"\x00"),)))),
    "pdf, a filter misspelt: PDFNotImplementedError": (".pdf", Mutated(f"{VARIANT}.pdf", Flipped(((50, 1),)))),
    "pdf, a page tree pdfminer cannot walk, closing too: PSSyntaxError": (".pdf", Mutated(f"{VARIANT}.pdf", Flipped(((49, 1),)))),
    "xls, a record cut short: struct.error": (".xls", Mutated(f"{VARIANT}.xls", Flipped(((5292, 1),)))),
    "xls, a record's length changed: IndexError": (".xls", Mutated(f"{VARIANT}.xls", Overwritten(((5187, b"\x00/"),)))),
    "xls, a format index changed: KeyError": (".xls", Mutated(f"{VARIANT}.xls", Flipped(((1675, 1),)))),
    "xls, the directory duplicated: CompDocError": (".xls", Mutated(f"{VARIANT}.xls", Duplicated(77, 16))),
    "xls, the stream cut inside: AssertionError": (".xls", Mutated(f"{VARIANT}.xls", Removed(8773, 4))),
    "xls, a cell's XF index out of range: IndexError in read_xls": (".xls", Mutated(f"{VARIANT}.xls", Flipped(((5186, 60),)))),
    "xls, a format without its string: TypeError in read_xls": (".xls", Mutated(f"{VARIANT}.xls", Flipped(((2593, 60),)))),
    # budgetgraph's own code
    "pdf, a text of no width at a column's edge: StopIteration in columns": (".pdf", Mutated(f"{VARIANT}-unruled.pdf", Overwritten(((922, b"\x00"),)))),
    "html, a cell before any <tr>: IndexError": (".html", Mutated(f"{GENERAL}.html", Flipped(((506, 1),)))),
    "html, a table begun inside a cell: IndexError": (".html", "<table><td>科目名称<table></td></table>".encode()),
    "html, a colspan of a digit int() does not read (²): ValueError": (".html", '<table><tr><td colspan="²">科目名称</td></tr></table>'.encode()),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_what_was_found_is_read_or_refused(folder: Path, name: str) -> None:
    suffix, case = FOUND[name]
    reads_or_refuses(folder / f"found{suffix}", case if isinstance(case, bytes) else case.data)
