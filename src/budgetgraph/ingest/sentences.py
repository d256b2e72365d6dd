"""The explanatory text of a document as sentences: its running text outside the tables and the notes printed
under them, rejoined into paragraphs, split into sentences, each with the heading path of its section."""

from __future__ import annotations

import re

from budgetgraph.ingest.text import Line
from budgetgraph.normalise import squeeze
from budgetgraph.records import Location, Sentence

# Heading numbers by level: 第三部分, 一、, （一）, 1.
HEADING_LEVELS = (
    re.compile(r"^第[一二三四五六七八九十]+部分"),
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^\d{1,2}\s*[.、．](?!\d)"),
)
FIGURE = re.compile(r"\d\s*(亿元|万元|元|%)")
# A line ending in ；continues its paragraph: PDFs break lists of 类 (…占11.11%；/卫生健康支出…) over lines.
PARAGRAPH_END = re.compile(r"[。！？:：]$")
SENTENCE_END = re.compile(r"[^。！？]*[。！？]|[^。！？]+$")
NAMES_CLASS = re.compile(r"[（(]类[)）]")  # 5、社会保障和就业支出（类）…: a line's 说明, broken over lines, not a heading
HEADING_LENGTH = 40
TITLE = re.compile(r"(说明|情况|概况)$")
CLAUSE_MARK = re.compile(r"[，。；：,;:]")  # characters: longer numbered lines are items of a list, not headings


def sentences(lines: list[Line], file: str) -> list[Sentence]:
    """The sentences of ``lines`` (prose lines in document order, tables left out), in order."""
    path: list[tuple[int, str]] = []
    found: list[Sentence] = []
    for paragraph in _paragraphs(lines):
        text = squeeze(paragraph.text)
        if (level := heading_level(text)) is not None:
            path = [*(entry for entry in path if entry[0] < level), (level, text)]
            continue
        section = " > ".join(heading for _, heading in path)
        location = Location(file, paragraph.number, page=paragraph.page)
        for match in SENTENCE_END.finditer(text):
            if match.group(0).strip():
                found.append(Sentence(match.group(0).strip(), section, location, match.start(), match.end()))
    return found


def heading_level(text: str) -> int | None:
    """The level of a heading line (0 for 第…部分), None for a line of running text: a heading is short, states
    no figure, names no 类 and does not end a sentence."""
    if len(text) > HEADING_LENGTH or FIGURE.search(text) or text.endswith(("。", "；")) or NAMES_CLASS.search(text):
        return None
    numbered = next((level for level, pattern in enumerate(HEADING_LEVELS) if pattern.match(text)), None)
    if numbered is None and TITLE.search(text) and not CLAUSE_MARK.search(text):
        return 1  # an unnumbered title (2025年部门预算编制说明) heads its part as 一、 would
    return numbered


def states_figure(sentence: Sentence) -> bool:
    return bool(FIGURE.search(sentence.text))


def _paragraphs(lines: list[Line]) -> list[Line]:
    """Rejoin the sentences that extraction broke over lines: a line that does not end a sentence continues on the
    next, unless either is a heading."""
    joined: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if joined and not PARAGRAPH_END.search(joined[-1].text) and heading_level(squeeze(text)) is None and heading_level(squeeze(joined[-1].text)) is None:
            joined[-1] = Line(joined[-1].number, (joined[-1].text + text,), page=joined[-1].page)
        else:
            joined.append(Line(line.number, (text,), page=line.page))
    return joined
