"""Attachment bytes and the URLs families link them under.

Real files (the 洪泽/淮安 PDFs, the 2021 Word template) are served from the bundled corpus ``data/corpus``;
``docx:self`` renders the report itself as a Word file, byte-identical on every call (fixed
zip timestamps and core properties) so that an unchanged report never looks like a new version.
JPaaS download links carry an expiring, opaque ``fileUrl`` token (fault F12).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from functools import cache
from urllib.parse import quote

import docx
from docx.shared import Pt

from xxgk.mirror import tables
from xxgk.mirror.catalogue import CORPUS_DIR, DATA_DIR, Attachment, Report
from xxgk.mirror.content import ReportContent
from xxgk.mirror.render import esc, grid_for

JPAAS_DOWNLOAD = "/api-gateway/jpaas-web-server/front/document/download"
OSS_HOST = "zjjcmspublic.oss-cn-hangzhou-zwynet-d01-a.internet.cloud.zj.gov.cn"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/kswps",
}
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@cache
def data_bytes(rel: str) -> bytes:
    """A bundled file: ``corpus/…`` is a real document of data/corpus (served as is), anything
    else a simulator-only file under data/mirror (``files/…``)."""
    if rel.startswith("corpus/"):
        return (CORPUS_DIR / rel.removeprefix("corpus/")).read_bytes()
    return (DATA_DIR / rel).read_bytes()


def static_bytes(name: str) -> bytes:
    """An attachment named in the catalogue (``corpus/hongze_2023.pdf`` or ``x.pdf`` in files/)."""
    return data_bytes(name if name.startswith("corpus/") else f"files/{name}")


def sha12(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def att_id(r: Report, a: Attachment) -> str:
    """Stable 32-hex id of an attachment (the file name Hanweb/OSS URLs carry)."""
    return hashlib.sha256(f"{r.key}|{a.file}|{a.name}".encode()).hexdigest()[:32]


def trs_name(r: Report, a: Attachment) -> str:
    """TRS attachment name next to the article: ``P0`` + 18 digits (portals.md §1 C)."""
    digits = str(int(att_id(r, a), 16))[:18]
    return f"P0{r.posted:%Y%m%d}{digits[:10]}.{a.ext}"


def href(r: Report, a: Attachment, host_web_id: str, token: str = "") -> str:
    """Where a family links an attachment."""
    if a.via == "gateway":
        return f"{JPAAS_DOWNLOAD}?fileUrl={quote(token, safe='')}&fileName={quote(a.name)}"
    if a.via == "oss":
        return f"http://{OSS_HOST}/jcms_files/jcms1/web{host_web_id}/site/attach/0/{att_id(r, a)}.{a.ext}"
    if a.via == "downfile":
        return f"/module/download/downfile.jsp?classid=0&filename={att_id(r, a)}.{a.ext}&showname={quote(a.name)}"
    if a.via == "static":
        return f"./{trs_name(r, a)}"
    raise ValueError(f"unknown attachment route {a.via}")


def link_html(r: Report, a: Attachment, host_web_id: str, token: str = "") -> str:
    url = href(r, a, host_web_id, token)
    return f'<a target="_blank" download="{esc(a.name)}" href="{esc(url)}">{esc(a.name)}</a>'


# --- bytes ------------------------------------------------------------------------------


def attachment_bytes(a: Attachment, content: Callable[[], ReportContent], posted: datetime) -> bytes:
    """The file's bytes; ``content`` is only asked for when the file is the report rendered."""
    if a.file == "docx:self":
        return docx_bytes(content(), posted)
    return static_bytes(a.file)


_docx_cache: dict[tuple[str, str], bytes] = {}


def docx_bytes(content: ReportContent, posted: datetime) -> bytes:
    """The report as a Word file; same content, same bytes."""
    key = (content.version, content.title)
    if key in _docx_cache:
        return _docx_cache[key]
    d = docx.Document()
    d.styles["Normal"].font.size = Pt(12)
    for b in content.blocks:
        if b.kind in ("title", "h", "p"):
            d.add_paragraph(b.text)
        elif b.kind == "legacy_table":
            _docx_table(d, tables.simple([list(r) for r in b.rows]))
        elif b.kind.startswith("table"):
            _docx_table(d, grid_for(content, b.kind))
    fixed = posted.replace(tzinfo=None)
    props = d.core_properties
    props.title, props.author, props.last_modified_by = content.title, "", ""
    props.created = props.modified = props.last_printed = fixed
    buf = io.BytesIO()
    d.save(buf)
    _docx_cache[key] = _rezip(buf.getvalue())
    return _docx_cache[key]


def _docx_table(d: docx.document.Document, grid: tables.Grid) -> None:
    cells = tables.placed(grid)
    t = d.add_table(rows=len(grid), cols=tables.width(grid))
    t.style = "Table Grid"
    for r, c, cell in cells:
        target = t.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text


def _rezip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME), src.read(info.filename), zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


# --- expiring download tokens (JPaaS gateway, fault F12) ---------------------------------


def _keystream(secret: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{secret}|{counter}".encode()).digest()
        counter += 1
    return out[:n]


def mint(secret: str, ref: str, ttl: float) -> str:
    """An opaque token for ``ref`` valid ``ttl`` seconds (base64 of XOR-masked, MAC'd bytes)."""
    payload = f"{ref}|{time.time() + ttl:.3f}".encode()
    tag = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:8]
    raw = bytes(a ^ b for a, b in zip(payload + tag, _keystream(secret, len(payload) + 8), strict=True))
    return base64.b64encode(raw).decode()


def redeem(secret: str, token: str) -> tuple[str, bool] | None:
    """(ref, still valid) for a genuine token, None for garbage."""
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError:
        return None
    plain = bytes(a ^ b for a, b in zip(raw, _keystream(secret, len(raw)), strict=True))
    payload, tag = plain[:-8], plain[-8:]
    if not hmac.compare_digest(tag, hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:8]):
        return None
    ref, _, expiry = payload.decode().rpartition("|")
    return ref, time.time() <= float(expiry)
