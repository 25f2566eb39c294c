"""Document bytes → :class:`xxgk.document.Document`, one extractor per format.

:func:`extract` decides the format from the bytes themselves (magic numbers, then markup),
falling back to the file name only for plain text, because portals mislabel files (a .docx
served as text/html, an HTML error page saved as .pdf).
Besides a Document, extraction can end in :class:`~xxgk.extract.errors.Unreadable` (exit 1),
its subclass :class:`~xxgk.extract.errors.TooLarge` (an input limit of
:mod:`xxgk.extract.limits`) or :class:`~xxgk.extract.errors.NotAReport` (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk import charset
from xxgk.document import Document, Paragraph
from xxgk.extract import limits, sniff
from xxgk.extract.errors import NotAReport, TooLarge, Unreadable
from xxgk.extract.text import extract_text

__all__ = ["NotAReport", "TooLarge", "Unreadable", "extract"]


def extract(data: bytes, name: str = "") -> Document:
    limits.check("input bytes", len(data), limits.MAX_INPUT_BYTES)
    doc = _extract(data, name)
    texts = list(_texts(doc))
    limits.check("extracted characters", sum(len(t) for t in texts), limits.MAX_TEXT_CHARS)
    longest = max((len(m.group(0)) for t in texts for m in _LONG_DIGITS.finditer(t)), default=0)
    limits.check("longest run of digits", longest, limits.MAX_DIGIT_RUN)
    return doc


_LONG_DIGITS = re.compile(rf"\d{{{limits.MAX_DIGIT_RUN + 1},}}")


def _texts(doc: Document) -> Iterator[str]:
    """The text of a document's paragraphs and (original, not span-copied) cells."""
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            yield b.text
        else:
            yield from (c.text for row in b.rows for c in row if not c.is_span_copy)


def _extract(data: bytes, name: str) -> Document:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    media_type = sniff.sniff(data, ext)
    if media_type == sniff.TEXT:
        text = charset.decode(data)[0]
        limits.check("text characters", len(text), limits.MAX_TEXT_CHARS)
        return extract_text(text)
    if media_type == sniff.HTML:
        from xxgk.extract.html import extract_html

        return extract_html(data)
    if media_type == sniff.PDF:
        from xxgk.extract.pdf import extract_pdf

        return extract_pdf(data)
    if media_type == sniff.DOCX:
        from xxgk.extract.docx import extract_docx

        return extract_docx(data)
    if media_type in (sniff.DOC, sniff.WPS, sniff.OLE):
        from xxgk.extract.ole import extract_ole

        return extract_ole(data, name)
    raise Unreadable(f"no extractor for {media_type} ({name or 'unnamed'})", "unsupported_format")
