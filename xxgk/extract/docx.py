"""Word (DOCX) reports → :class:`~xxgk.document.Document`.

python-docx opens the package; the body is then read from its XML directly, in document
order (paragraphs and tables interleaved), because python-docx's table API hides how cells
are merged. Merges are expanded from the markup itself: ``w:gridSpan`` (columns),
``w:vMerge`` restart/continue (rows) and ``w:gridBefore`` (skipped leading grid columns), and
every copy keeps the ``origin`` of the cell it repeats, as in the HTML grids.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from xxgk.document import Block, Document, GridCell, Paragraph, Table
from xxgk.extract import limits
from xxgk.extract.errors import TooLarge, Unreadable


def extract_docx(data: bytes) -> Document:
    check_package(data)
    try:
        d = docx.Document(io.BytesIO(data))
        blocks: list[Block] = []
        tables = 0
        for el in _body_items(d.element.body):
            if el.tag == qn("w:p"):
                text = paragraph_text(el)
                if text.strip():
                    blocks.append(Paragraph(text.strip()))
            elif el.tag == qn("w:tbl"):
                tables += 1
                blocks.append(table_grid(el, tables))
        title = (d.core_properties.title or "").strip() or None
    except (TooLarge, MemoryError):
        raise
    except Exception as e:  # zipfile, zlib, lxml and python-docx raise many types on damaged packages
        raise Unreadable(f"DOCX cannot be read: {type(e).__name__}: {e}", "corrupt_docx") from e
    return Document(blocks=blocks, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    title_hint=title)


def check_package(data: bytes) -> None:
    """The package's declared sizes against the input limits, before anything is inflated.

    python-docx reads every part into memory and parses the XML ones, so a small zip of
    highly compressible XML (a zip bomb) would cost gigabytes. zipfile never inflates a member
    past its declared size (a lying size ends in a CRC error), so the declared sizes are a
    safe bound.
    """
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as e:  # zipfile raises assorted errors on damaged central directories
        raise Unreadable(f"DOCX cannot be read: {type(e).__name__}: {e}", "corrupt_docx") from e
    limits.check("DOCX package members", len(infos), limits.MAX_ZIP_MEMBERS)
    limits.check("DOCX package bytes, uncompressed", sum(i.file_size for i in infos), limits.MAX_ZIP_BYTES)
    for i in infos:
        if i.filename.lower().endswith((".xml", ".rels")):
            limits.check(f"DOCX part {i.filename}, uncompressed bytes", i.file_size, limits.MAX_XML_PART_BYTES)


def _body_items(parent):  # noqa: ANN001, ANN202 - lxml elements of python-docx's oxml
    """Paragraphs and tables in document order, also those wrapped in content controls
    (``w:sdt``) or custom XML, as form-generated reports have them."""
    for el in parent.iterchildren():
        if el.tag in (qn("w:p"), qn("w:tbl")):
            yield el
        elif el.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            yield from _body_items(el)


def paragraph_text(p) -> str:  # noqa: ANN001 - an lxml element of python-docx's oxml
    """Text of a ``w:p``: runs' ``w:t``, tabs and breaks (a ``w:br`` inside a label is a line break)."""
    out = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if el.tag == qn("w:t"):
            out.append(el.text or "")
        elif el.tag == qn("w:tab"):
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> str:  # noqa: ANN001
    return "\n".join(paragraph_text(p) for p in tc.iterchildren(qn("w:p")))


def _int_attr(parent, tag: str, default: int) -> int:  # noqa: ANN001
    el = parent.find(tag) if parent is not None else None
    if el is None:
        return default
    try:
        return int(el.get(qn("w:val")))
    except (TypeError, ValueError):
        return default


def table_grid(tbl, number: int) -> Table:  # noqa: ANN001
    """A ``w:tbl`` as a span-expanded grid. Spans are clamped to Word's own column limit and
    the grid's size is checked before each cell is expanded (:mod:`xxgk.extract.limits`)."""
    grid: dict[tuple[int, int], GridCell] = {}
    vertical_open: dict[int, tuple[int, int]] = {}  # grid column → origin of the open vMerge
    rows = list(tbl.iterchildren(qn("w:tr")))
    for r, tr in enumerate(rows):
        c = min(max(0, _int_attr(tr.find(qn("w:trPr")), qn("w:gridBefore"), 0)), limits.MAX_DOCX_SPAN)
        for tc in tr.iterchildren(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = min(max(1, _int_attr(tcpr, qn("w:gridSpan"), 1)), limits.MAX_DOCX_SPAN)
            limits.check(f"docx table #{number}: span-expanded cells", len(grid) + span, limits.MAX_TABLE_CELLS)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            if continues and c in vertical_open:
                origin = vertical_open[c]
                text = grid[origin].text
            else:
                origin = (r, c)
                text = _cell_text(tc)
                for k in range(span):
                    vertical_open.pop(c + k, None)
                if vmerge is not None:
                    vertical_open[c] = origin
            for k in range(span):
                grid[(r, c + k)] = GridCell(text, r, c + k, origin)
            c += span
    by_row: list[list[int]] = [[] for _ in rows]
    for rr, cc in grid:
        by_row[rr].append(cc)
    out = [[grid[(r, c)] for c in sorted(cols)] for r, cols in enumerate(by_row)]
    return Table(rows=out, source=f"docx:table#{number}")
