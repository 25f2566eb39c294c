"""Word 97–2003 (DOC) and WPS attachments (OLE2 containers) → :class:`~xxgk.document.Document`.

They are converted to DOCX with LibreOffice headless and read by :mod:`xxgk.extract.docx`.
Why convert rather than read the OLE ``WordDocument`` text stream: the stream gives the
characters, but table structure (which cell mark closes a row, horizontal and vertical
merges) lives in binary property runs (PAPX/TAPX) that only a full Word-format reader
decodes; without it the template's merged header cells and the 三、本年度办理结果 rowspan
cannot be told apart from empty cells, and positional mapping would shift values. LibreOffice
is that reader, installed by the project's setup (Debian package ``libreoffice-writer-nogui``).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import olefile

from xxgk.document import Document
from xxgk.extract.docx import extract_docx
from xxgk.extract.errors import Unreadable

CONVERT_TIMEOUT_S = 120


def extract_ole(data: bytes, name: str = "") -> Document:
    if not _is_word(data):
        raise Unreadable(f"OLE2 file without a WordDocument stream ({name or 'unnamed'})", "unsupported_format")
    doc = extract_docx(convert_to_docx(data))
    doc.media_type = "application/msword"
    doc.notes.append("converted from DOC/WPS with LibreOffice")
    return doc


def _is_word(data: bytes) -> bool:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ole.exists("WordDocument")
    except Exception:  # olefile raises assorted errors for damaged or truncated containers
        return False


def convert_to_docx(data: bytes) -> bytes:
    """DOC/WPS bytes → DOCX bytes via ``soffice --headless --convert-to docx``.

    A private user profile per call: a shared one is locked by any other running soffice,
    which makes the conversion silently produce nothing.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise Unreadable("DOC/WPS needs LibreOffice (soffice) to convert; not installed", "converter_missing")
    with tempfile.TemporaryDirectory(prefix="xxgk-soffice-") as tmp:
        src = Path(tmp, "in.doc")
        src.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False,
                           env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as e:
            raise Unreadable(f"LibreOffice conversion timed out after {CONVERT_TIMEOUT_S} s", "corrupt_doc") from e
        out = Path(tmp, "in.docx")
        if not out.exists():
            raise Unreadable("LibreOffice could not convert the DOC/WPS file", "corrupt_doc")
        return out.read_bytes()
