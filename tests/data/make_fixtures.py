"""Render the seed document into other formats, as an office suite would publish it.

    python tests/data/make_fixtures.py      (writes tests/data/seed.xlsx)

The XLSX holds the explanatory text on a first sheet, one paragraph a row, and each annexed table on a sheet
of its own, cell for cell; amounts are numbers formatted with the decimals the text prints.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "data" / "documents" / "luoyang-xigong-zhengshuju-2021-budget.txt"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def table_starts(lines: list[str]) -> list[int]:
    """A table title is a line without tabs followed within four lines by its unit line (单位：万元)."""
    return [
        i for i, line in enumerate(lines)
        if "\t" not in line and line.strip() and any(l.strip().startswith("单位：") for l in lines[i + 1 : i + 5])
        and not line.strip().startswith(("单位", "（"))
    ]


def render_xlsx(path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
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
                cell = sheet.cell(row=sheet.max_row, column=column)
                text = text.strip()
                if NUMBER.fullmatch(text) and not re.fullmatch(r"\d{5,}|\d{3}|\d{2}", text):
                    cell.value = float(text) if "." in text else int(text)
                    decimals = -Decimal(text).as_tuple().exponent
                    cell.number_format = "0." + "0" * decimals if decimals > 0 else "0"
                else:
                    cell.value = text or None
    workbook.save(path)


if __name__ == "__main__":
    render_xlsx(HERE / "seed.xlsx")
