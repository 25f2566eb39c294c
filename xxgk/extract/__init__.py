"""Document bytes → :class:`xxgk.document.Document`, one extractor per format.

:func:`extract` decides the format from the bytes themselves (magic numbers, then markup),
falling back to the file name only for plain text, because portals mislabel files (a .docx
served as text/html, an HTML error page saved as .pdf).
"""

from __future__ import annotations

from xxgk.document import Document
from xxgk.extract.sniff import sniff_media_type
from xxgk.extract.text import decode_text, extract_text


class Unreadable(Exception):
    """The bytes cannot be read as any supported document (exit code 1 of ``xxgk parse``)."""


def extract(data: bytes, name: str = "") -> Document:
    media_type = sniff_media_type(data, name)
    if media_type == "text/plain":
        return extract_text(decode_text(data))
    raise Unreadable(f"no extractor for {media_type} yet ({name or 'unnamed'})")
