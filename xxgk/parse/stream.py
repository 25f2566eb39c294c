"""A :class:`~xxgk.document.Document` as one stream of tokens in reading order.

Why a stream: the template is fixed by law, the shapes are not. A table may arrive as an HTML
grid, a PDF text layer whose numbers trail their labels by lines, a crawler's ``page.txt`` in
which the whole body is one paragraph and the cells are glued together
(``一、本年新收政府信息公开申请数量21710000218二、上年结转…``), or markdown from an OCR tool.
All of them are, read in order, *labels and numbers*. The stream keeps exactly that, with
what the shape says about boundaries, and the aligner (:mod:`xxgk.parse.align`) fits it to the
template. A new shape then needs an extractor that produces blocks, and nothing else.

Three token kinds:

* ``text``: label or prose text (raw, as printed);
* ``value``: what may be a table value: a whole table cell that is a number, blank or
  placeholder (``cell=True``: its boundaries were printed), or a run of digits cut out of
  running text (``cell=False``: one or several cells whose boundaries may be lost);
* ``heading``: one of the report's section headings (``section`` says which).

Tokens carry a ``line``: tokens printed on one table row or in one paragraph share it, which
tells a table row that lost its label from the continuation of the previous one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from xxgk.document import Document, GridCell, Paragraph, Table, is_furniture
from xxgk.labels import normalize
from xxgk.numbers import is_value_text

TokenKind = Literal["text", "value", "heading"]


@dataclass(slots=True)
class Token:
    kind: TokenKind
    text: str  # raw text as printed (NBSP, line breaks kept)
    locator: str  # where in the document: grid cell (html:table#2:r8c8) or text span (para#3:c10-17)
    line: int  # tokens of one printed row or paragraph share it
    cell: bool = False  # a whole table cell (value tokens): its boundaries were printed
    page: int | None = None
    section: int | None = None  # heading tokens: section number (xxgk.parse.sections)
    note: str = ""  # what the tokeniser changed (an enumerator taken off a digit run …)


# --- section headings ---------------------------------------------------------------------

_NUMERAL = r"[一二三四五六七八九十]{1,3}[、.．]\s*"
# (section, wording after the numeral). The national wording first, then the provincial
# layouts' (上海: 三、主动公开工作情况 四、政府信息公开申请情况 …). Row labels of table 3 start with
# 一、…四、 as well (四、结转下年度继续办理): they match none of these.
_HEADING_WORDS: tuple[tuple[int, str], ...] = (
    (1, r"总体情况"),
    (2, r"主动公开(?:政府信息)?(?:工作)?(?:的)?情况"),
    (3, r"收到和处理政府信息公开申请(?:的)?情况"
        r"|(?:政府信息公开|依申请公开(?:政府信息)?)(?:工作)?(?:申请)?(?:办理)?情况"),
    (4, r"(?:政府信息公开(?:工作)?)?(?:引发的?)?行政\S{0,2}?复议[、和及与]?行政诉讼(?:的)?情况"),
    (5, r"(?:政府信息公开工作)?存在的?主要问题"),
    (6, r"其他需要报告的?事项"),
)
_NUMERAL_START = re.compile(r"#*\s*[一二三四五六七八九十]")
_HEADING = re.compile("|".join(f"(?P<s{n}>{_NUMERAL}(?:{w}))" for n, w in _HEADING_WORDS))
# The provincial layouts' statistics appendix (附：相关指标统计表 / 附件：…统计表).
_APPENDIX = re.compile(r"附(?:件)?\s*[:：]?\s*\d?\s*[:：]?\s*(?:\S{0,12}?)统计表")
APPENDIX = 7  # pseudo section: tables printed after the report's six sections


def heading_at(text: str) -> tuple[int, int, int] | None:
    """(section, start, end) of the first section heading inside ``text``, if any."""
    m = _HEADING.search(text)
    a = _APPENDIX.search(text)
    if a is not None and (m is None or a.start() < m.start()):
        return APPENDIX, a.start(), a.end()
    if m is None:
        return None
    section = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
    return section, m.start(), m.end()


# --- numbers inside running text ------------------------------------------------------------

# A value run: digits with the spaces, thousands commas, decimal points, signs (-, +, 增, 减)
# and money units table cells carry. Enumerators, years and prose quantities are taken off
# afterwards (:func:`_runs`).
_RUN = re.compile(
    r"(?:[+\-]|增|减)?\d(?:[\d,.\s]|(?:[+\-]|增|减)(?=\s*\d))*"
    r"(?:万元|元)?"
)
# A number directly followed by one of these is a quantity in a sentence (2023年, 74条, 58件,
# 100%), not a table cell: cells print bare numbers (a grid cell ``12件`` is read as a cell).
_PROSE_UNITS = frozenset("年月日号时分秒%条件个次人家余多倍位名项届期万亿千百天周岁户批类篇场起")
_PROSE_BEFORE = frozenset("第〔[（(【")
_YEAR = re.compile(r"(19[89]\d|20[0-4]\d)$")
_ENUM_AFTER = re.compile(r"\s*[.、]\s*[^\d\s.,、]")


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    kind: TokenKind
    note: str = ""
    section: int | None = None


def _runs(norm: str) -> list[_Span]:
    """Value spans of a normalised text, with enumerators, years and prose quantities removed.

    * ``…50000052.没有现成…``: the digit before ``.`` + label is the next row's enumerator, glued
      to this row's numbers; it goes to the label (a label never starts with ``.``);
    * ``…行政事业性收费02025年，我局…``: a year glued to a table's last number is prose;
    * ``主动公开政府信息74条``, ``第711号``, ``〔2021〕``: quantities in sentences are prose.
    """
    out: list[_Span] = []
    for m in _RUN.finditer(norm):
        start, end = m.start(), m.end()
        while end > start and norm[end - 1] in " ,.\u3000":  # trailing separators are not the number's
            end -= 1
        note = ""
        if end < len(norm) and norm[end - 1].isdigit() and _ENUM_AFTER.match(norm, end):
            enumerator = norm[end - 1]
            end -= 1  # the last digit is the next label's enumerator
            while end > start and norm[end - 1] == " ":
                end -= 1
            if end <= start or not any(ch.isdigit() for ch in norm[start:end]):
                continue  # the run was the enumerator itself: label text
            note = f"enumerator {enumerator!r} of the next label taken off"
        after = norm[end:end + 1]
        if after in _PROSE_UNITS:
            if after == "年" and (y := _YEAR.search(norm[start:end].replace(" ", ""))) and end - start > 4:
                # a value glued to the year that starts the next sentence
                end = _cut_digits(norm, start, end, len(y.group()))
                note = "year of the following sentence taken off"
                if end <= start:
                    continue
            else:
                continue
        if start > 0 and norm[start - 1] in _PROSE_BEFORE:
            continue
        if _inside_word(norm, start, end):
            continue
        out.append(_Span(start, end, "value", note))
    return out


def _cut_digits(norm: str, start: int, end: int, n: int) -> int:
    """End of ``norm[start:end]`` without its last ``n`` digits (spaces between them skipped)."""
    while n and end > start:
        end -= 1
        if norm[end].isdigit():
            n -= 1
    while end > start and norm[end - 1] == " ":
        end -= 1
    return end


def _inside_word(norm: str, start: int, end: int) -> bool:
    """Digits that are part of an ASCII word, an address or a phone number (www.…, 0591-…)."""
    before = norm[start - 1:start]
    after = norm[end:end + 1]
    return bool(before and (before.isascii() and before.isalpha() or before in "@_/:.-")) or bool(
        after and after.isascii() and (after.isalpha() or after in "@_"))


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC per character, and for each normalised character the index of its source character
    (locators point into the printed text)."""
    whole = unicodedata.normalize("NFKC", text)
    if len(whole) == len(text):
        return whole, list(range(len(text)))  # one character for one (full-width forms, NBSP): same positions
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        if ch in "\u00a0\u3000":
            n = " "
        out.append(n)
        src.extend([i] * len(n))
    return "".join(out), src


