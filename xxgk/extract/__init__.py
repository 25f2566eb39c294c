"""Document bytes → :class:`xxgk.document.Document`, one extractor per format.

:func:`extract` decides the format from the bytes themselves (magic numbers, then markup),
falling back to the file name only for plain text, because portals mislabel files (a .docx
served as text/html, an HTML error page saved as .pdf).
Besides a Document, extraction can end in :class:`~xxgk.extract.errors.Unreadable` (exit 1)
or :class:`~xxgk.extract.errors.NotAReport` (exit 2).
"""

from __future__ import annotations

from xxgk import charset
from xxgk.document import Document
from xxgk.extract import sniff
from xxgk.extract.errors import NotAReport, Unreadable
from xxgk.extract.text import extract_text

__all__ = ["NotAReport", "Unreadable", "extract"]


def extract(data: bytes, name: str = "") -> Document:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    media_type = sniff.sniff(data, ext)
    if media_type == sniff.TEXT:
        return extract_text(charset.decode(data)[0])
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
