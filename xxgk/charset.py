"""Bytes → text for every textual document and page: the project's one decoding function.

Used by the crawler (portal pages whose declarations cannot be trusted, fault F9), by the
format sniffer (UTF-16/32 text carries NUL bytes) and by the HTML and text extractors.
It lives outside ``xxgk.crawl`` and ``xxgk.extract`` so both can use it without one
importing the other.

Order of evidence, strongest first:

1. a source's forced charset (the operator knows the site lies);
2. a byte-order mark (UTF-32 before UTF-16: ``FF FE 00 00`` starts with the UTF-16 mark);
3. valid UTF-8 without NUL bytes: multi-byte UTF-8 sequences do not happen by accident in
   GBK text, so a page that is valid UTF-8 is UTF-8 whatever it declares (a UTF-8 page
   declaring ``utf-16`` or ``gbk`` is common; the fast path also covers most pages);
4. detection by charset-normalizer among the encodings Chinese documents use plus what the
   page declares (``Content-Type`` header, then ``<meta>``); of the decodings it finds about
   equally plausible, the declared one wins, then one it reads as Chinese. A declaration
   the bytes contradict (invalid under it, or implausible text such as a UTF-8 page read as
   UTF-16) is ignored rather than believed;
5. nothing plausible (damaged bytes): UTF-8 or GB18030 with replacement characters,
   whichever needs fewer of them.

Every GB2312/GBK label is read as GB18030, its superset: pages declared gb2312 routinely hold
GBK-only characters (镕, 堃, 喆 …) that a strict gb2312 codec rejects. Single-byte Latin labels
are ignored as declarations: on Chinese portals they are server defaults on error pages, and
Latin-1 "decodes" any byte string into mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence

_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "cp936", "ms936",
       "windows-936", "x-euc-cn", "hz-gb-2312", "euc_cn", "gb2312-80"}
_IGNORED = {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252",
            "iso8859-1", "l1"}
#: What Chinese government documents come in; declared encodings are added per document.
CANDIDATES = ("utf_8", "gb18030", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")
_WIDE = ("utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")
#: Matches whose chaos (charset-normalizer's mess ratio) is this close count as a tie.
_TIE = 0.02

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


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


def bom_codec(data: bytes) -> str | None:
    """The codec a byte-order mark names (it strips the mark when decoding), or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def decode(data: bytes, content_type: str | None = None, forced: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)``. ``forced`` (a source's ``charset`` override) wins over
    everything; it still decodes with replacement so one bad byte does not lose a page."""
    if forced:
        codec = normalize(forced) or forced
        return data.decode(codec, errors="replace"), codec
    codec = bom_codec(data)
    if codec is not None:
        return data.decode(codec, errors="replace"), codec
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = [c for c in (normalize(header_charset(content_type)), normalize(meta_charset(data))) if c]
    codec = detect(data, declared)
    if codec is not None:
        return data.decode(codec), codec
    utf8, gb = data.decode("utf-8", errors="replace"), data.decode("gb18030", errors="replace")
    return (utf8, "utf-8") if utf8.count("\ufffd") <= gb.count("\ufffd") else (gb, "gb18030")


def detect(data: bytes, declared: Sequence[str] = (), candidates: Sequence[str] = CANDIDATES) -> str | None:
    """The encoding of ``data`` among ``candidates`` plus ``declared``, by charset-normalizer;
    None when no candidate decodes the bytes into plausible text."""
    from charset_normalizer import from_bytes  # 17 ms to import: only documents that need it pay
    from charset_normalizer.utils import iana_name

    # A UTF-16/32 declaration is no evidence: nearly any even-length byte string "decodes" as
    # UTF-16 (the WHATWG encoding sniffing rules ignore it in <meta> for the same reason);
    # real UTF-16/32 text is found by detection (its candidates are always tried).
    wanted = [n for n in (iana_name(c, strict=False) for c in declared) if not n.startswith(("utf_16", "utf_32"))]
    matches = list(from_bytes(data, cp_isolation=list(dict.fromkeys([*wanted, *candidates]))))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= best + _TIE]
    for name in wanted:
        for m in close:
            if m.encoding == name:
                return m.encoding
    chinese = [m for m in close if m.language == "Chinese"]
    return (chinese or close)[0].encoding


def wide_codec(head: bytes) -> str | None:
    """The UTF-16/32 codec ``head`` (the start of a document holding NUL bytes) is text in,
    by byte-order mark or detection; None for binary data."""
    codec = bom_codec(head)
    if codec is not None:
        return codec if codec != "utf-8-sig" else None
    usable = len(head) - len(head) % 4  # a cut in the middle of a code unit is not an error
    return detect(head[:usable], candidates=_WIDE)