def text_tokens(text: str, where: str, line: int, page: int | None = None) -> list[Token]:
    """Running text (a paragraph, a label cell that holds numbers) → text, value and heading
    tokens. ``where`` prefixes the locators (``para#3``)."""
    norm, src = _normalised(text)
    spans = _runs(norm)
    heads: list[_Span] = []
    pos = 0
    while (h := heading_at(norm[pos:])) is not None:
        section, a, b = h
        heads.append(_Span(pos + a, pos + b, "heading", section=section))
        pos += b
    spans = [s for s in spans if not any(h.start <= s.start < h.end for h in heads)] + heads
    spans.sort(key=lambda s: s.start)
    out: list[Token] = []
    pos = 0

    def raw(a: int, b: int) -> str:
        return text[src[a]:src[b - 1] + 1] if b > a else ""

    for s in spans:
        if s.start > pos and norm[pos:s.start].strip():
            out.append(Token("text", raw(pos, s.start), f"{where}:c{src[pos]}", line, page=page))
        out.append(Token(s.kind, raw(s.start, s.end), f"{where}:c{src[s.start]}-{src[s.end - 1] + 1}", line,
                         page=page, section=s.section, note=s.note))
        pos = s.end
    if pos < len(norm) and norm[pos:].strip():
        out.append(Token("text", raw(pos, len(norm)), f"{where}:c{src[pos]}", line, page=page))
    return out


# --- documents ------------------------------------------------------------------------------


def linearise(doc: Document) -> list[Token]:
    """Every block of the document as tokens, in reading order."""
    out: list[Token] = []
    line = 0
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Paragraph):
            if is_furniture(b.text, bare_numbers=False):
                continue
            line += 1
            where = f"p{b.page}:para#{i}" if b.page is not None else f"para#{i}"
            out += text_tokens(b.text, where, line, b.page)
        elif isinstance(b, Table):
            for row in b.rows:
                line += 1
                for c in _originals(row):
                    out += cell_tokens(c, b.source, line)
    return out


def _originals(row: list[GridCell]) -> list[GridCell]:
    """A grid row without span copies: a spanning value counts once, and a rowspan label
    (三、本年度办理结果) is read where it was printed."""
    return [c for c in row if not c.is_span_copy]


def cell_tokens(c: GridCell, table: str, line: int) -> list[Token]:
    """One grid cell: a value cell is one token with printed boundaries, anything else is
    label text. Digits inside a label cell (an OCR text layer fused into a cell:
    ``3.其他 0 (``) are never read as values: the grid says where the values are."""
    locator = f"{table}:p{c.page}:r{c.row}c{c.col}" if c.page is not None else f"{table}:r{c.row}c{c.col}"
    if not table:
        locator = locator[1:]
    if is_value_text(c.text):
        return [Token("value", c.text, locator, line, cell=True, page=c.page)]
    h = heading_at(normalize(c.text)) if _NUMERAL_START.match(c.text.lstrip()) else None
    if h is not None and h[1] == 0:
        return [Token("heading", c.text, locator, line, page=c.page, section=h[0])]
    return [Token("text", c.text, locator, line, page=c.page)]
