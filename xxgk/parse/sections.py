"""Splitting a document into the template's six sections (spec §1.1).

Headings are recognised by their full wording, not their numeral: table-3 row labels start
``一、`` … ``四、`` as well (spec §5.9), and they live in table cells, whereas headings are
paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from xxgk.document import Document, GridCell, Paragraph, Table
from xxgk.labels import match_table3_row, normalize

_NUMERAL = re.compile(r"^[一二三四五六][、.．]")
_HEADINGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("总体情况",)),
    (2, ("主动公开政府信息情况", "主动公开政府信息")),
    (3, ("收到和处理政府信息公开申请",)),
    (4, ("行政诉讼", "行政复议")),  # also misspelt: 四、政府信息公开行政法复议、行政诉讼情况
    (5, ("存在的主要问题",)),
    (6, ("其他需要报告",)),
)


def heading_number(text: str) -> int | None:
    """Section number if ``text`` is one of the six headings, else None."""
    n = normalize(text).lstrip("#")
    if len(n) > 40 or not _NUMERAL.match(n):
        return None
    for number, words in _HEADINGS:
        if any(w in n for w in words):
            return number
    return None


def split_sections(doc: Document) -> dict[int, list[Paragraph | Table]]:
    """Blocks per section number; blocks before the first heading go to section 0."""
    out: dict[int, list[Paragraph | Table]] = {0: []}
    current = 0
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            n = heading_number(b.text)
            if n is not None and n not in out:
                current = n
                out[n] = []
                continue
        out.setdefault(current, []).append(b)
    return out


def table_rows(blocks: list[Paragraph | Table]) -> list[list[GridCell]]:
    """All grid rows of the tables in a section, in order (tables split across pages join),
    plus paragraphs that are flattened table rows (:func:`flattened_row`)."""
    rows: list[list[GridCell]] = []
    for b in blocks:
        if isinstance(b, Table):  # each cell learns its table, for the locator kept with every value
            rows += [[replace(c, table=b.source) for c in row] for row in b.rows]
        elif (row := flattened_row(b.text)) is not None:
            rows.append(row)
    return rows


# A row label, then a digit run of at least 7 digits (the narrowest glued row, table 3's).
_FLATTENED = re.compile(r"^(?P<label>.*?[^0-9０-９\s])??\s*(?P<digits>[0-9０-９][0-9０-９\s]*[0-9０-９])\s*$")
_MIN_GLUED_DIGITS = 7


def flattened_row(text: str) -> list[GridCell] | None:
    """A text export's table row that lost its cells: ``一、本年新收政府信息公开申请数量200 000121``
    or table 4's bare ``21317000001324019``. Only a known table-3 row label (or none at all)
    may precede the digits, so narrative sentences never turn into rows."""
    m = _FLATTENED.match(text)
    if m is None or sum(ch.isdigit() for ch in unicodedata.normalize("NFKC", m["digits"])) < _MIN_GLUED_DIGITS:
        return None
    label = (m["label"] or "").strip()
    if label and match_table3_row(label) is None:
        return None
    texts = [label, m["digits"]] if label else [m["digits"]]
    return [GridCell(x, 0, c, (0, c)) for c, x in enumerate(texts)]


def narrative(blocks: list[Paragraph | Table]) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
