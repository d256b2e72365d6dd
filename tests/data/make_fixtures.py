"""Render a document in the seed's text layout (the seed itself by default) into other formats, as publishers do.

    python tests/data/make_fixtures.py      (writes tests/data/seed.xlsx, .xls, .docx, .html, .pdf, -unruled.pdf,
                                             and the same beside each synthetic text in tests/data/variants)

The XLSX holds the explanatory text on a first sheet, one paragraph a row, and each annexed table on a sheet
of its own, cell for cell; amounts are numbers formatted with the decimals the text prints. The DOCX and the
HTML page hold the text as paragraphs and each table as a table whose header labels span the columns they head
(merged cells, colspan), as published tables do. The PDFs are that Word document printed by LibreOffice
(``soffice``, Debian's libreoffice-writer) on landscape pages, once with table borders and once without, the
layout whose columns only the words' positions give. A cell indented by leading full-width spaces (a names-only
classification's 款 and 项) keeps them in every format but the XLSX, where the cell is indented instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

from html import escape

import xlwt
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "data" / "documents" / "luoyang-xigong-zhengshuju-2021-budget.txt"
NUMBER = re.compile(r"-?\d+(\.\d+)?")
UNRULED_TYPE = 6  # points: small enough that the widest table fits a landscape A4 page unwrapped
FIGURE = re.compile(r"-?\d+\.\d+|\d{3,}")  # an amount or a code


def table_starts(lines: list[str]) -> list[int]:
    """A table title is a line without tabs followed within four lines by its unit line (单位：万元)."""
    return [
        i for i, line in enumerate(lines)
        if "\t" not in line and line.strip() and any(l.strip().startswith("单位：") for l in lines[i + 1 : i + 5])
        and not line.strip().startswith(("单位", "（"))
    ]


def sections(text: str) -> tuple[list[str], list[list[str]]]:
    """The narrative lines, and each table's lines (title, unit line, rows)."""
    lines = text.splitlines()
    starts = table_starts(lines)
    tables = [[l for l in lines[a:b] if l.strip()] for a, b in zip(starts, [*starts[1:], len(lines)])]
    return [l.strip() for l in lines[: starts[0]] if l.strip()], tables


def spans(cells: list[str]) -> list[tuple[str, int]]:
    """A header row's labels with the blank cells after them: (label, columns spanned)."""
    merged: list[tuple[str, int]] = []
    for cell in cells:
        if merged and not cell and merged[-1][0]:
            merged[-1] = (merged[-1][0], merged[-1][1] + 1)
        else:
            merged.append((cell, 1))
    return merged


def cell(text: str) -> str:
    """A cell of the text layout stripped, its indentation (leading full-width spaces) kept."""
    return text.strip(" \r\n")


def is_header(cells: list[str]) -> bool:
    return not any(NUMBER.fullmatch(c) for c in cells) and any(c.startswith(("科目编码", "收入", "基本支出")) for c in cells)


