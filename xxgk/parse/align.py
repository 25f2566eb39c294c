"""Aligning a token stream (:mod:`xxgk.parse.stream`) to the template's grammar.

The stream is read as a sequence of **pieces** (row labels, headers, prose) and **values**.
A piece is label text from one enumerator (``一、`` ``（三）`` ``2.``) to the next; text that
continues a piece without an enumerator of its own (``商业`` / ``企业``, a label wrapped over
two PDF lines, the header cells of a grid row) joins it. Values after a piece are that piece's
row; values after the values of another printed line form a row without a label (a row whose
label OCR lost, or the numbers of a PDF line printed below their labels).

Which table a row belongs to is decided by the table's own vocabulary, not by section
numbers: table 2 starts at a 第二十条 caption or a 信息内容 header, table 3 at its header
(申请人情况, 自然人 …) or its first row label, table 4 at a header with three of its words
(行政复议, 结果维持 …). So the tables are found whatever the section layout (provincial
reports print them in an appendix) and prose that mentions 予以公开18件 is never a row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from xxgk.labels import (
    T3_HEADER_WORDS,
    T4_HEADER_WORDS,
    TABLE2_MARKERS,
    match_table2_rows,
    match_table3_rows,
    normalize,
    strip_enumerator,
)
from xxgk.parse.stream import Token
from xxgk.schema import TABLE2_ROWS, TABLE3_ROWS

# An enumerator opens a new label: 一、 （三） 2. 1、 (not 第（一）项, not 第一项).
_ENUMERATOR = re.compile(
    r"(?<!第)(?:[一二三四五六七八九十]{1,2}、|[(（][一二三四五六七八九十]{1,2}[)）]|(?<![\d.])\d{1,2}\s*[.、．](?![\d.]))"
)


@dataclass
class Piece:
    text: str  # raw label text as printed (pieces of several tokens joined)
    locator: str
    line: int
    index: int  # position in the stream (order of pieces and values)
    lines: list[tuple[str, int]] = field(default_factory=list)  # the text per printed line, for prose

    @property
    def norm(self) -> str:
        return normalize(self.text)


@dataclass
class Row:
    """A label (or none) with the values printed after it, in stream order."""

    piece: Piece | None
    values: list[Token]

    @property
    def label(self) -> str:
        return self.piece.text if self.piece else ""

    @property
    def filled(self) -> bool:
        """Holds at least one non-blank value."""
        return any(normalize(v.text) for v in self.values)


@dataclass
class Stream:
    """The stream regrouped: rows per table, the section of every narrative line."""

    table2: list[Row]
    table3: list[Row]
    table4: list[Row]
    narrative: dict[int, list[str]]  # section → prose lines (table rows excluded)
    table2_text: str  # all label text of the table-2 region (template-version signals)
    sections: set[int]  # section headings seen


def rows_of(tokens: list[Token]) -> list[Row | Token]:
    """Pieces and values → rows; heading tokens are kept in place as region boundaries."""
    out: list[Row | Token] = []
    current: Row | None = None
    for i, t in enumerate(tokens):
        if t.kind == "heading":
            current = None
            out.append(t)
            continue
        if t.kind == "value":
            if current is None or (current.values and current.values[-1].line != t.line):
                current = Row(None, [])
                out.append(current)
            current.values.append(t)
            continue
        for text, opens in _split_pieces(t.text):
            joins = (not opens and current is not None and current.piece is not None and not current.values
                     and not _is_prose(current.piece.text))
            if joins:
                assert current is not None and current.piece is not None
                sep = "" if current.piece.line == t.line else "\n"
                current.piece.text += sep + text
                current.piece.lines.append((text, t.line))
            else:
                current = Row(Piece(text, t.locator, t.line, i, [(text, t.line)]), [])
                out.append(current)
    return out


_SENTENCE_END = re.compile(r"[。；;！？!?]")
_MAYBE_SPLIT = re.compile(r"[、.．。；;！？!?)）]|\d")


def _split_pieces(text: str) -> list[tuple[str, bool]]:
    """Label text cut before each enumerator and after each sentence (a table's header may
    follow a sentence in the same paragraph): (text, starts with an enumerator)."""
    if not _MAYBE_SPLIT.search(text):
        return [(text, False)]  # most label cells: nothing to cut
    starts = sorted({m.start() for m in _ENUMERATOR.finditer(text)}
                    | {m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text)})
    if not starts or starts[0] != 0:
        starts = [0] + starts
    out = []
    for a, b in zip(starts, starts[1:] + [len(text)], strict=True):
        chunk = text[a:b]
        if chunk.strip():
            out.append((chunk, bool(_ENUMERATOR.match(chunk))))
    return out


def _is_prose(text: str) -> bool:
    """A sentence, not a label: labels never hold a full stop."""
    return "。" in text or len(normalize(text)) > 120


# --- regions ----------------------------------------------------------------------------------


def regroup(tokens: list[Token]) -> Stream:
    """Rows of tables 2, 3 and 4 and the narrative lines, found by each table's vocabulary."""
    items = rows_of(tokens)
    t2: list[Row] = []
    t3: list[Row] = []
    t4: list[Row] = []
    t2_text: list[str] = []
    narrative: dict[int, list[str]] = {}
    sections: set[int] = set()
    section = 0
    state: str | None = None
    t4_started = False
    t4_via_heading = False  # table 4 entered by its section heading, no header printed
    t3_done = False
    prose_line: tuple[int, int] | None = None  # (section, line) of the narrative line being built

    def add_prose(text: str, line: int) -> None:
        nonlocal prose_line
        lines = narrative.setdefault(section, [])
        if prose_line == (section, line) and lines:
            lines[-1] += text
        else:
            lines.append(text)
            prose_line = (section, line)

    for item in items:
        if isinstance(item, Token):  # a section heading
            section = item.section or 0
            sections.add(section)
            t4_via_heading = section == 4 and not t4
            state, t4_started = ("t4" if t4_via_heading else None), False
            prose_line = None
            continue
        row = item
        norm = row.piece.norm if row.piece else ""
        marker = _marker(norm) if row.piece else None
        if marker == "t4" and (state != "t4" or t4_started or t4_via_heading):
            state, t4_started, t4_via_heading = "t4", False, False
        elif marker == "t3" and state != "t3" and not t3_done:
            state = "t3"
        elif marker == "t2" and state != "t2":
            state = "t2"
        elif state == "t4" and row.piece and t4_started and not _t4_vocabulary(norm):
            state = None
        elif state == "t2" and row.piece and _is_prose(row.piece.text) and not match_table2_rows(norm):
            state = None
        if state == "t4" and t4_via_heading and row.piece is not None:
            # entered by the section heading alone: only lines of bare numbers are the table;
            # numbers in sentences (发生行政复议1件) are prose
            _prose(row, add_prose)
            continue
        if state == "t2":
            if row.piece:
                t2_text.append(row.piece.text)
            t2.append(row)
        elif state == "t3":
            t3.append(row)
            if row.values and row.piece and "carried_forward" in match_table3_rows(norm) and _labelish(norm):
                state, t3_done = None, True
        elif state == "t4":
            t4.append(row)
            t4_started = t4_started or row.filled
        else:
            _prose(row, add_prose)
    return Stream(t2, t3, t4, narrative, "".join(t2_text), sections)


