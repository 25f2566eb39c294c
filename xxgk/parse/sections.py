"""Splitting a document into the template's six sections (spec §1.1).

Headings are recognised by their full wording, not their numeral: table-3 row labels start
``一、`` … ``四、`` as well (spec §5.9), and they live in table cells, whereas headings are
paragraphs.
"""

from __future__ import annotations

import re

from xxgk.document import Document, GridCell, Paragraph, Table
from xxgk.labels import normalize

_NUMERAL = re.compile(r"^[一二三四五六][、.．]")
_HEADINGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("总体情况",)),
    (2, ("主动公开政府信息情况", "主动公开政府信息")),
    (3, ("收到和处理政府信息公开申请",)),
    (4, ("行政复议、行政诉讼", "行政复议和行政诉讼", "行政复议行政诉讼")),
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
    """All grid rows of the tables in a section, in order (tables split across pages join)."""
    return [row for b in blocks if isinstance(b, Table) for row in b.rows]


def narrative(blocks: list[Paragraph | Table]) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
