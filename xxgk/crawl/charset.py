"""Decoding portal pages whose charset declarations cannot be trusted (fault F9).

Order: byte-order mark → HTTP header charset (only if the bytes decode cleanly with it) →
``<meta>`` charset (same condition) → detection (UTF-8, then GB18030). Every GB2312/GBK label
is read as GB18030, its superset: pages declared gb2312 routinely contain GBK-only characters
(镕, 堃, 喆 …) that a strict gb2312 codec rejects or turns into replacement characters.
Single-byte Latin labels are ignored as declarations: on Chinese portals they are server
defaults on error pages, and Latin-1 "decodes" any byte string into mojibake.
"""

from __future__ import annotations

import codecs
import re

_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "cp936", "ms936",
       "windows-936", "x-euc-cn", "hz-gb-2312"}
_IGNORED = {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252",
            "iso8859-1", "l1"}

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def normalize(label: str | None) -> str | None:
    """Map a declared charset label to the codec we decode with, or None if it says nothing."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _GB:
        return "gb18030"
    if name in _IGNORED:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER.search(content_type or "")
    return m.group(1) if m else None


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta charset>`` or http-equiv)."""
    m = _META.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _strict(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, content_type: str | None = None, forced: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)``. ``forced`` (a source's ``charset`` override) wins over
    everything; it still decodes with replacement so one bad byte does not lose a page."""
    if forced:
        codec = normalize(forced) or forced
        return data.decode(codec, errors="replace"), codec
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    for label in (header_charset(content_type), meta_charset(data)):
        codec = normalize(label)
        text = _strict(data, codec)
        if text is not None:
            return text, codec  # type: ignore[return-value]
    for codec in ("utf-8", "gb18030"):
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    return data.decode("utf-8", errors="replace"), "utf-8"