def _prose(row: Row, add: Callable[[str, int], None]) -> None:
    """A row outside the tables is narrative: its text line by line, numbers included."""
    for text, line in row.piece.lines if row.piece else []:
        add(text, line)
    for v in row.values:
        add(v.text, v.line)


def _marker(norm: str) -> str | None:
    """Which table's header (or first row) this label opens, if any."""
    if any(p in norm for p in "。;"):
        return None  # a sentence that names the table's words is prose
    if sum(w in norm for w in T4_HEADER_WORDS) >= 3:
        return "t4"
    if any(w in norm for w in T3_HEADER_WORDS[:4]) or (
            {"new_received", "carried_over"} & set(match_table3_rows(norm)) and _labelish(norm)):
        return "t3"
    if any(w in norm for w in TABLE2_MARKERS):
        return "t2"
    return None


def _labelish(norm: str) -> bool:
    """Short enough and without a sentence's punctuation to be a row label."""
    return len(norm) <= 60 and not any(p in norm for p in "。;;!?") and not norm.startswith(("件", "条", "的"))


def _t4_vocabulary(norm: str) -> bool:
    """Header text of table 4 (and its row labels in the transposed layout)."""
    rest = norm
    for w in (*T4_HEADER_WORDS, "总计", "行政诉讼", "合计"):
        rest = rest.replace(w, "")
    return len(re.sub(r"[\W\d_a-zA-Z]", "", rest)) <= 4


# --- similar labels -------------------------------------------------------------------------


# Group labels of table 3 (no data cells of their own): never a leaf row, however similar.
GROUP_WORDS = ("不予公开", "无法提供", "不予处理", "办理结果")
_T2_HEADER_WORDS = ("信息内容", "第二十条", "数量", "件数", "金额", "增/减")


@lru_cache(maxsize=4096)
def fuzzy_table3_key(norm: str, keys: tuple[str, ...]) -> str | None:
    """The template row whose label this damaged label is most like (OCR drops, doubles and
    confuses characters: ``7.属于行政执法案件``, ``2.复申请``), if it is clearly the closest."""
    bare = strip_enumerator(norm)
    if not 3 <= len(bare) <= 45 or any(w in bare for w in T3_HEADER_WORDS + GROUP_WORDS):
        return None
    if bare != norm:  # the enumerator is evidence too: (六)其他理 is （六）其他处理, not 3.其他
        return _closest(norm, {k: normalize(_T3_LABELS[k]) for k in keys})
    return _closest(bare, {k: strip_enumerator(normalize(_T3_LABELS[k])) for k in keys})


@lru_cache(maxsize=4096)
def fuzzy_table2_key(norm: str, keys: tuple[str, ...]) -> str | None:
    """The same for a table-2 row label (行政可 for 行政许可)."""
    if not 2 <= len(norm) <= 12 or any(w in norm for w in _T2_HEADER_WORDS):
        return None
    return _closest(norm, {k: normalize(_T2_LABELS[k]) for k in keys})


def _closest(text: str, labels: dict[str, str]) -> str | None:
    """The key whose label is most similar, when similar enough (stricter for short labels) and
    clearly ahead of the next best."""
    scored = sorted(((difflib.SequenceMatcher(None, text, label, autojunk=False).ratio(), key)
                     for key, label in labels.items()), reverse=True)
    best, second = scored[0], scored[1] if len(scored) > 1 else (0.0, "")
    floor = 0.8 if len(text) <= 4 else 0.72
    if best[0] >= floor and best[0] - second[0] >= 0.08:
        return best[1]
    return None


_T3_LABELS = {r.key: r.label for rows in TABLE3_ROWS.values() for r in rows}
_T2_LABELS = {r.key: r.label for rows in TABLE2_ROWS.values() for r in rows}
