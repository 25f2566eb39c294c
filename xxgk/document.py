"""The format-independent view of a report document that every extractor produces.

Extractors (text shapes, HTML, PDF, DOCX, …) turn bytes into a :class:`Document`: an ordered
list of blocks, each a :class:`Paragraph` or a :class:`Table` whose cells form a grid with
merged cells already expanded. The parser (:mod:`xxgk.parse`) only ever sees this view, so a
new format needs an extractor and nothing else.

Why spans are expanded but remembered: the table mapper works positionally (row label, then
the row's values); a rowspan label such as ``三、本年度办理结果`` must appear on every row it
covers, while a value cell spanning columns must count once. ``GridCell.origin`` tells copies
from originals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FURNITURE = re.compile(
    r"^\s*(?:[-—–－─_~·•]+\s*\d{1,3}\s*[-—–－─_~·•]+|第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def is_furniture(line: str, bare_numbers: bool = True) -> bool:
    """Page numbers in their usual dresses: ``- 3 -``, ``— 5 —``, ``第3页``, ``3/12``, and (where
    the caller knows it is at a page's edge, ``bare_numbers``) a lone ``7``. Extractors drop
    them where they know pages; the parser skips the decorated ones that reach it (a lone
    number in a text layer may be a table value wrapped onto its own line)."""
    return bool(_FURNITURE.match(line) or (bare_numbers and _BARE_NUMBER.match(line)))


@dataclass(frozen=True, slots=True)
class GridCell:
    """One position of a table grid.

    ``text`` is the cell text as extracted (NBSP, line breaks and all); ``origin`` is the
    (row, col) of the source cell covering this position: equal to (row, col) for an original
    cell, different for a copy produced by expanding a row/col span.
    """

    text: str
    row: int
    col: int
    origin: tuple[int, int] | None = None
    page: int | None = None
    table: str = ""  # which table of the document (its ``Table.source``), set when sections are read

    @property
    def is_span_copy(self) -> bool:
        return self.origin is not None and self.origin != (self.row, self.col)

    @property
    def locator(self) -> str:
        """Provenance string kept with every parsed cell (page and grid coordinates)."""
        parts = [self.table, f"p{self.page}" if self.page is not None else "", f"r{self.row}c{self.col}"]
        return ":".join(p for p in parts if p)


@dataclass
class Table:
    """A table as a list of grid rows. Rows may have different lengths (text exports)."""

    rows: list[list[GridCell]]
    page: int | None = None
    source: str = ""  # e.g. "html:table#3", "text:lines 40-120"


@dataclass
class Paragraph:
    text: str
    page: int | None = None


Block = Paragraph | Table


@dataclass
class Document:
    """Blocks in reading order plus what the container itself says about the document."""

    blocks: list[Block]
    media_type: str  # "text/plain", "text/html", "application/pdf", …
    title_hint: str | None = None  # e.g. <meta name="ArticleTitle"> or the PDF title
    page_titles: list[str] = field(default_factory=list)  # the page's visible title element, its <title>
    published_hint: str | None = None  # posting date if the container gives one
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # extractor remarks (charset fixes, …)

    def text_lines(self) -> list[str]:
        """Paragraph texts in order (tables skipped): what title and narrative parsing read."""
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]


def make_row(texts: list[str], row: int, page: int | None = None) -> list[GridCell]:
    """A grid row of original (non-span) cells, as text extractors produce them."""
    return [GridCell(t, row, c, (row, c), page) for c, t in enumerate(texts)]
