"""What a document's bytes really are: the one format detector of the project.

The crawler asks it what a download is (fault F10) and the extractors which reader to use.
Portals serve real .docx files as ``text/html`` (``downfile.jsp``) and HTML error pages under
``.pdf`` names with status 200, so neither the header nor the link's extension decides; the
first bytes do. Zip containers are opened to tell docx/xlsx/ofd apart, OLE2 containers are
named from their streams (Word binary, Excel binary) with the link's extension as a hint for
WPS, which uses the same Word-binary layout.
"""

from __future__ import annotations

import io
import zipfile

import olefile

from xxgk import charset

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFD = "application/ofd"
DOC = "application/msword"
WPS = "application/vnd.ms-works"
XLS = "application/vnd.ms-excel"
OLE = "application/x-ole-storage"
RTF = "application/rtf"
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
HTML = "text/html"
JSON = "application/json"
TEXT = "text/plain"
BINARY = "application/octet-stream"

#: Media types accepted as a report attachment; anything else where a file was promised is
#: recorded as ``attachment_not_file``.
FILE_TYPES = frozenset({PDF, DOCX, XLSX, OFD, DOC, WPS, XLS, OLE, RTF, PNG, JPEG})

EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", OFD: "ofd", DOC: "doc", WPS: "wps",
              XLS: "xls", RTF: "rtf", PNG: "png", JPEG: "jpg", HTML: "html", JSON: "json",
              TEXT: "txt"}

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HTML_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<title", b"<meta",
                 b"<div", b"<p", b"<table", b"<br", b"<!--")


def sniff(data: bytes, ext_hint: str = "") -> str:
    """Media type of ``data``. ``ext_hint`` is the extension the link promised (lower case,
    no dot); it only picks between formats the bytes cannot tell apart."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, ext_hint)
    if data.startswith(b"{\\rtf"):
        return RTF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if b"\x00" in head:  # binary, or UTF-16/32 text (with or without a byte-order mark)
        codec = charset.wide_codec(head)
        if codec is None:
            return BINARY
        usable = len(head) - len(head) % 4
        head = head[:usable].decode(codec, errors="ignore").encode("utf-8")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"<") and any(m in stripped for m in _HTML_MARKERS):
        return HTML
    if stripped[:1] in (b"{", b"["):
        return JSON
    return TEXT  # UTF-8, GB18030, UTF-16 or UTF-32 text (decoded by xxgk.charset)


def _zip_kind(data: bytes) -> str:
    try:
        names = [n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
    except Exception:  # zipfile raises assorted errors on damaged central directories; still a zip
        return ZIP
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.rsplit("/", 1)[-1] == "ofd.xml" for n in names):
        return OFD
    return ZIP


def _ole_kind(data: bytes, ext_hint: str) -> str:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(p).lower() for p in ole.listdir()}
    except Exception:  # olefile raises assorted errors on damaged containers; still an OLE file
        return OLE
    if "worddocument" in streams:
        return WPS if ext_hint == "wps" else DOC
    if streams & {"workbook", "book"}:
        return XLS
    return WPS if ext_hint == "wps" else OLE
