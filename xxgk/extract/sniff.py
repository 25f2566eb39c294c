"""Format detection from content, not from what the server or the file name claims."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

_HTML = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<head|<meta|<body|<div|<table|<p[\s>]|<script|<title|<!--|<\?xml)", re.I)


def sniff_media_type(data: bytes, name: str = "") -> str:
    """Media type of a document judged by its bytes.

    Returns one of ``application/pdf``, the OOXML types, ``application/x-ole-storage`` (DOC/WPS),
    ``application/ofd``, ``application/zip``, ``text/html``, ``text/plain`` or
    ``application/octet-stream``.
    """
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _HTML.match(stripped):
        return "text/html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "application/octet-stream"
    return "text/plain"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "application/octet-stream"
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if "OFD.xml" in names:
        return "application/ofd"
    return "application/zip"