def render_html(path: Path, text: str) -> None:
    narrative, tables = sections(text)
    parts = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>部门预算</title></head><body>"]
    parts += [f"<p>{escape(line)}</p>" for line in narrative]
    for table in tables:
        parts.append("<div>")
        rows = [line for line in table if "\t" in line]
        parts += [f"<p>{escape(line.strip())}</p>" for line in table if "\t" not in line]
        parts.append("<table border=\"1\">")
        for line in rows:
            cells = [cell(c) for c in line.split("\t")]
            cols = spans(cells) if is_header(cells) else [(c, 1) for c in cells]
            parts.append("<tr>" + "".join(f"<td colspan=\"{n}\">{escape(c)}</td>" if n > 1 else f"<td>{escape(c)}</td>" for c, n in cols) + "</tr>")
        parts.append("</table></div>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def render_docx(path: Path, text: str, *, for_print: str | None = None) -> None:
    """The seed as a Word document; ``for_print`` ("ruled" or "unruled") lays it out as a publisher prints it to
    PDF: landscape pages, small type, and table borders or none."""
    narrative, tables = sections(text)
    document = Document()
    if for_print:
        _print_layout(document, 7 if for_print == "ruled" else UNRULED_TYPE)
    for line in narrative:
        document.add_paragraph(line)
    for table in tables:
        in_grid = [i for i, line in enumerate(table) if "\t" in line]
        for number, line in enumerate(table[: in_grid[0]]):
            # Each table starts a page, as publishers print them; LibreOffice also loses the header rows of a
            # table that has no data rows when they would break across pages.
            document.add_paragraph(line.strip()).paragraph_format.page_break_before = bool(for_print) and number == 0
        _add_table(document, [[cell(c) for c in table[i].split("\t")] for i in in_grid], for_print)
        for line in table[in_grid[-1] + 1 :]:  # notes under the table
            document.add_paragraph(line.strip())
    document.save(path)


def _add_table(document: DocxDocument, rows: list[list[str]], for_print: str | None) -> None:
    grid = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    if for_print == "ruled":
        grid.style = "Table Grid"
    if for_print:
        _keep_rows_whole(grid, headers=next((i for i, cells in enumerate(rows) if _is_data(cells)), 0))
    if for_print == "unruled":
        _fit_columns(grid, rows)
    for r, cells in enumerate(rows):
        column = 0
        for text, span in (spans(cells) if is_header(cells) else [(c, 1) for c in cells]):
            cell = grid.cell(r, column)
            if span > 1:
                cell = cell.merge(grid.cell(r, column + span - 1))
            cell.text = text
            column += span


def _is_data(cells: list[str]) -> bool:
    """A row of figures, or a label with blanks after it, ends a table's header."""
    return any(map(FIGURE.fullmatch, cells)) or bool(cells[0]) and not any(cells[1:])


def _fit_columns(grid: DocxTable, rows: list[list[str]]) -> None:
    """Columns as wide as their widest cell, so no cell wraps: without rules, only positions tell the columns,
    as in the tables that finance systems print."""
    def width(text: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.6 for c in text) * UNRULED_TYPE + 16  # + cell margins
    grid.autofit = False
    widths = [max(width(cells[i]) for cells in rows if i < len(cells)) for i in range(len(grid.columns))]
    for column, points in zip(grid.columns, widths):
        column.width = Pt(points)
    for row in grid.rows:
        for cell, points in zip(row.cells, widths):
            cell.width = Pt(points)


def _print_layout(document: DocxDocument, type_size: float) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(10)
    normal = document.styles["Normal"]
    normal.font.size = Pt(type_size)
    normal.paragraph_format.space_after = Pt(0)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")


def _keep_rows_whole(grid: DocxTable, headers: int) -> None:
    """Rows never break across pages, and the header rows repeat on every page the table spans."""
    for number, row in enumerate(grid.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if number < headers:
            properties.append(OxmlElement("w:tblHeader"))


def render_pdf(path: Path, text: str, *, ruled: bool) -> None:
    """Print the Word rendering to PDF with LibreOffice, as offices publish budgets."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"{path.stem}.docx"
        render_docx(source, text, for_print="ruled" if ruled else "unruled")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)], check=True, capture_output=True)
        shutil.move(Path(folder) / f"{path.stem}.pdf", path)


def render_xls(path: Path, text: str) -> None:
    """The legacy binary workbook, as older finance systems export it, from the same sheets as the XLSX."""
    narrative, tables = sections(text)
    book = xlwt.Workbook(encoding="utf-8")
    text = book.add_sheet("说明")
    for row, line in enumerate(narrative):
        text.write(row, 0, line)
    for number, table in enumerate(tables, start=1):
        sheet = book.add_sheet(f"表{number}")
        for row, line in enumerate(table):
            for column, text in enumerate(cell(c) for c in line.split("\t")):
                if NUMBER.fullmatch(text) and not re.fullmatch(r"\d{5,}|\d{3}|\d{2}", text):
                    decimals = -Decimal(text).as_tuple().exponent
                    style = xlwt.easyxf(num_format_str="0." + "0" * decimals if decimals > 0 else "0")
                    sheet.write(row, column, float(text), style)
                elif text:
                    sheet.write(row, column, text)  # indented by the full-width spaces it starts with
    book.save(str(path))


def render_xlsx(path: Path, text: str) -> None:
    lines = text.splitlines()
    starts = table_starts(lines)
    workbook = Workbook()
    narrative = workbook.active
    narrative.title = "说明"
    for line in lines[: starts[0]]:
        if line.strip():
            narrative.append([line.strip()])
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(lines)]), start=1):
        sheet = workbook.create_sheet(f"表{number}")
        for line in lines[start:end]:
            if not line.strip():
                continue
            sheet.append([None] * len(line.split("\t")))
            for column, text in enumerate(line.split("\t"), start=1):
                target = sheet.cell(row=sheet.max_row, column=column)
                printed = cell(text)
                text = printed.lstrip("\u3000")
                if len(printed) > len(text):  # indented as spreadsheets indent: the cell's indent, not spaces
                    target.alignment = Alignment(indent=len(printed) - len(text))
                if NUMBER.fullmatch(text) and not re.fullmatch(r"\d{5,}|\d{3}|\d{2}", text):
                    target.value = float(text) if "." in text else int(text)
                    decimals = -Decimal(text).as_tuple().exponent
                    target.number_format = "0." + "0" * decimals if decimals > 0 else "0"
                else:
                    target.value = text or None
    workbook.save(path)


VARIANTS = (  # synthetic (合成): see variants/SOURCE.md
    HERE / "variants" / "synthetic-variants-2023-final.txt",
    HERE / "variants" / "synthetic-general-budget-income-expenditure-2023-final.txt",
)


def render_all(text: str, stem: Path, *, pdf: bool = True) -> None:
    """Every rendering of a text document: STEM.xlsx, .xls, .docx, .html (and STEM.pdf, STEM-unruled.pdf)."""
    render_xlsx(stem.with_suffix(".xlsx"), text)
    render_xls(stem.with_suffix(".xls"), text)
    render_docx(stem.with_suffix(".docx"), text)
    render_html(stem.with_suffix(".html"), text)
    if pdf:
        render_pdf(stem.with_suffix(".pdf"), text, ruled=True)
        render_pdf(stem.parent / f"{stem.name}-unruled.pdf", text, ruled=False)


if __name__ == "__main__":
    render_all(SEED.read_text(encoding="utf-8"), HERE / "seed")
    for variant in VARIANTS:
        render_all(variant.read_text(encoding="utf-8"), variant.with_suffix(""))
