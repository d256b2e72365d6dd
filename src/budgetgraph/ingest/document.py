"""Read one source file into a BudgetDocument: detect its format, find its tables, its narrative and metadata."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

from budgetgraph.config import FileLimits
from budgetgraph.errors import BudgetgraphError, UnsupportedLayout
from budgetgraph.ingest import metadata
from budgetgraph.ingest.claims import ClaimReader
from budgetgraph.ingest.docx import read_docx
from budgetgraph.ingest.html import read_html
from budgetgraph.ingest.limits import check_pages, check_size, check_unzipped
from budgetgraph.ingest.pdf import read_pdf
from budgetgraph.ingest.xls import read_xls
from budgetgraph.ingest.xlsx import read_xlsx
from budgetgraph.ingest.performance import parse_performance
from budgetgraph.ingest.sentences import sentences
from budgetgraph.ingest.tables import TableBlock, find_tables, first_table_title, parse_grid, parse_two_sided
from budgetgraph.ingest.text import Line, decode, split_lines
from budgetgraph.normalise import squeeze
from budgetgraph.records import BudgetDocument, Location, PerformancePlan, Sentence, SourceFile, Table, TableKind, UnreadTable

SIGNATURES = {b"%PDF": "application/pdf", b"PK\x03\x04": "application/zip", b"\xd0\xcf\x11\xe0": "application/vnd.ms-excel"}


def read_document(path: Path | str, limits: FileLimits = FileLimits()) -> BudgetDocument:
    """The document at ``path``, read by its content's format, unless it is beyond ``limits``. An error names
    the file by its path; the records' provenance names it by its file name only, which is what is published."""
    path = Path(path)
    try:
        return _read(path, limits)
    except BudgetgraphError as error:
        if error.file != path.name:
            raise
        raise BudgetgraphError(error.message, file=str(path), place=error.place) from error


def _read(path: Path, limits: FileLimits) -> BudgetDocument:
    check_size(path, limits)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BudgetgraphError(f"cannot read the file: {error.strerror}", file=str(path)) from error
    media_type = _sniff(data)
    if media_type in (XLSX, DOCX):
        check_unzipped(data, path, limits)
    elif media_type == "application/pdf":
        check_pages(data, path, limits)
    source = SourceFile(str(path), path.name, hashlib.sha256(data).hexdigest(), media_type)
    if media_type == "application/pdf":
        return parse_text_lines(read_pdf(data, path.name), source)
    if media_type == XLSX:
        return parse_text_lines(read_xlsx(data, path.name), source)
    if media_type == "application/vnd.ms-excel":
        return parse_text_lines(read_xls(data, path.name), source)
    if media_type == DOCX:
        return parse_text_lines(read_docx(data, path.name), source)
    if media_type not in ("text/plain", "text/html"):
        raise BudgetgraphError(f"{media_type} documents are not supported yet", file=str(path))
    text = decode(data, str(path))
    if HTML_START.search(text[:2048]):
        return parse_text_lines(read_html(text), replace(source, media_type="text/html"))
    return parse_text_lines(split_lines(text), source)


HTML_START = re.compile(r"<(!doctype html|html|table|body)\b", re.IGNORECASE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _sniff(data: bytes) -> str:
    """Format by content, not by extension: a ZIP is told apart by the parts it holds."""
    for magic, media_type in SIGNATURES.items():
        if data.startswith(magic):
            return _office_kind(data) if media_type == "application/zip" else media_type
    return "text/plain"


def _office_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, NotImplementedError):  # NotImplementedError: a ZIP version Python cannot read
        return "application/zip"
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return "application/zip"


def parse_text_lines(lines: list[Line], source: SourceFile) -> BudgetDocument:
    file = source.name
    blocks = find_tables(lines)
    if not blocks and (title := first_table_title(lines)):
        raise BudgetgraphError(
            f"not a budget document as far as can be read: {squeeze(title.text)} titles a template table, but no unit line"
            " (单位：万元) follows it within four lines, nor does its header state a unit",
            file=file,
            place=title.place,
        )
    if not blocks:
        raise BudgetgraphError(
            "not a budget document: no template table found (a title such as 部门支出总体情况表 followed by 单位：万元)",
            file=file,
        )
    title = metadata.document_title(lines)
    fiscal_year, phase = metadata.fiscal_year(title, file), metadata.phase(title)
    tables: list[Table] = []
    unread: list[UnreadTable] = []
    plan: PerformancePlan | None = None
    for number, block in enumerate(blocks, start=1):
        try:
            if block.kind is TableKind.PERFORMANCE_TARGETS:
                table, plan = parse_performance(block, number, file)
            elif block.kind in (TableKind.FISCAL_GRANT_SUMMARY, TableKind.INCOME_EXPENDITURE_SUMMARY):
                table = parse_two_sided(block, number, file)
            else:
                table = parse_grid(block, number, file, (fiscal_year, phase))
        except UnsupportedLayout as error:
            unread.append(UnreadTable(number, block.kind, block.title.text, error.place or block.title.place, error.message))
            continue
        tables.append(table)
    units = metadata.budget_units(tables)
    department, department_code = metadata.department(title, metadata.publisher(lines), plan, units)
    district = metadata.district([department, title], file)
    text, notes = explanatory_text(lines, blocks, tables, file)
    claims = ClaimReader(tuple(tables), fiscal_year, phase, department).read(text, notes)
    return BudgetDocument(
        source=source,
        title=title,
        department=department,
        department_code=department_code,
        scope=metadata.scope(title),
        province=district.province,
        city=district.city,
        district=district.name,
        district_code=district.code,
        fiscal_year=fiscal_year,
        phase=phase,
        amount_unit=metadata.amount_unit([block.unit for block in blocks]),
        budget_units=units,
        tables=tuple(tables),
        sentences=tuple(text),
        claims=claims,
        performance=plan,
        unread=tuple(unread),
    )


def explanatory_text(lines: list[Line], blocks: list[TableBlock], tables: list[Table], file: str) -> tuple[list[Sentence], dict[int, int]]:
    """The sentences of the running text outside the tables, then those of the notes under each table; and, for
    each note's sentence, the number of its table."""
    inside = {id(line) for block in blocks for line in (block.title, *block.lines)}
    running = [line for line in lines if id(line) not in inside and len(line.filled) <= 1]
    text = sentences(running, file)
    notes: dict[int, int] = {}
    for table in tables:
        for note in table.notes:
            notes[len(text)] = table.number
            text.append(Sentence(squeeze(note), table.title, Location(file, table.line, table=table.number, page=table.page), 0, len(note)))
    return text, notes
