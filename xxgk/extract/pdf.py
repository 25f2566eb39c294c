"""PDF reports (text layer) → :class:`~xxgk.document.Document`.

Two engines, each where it is right (``bench/parse_speed.py`` compares them side by side):

* **pypdfium2** reads every page's text in ~5 ms. It has no table structure, so it serves
  pages that hold no table: their lines become paragraphs. It also tells which pages hold
  tables (table vocabulary, or a line of bare numbers) and whether the PDF is image-only.
* **pdfplumber** (~0.1 s/page) runs only on the pages with tables: ruled tables found with
  the *lines* strategy become span-expanded grids; the rest of the page's characters become
  paragraph lines. A table page without ruled tables falls back to words by line, cells split
  at wide gaps (what a borderless table looks like).

Real report PDFs (WPS exports) add their own shapes, handled here once for every format:
the narrative sits inside a page-sized frame that the table finder reports as a one-column
"table", so a grid row covered by a single cell is a paragraph, not a table row; tables split
across pages come out as consecutive tables the section joins (sections.table_rows); page
furniture (``- 3 -``, ``第3页``, ``— 5 —``) is dropped; vertical labels (三/本/年/度…) are
one cell whose lines normalise into one label. Every block and cell carries its page number.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from dataclasses import dataclass

import pdfplumber
import pypdfium2 as pdfium

from xxgk.document import Block, Document, GridCell, Paragraph, Table, is_furniture
from xxgk.extract import limits
from xxgk.extract.errors import TooLarge, Unreadable
from xxgk.labels import TABLE_VOCABULARY, normalize

# pdfminer logs every malformed font descriptor of real-world PDFs as a warning; the text is
# read regardless, and unreadable files raise. Keep stderr for what matters.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_NUMBER = re.compile(r"[-+]?\d[\d,.]*")
_NUMBER_LINE = re.compile(r"^(?:[-+]?\d[\d,.]*\s+){2,}[-+]?\d[\d,.]*$")
_SPACE_GAP = 3.0  # pt between characters that reads as a space (pdfplumber's x_tolerance)
_LINE_TOL = 3.0  # pt of baseline difference within one line
_CELL_GAP = 2.0  # × font size: a gap this wide separates cells of a borderless table
_MIN_TEXT_CHARS = 20  # fewer text characters in the whole file than this: image-only
_HANG = 12.0  # pt a character may hang outside a table's rules and still belong to its row


@dataclass(frozen=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def extract_pdf(data: bytes) -> Document:
    texts, title = _pdfium_texts(data)
    if sum(len(normalize(t)) for t in texts) < _MIN_TEXT_CHARS:
        raise Unreadable(f"no text layer on {len(texts)} page(s): image-only PDF", "needs_ocr")
    table_pages = {i for i, t in enumerate(texts) if is_table_page(t)}
    limits.check("PDF pages holding tables", len(table_pages), limits.MAX_PDF_TABLE_PAGES)
    check_reference_loops(data)
    blocks: list[Block] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, text in enumerate(texts):
                page_no = i + 1
                if i in table_pages:
                    page = pdf.pages[i]
                    blocks += _plumber_page(page, page_no)
                    page.close()  # drop the page's parsed objects: long PDFs stay small in memory
                else:
                    blocks += text_paragraphs(text, page_no)
    except (TooLarge, MemoryError):
        raise
    except Exception as e:  # pdfminer raises many types on damaged files
        raise Unreadable(f"PDF cannot be read: {type(e).__name__}: {e}", "corrupt_pdf") from e
    return Document(blocks=blocks, media_type="application/pdf", title_hint=title, pages=len(texts),
                    notes=[f"pdfplumber on pages {sorted(p + 1 for p in table_pages)}"])


def _pdfium_texts(data: bytes) -> tuple[list[str], str | None]:
    """Every page's text, with the page count and each page's size checked before it is read."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise Unreadable(f"PDF cannot be read: {e}", "corrupt_pdf") from e
    try:
        limits.check("PDF pages", len(pdf), limits.MAX_PDF_PAGES)
        texts = []
        for n, page in enumerate(pdf, start=1):
            objects = pdfium.raw.FPDFPage_CountObjects(page.raw)
            limits.check(f"PDF page {n}: page objects", objects, limits.MAX_PAGE_OBJECTS)
            textpage = page.get_textpage()
            limits.check(f"PDF page {n}: characters", textpage.count_chars(), limits.MAX_PAGE_CHARS)
            texts.append(textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    except pdfium.PdfiumError as e:  # a page that cannot be loaded
        raise Unreadable(f"PDF cannot be read: {e}", "corrupt_pdf") from e
    finally:
        pdf.close()
    return texts, title


_REF_OBJECT = re.compile(rb"(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj\s*(\d{1,10})\s+(\d{1,5})\s+R\s*endobj")
_OBJ_STREAM = re.compile(rb"/Type\s*/ObjStm\b[^>]*?>>\s*stream\r?\n", re.S)
_BARE_REF = re.compile(rb"\s*(\d{1,10})\s+(\d{1,5})\s+R\s*$")
_OBJ_STREAM_BYTES = 16 * 2**20  # inflate at most this much of one object stream while checking


def check_reference_loops(data: bytes) -> None:
    """Refuse a PDF whose objects are references to each other in a cycle (``6 0 obj 7 0 R``,
    ``7 0 obj 6 0 R``). pdfminer resolves such a chain forever (e.g. for a stream's
    ``/Length``), pdfium ignores it. Objects stored in compressed object streams are read too
    (their dictionary's ``/N`` and ``/First`` give where each object starts)."""
    target = {(int(m[1]), int(m[2])): (int(m[3]), int(m[4])) for m in _REF_OBJECT.finditer(data)}
    target.update(_compressed_refs(data))
    done: set[tuple[int, int]] = set()  # objects whose chain is known to end
    for start in target:
        path: set[tuple[int, int]] = set()
        node = start
        while node in target and node not in done:
            if node in path:
                raise Unreadable(f"PDF object {node[0]} is part of a reference loop", "corrupt_pdf")
            path.add(node)
            node = target[node]
        done |= path


def _compressed_refs(data: bytes) -> dict[tuple[int, int], tuple[int, int]]:
    """Objects of FlateDecode object streams whose whole body is a reference."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for m in _OBJ_STREAM.finditer(data):
        head = m.group(0)
        n, first = re.search(rb"/N\s+(\d+)", head), re.search(rb"/First\s+(\d+)", head)
        if n is None or first is None or b"/FlateDecode" not in head:
            continue
        try:
            body = zlib.decompressobj().decompress(data[m.end():m.end() + _OBJ_STREAM_BYTES], _OBJ_STREAM_BYTES)
        except zlib.error:
            continue  # a damaged stream: pdfminer will fail on it rather than loop
        numbers = body[:int(first[1])].split()
        pairs = [(int(numbers[k]), int(numbers[k + 1])) for k in range(0, min(len(numbers) - 1, 2 * int(n[1])), 2)
                 if numbers[k].isdigit() and numbers[k + 1].isdigit()]
        for k, (num, offset) in enumerate(pairs):
            end = pairs[k + 1][1] if k + 1 < len(pairs) else len(body) - int(first[1])
            ref = _BARE_REF.match(body[int(first[1]) + offset:int(first[1]) + end])
            if ref is not None:
                out[(num, 0)] = (int(ref[1]), int(ref[2]))
    return out


def is_table_page(text: str) -> bool:
    """A page holds (part of) a report table: table vocabulary, or a line of bare numbers
    (a continuation page may start with nothing but table 4's value row)."""
    n = normalize(text)
    if any(w in n for w in TABLE_VOCABULARY):
        return True
    return any(_NUMBER_LINE.match(ln.strip()) for ln in text.split("\n"))


def text_paragraphs(text: str, page: int) -> list[Block]:
    return [Paragraph(ln.strip(), page) for ln in text.split("\n") if ln.strip() and not is_furniture(ln)]


# --- pdfplumber pages ------------------------------------------------------------------


def _plumber_page(page: pdfplumber.page.Page, page_no: int) -> list[Block]:
    chars = [_Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or 10.0)
             for c in page.chars if c["text"].strip() or c["text"] == "\u00a0"]
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    placed: list[tuple[float, list[Block]]] = []
    inside: set[int] = set()
    for t in tables:
        x0, top, x1, bottom = t.bbox
        # Punctuation hangs past a frame's right rule (WPS line breaking): it belongs inside.
        box = (x0 - _HANG, top, x1 + _HANG, bottom)
        members = [i for i, c in enumerate(chars) if _centre_in(c, box)]
        inside.update(members)
        placed.append((top, _table_blocks(t.cells, [chars[i] for i in members], page_no)))
    rest = [c for i, c in enumerate(chars) if i not in inside]
    lines = _lines(rest)
    if not tables:
        placed += _borderless(lines, page_no)
    else:
        placed += [(ln[0].top, [Paragraph(_join(ln), page_no)]) for ln in lines]
    placed.sort(key=lambda tb: tb[0])
    out: list[Block] = []
    for _, blocks in placed:
        for b in blocks:
            if isinstance(b, Paragraph) and (not b.text.strip() or is_furniture(b.text)):
                continue
            out.append(b)
    return out


def _centre_in(c: _Char, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into text lines (by baseline), each sorted left to right."""
    lines: list[list[_Char]] = []
    for c in sorted(chars, key=lambda c: (c.top, c.x0)):
        if lines and abs(c.top - lines[-1][0].top) <= _LINE_TOL:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [sorted(ln, key=lambda c: c.x0) for ln in lines]


def _join(line: list[_Char]) -> str:
    out = []
    prev: _Char | None = None
    for c in line:
        if prev is not None and c.x0 - prev.x1 > _SPACE_GAP:
            out.append(" ")
        out.append(c.text)
        prev = c
    return "".join(out)


def _cell_text(chars: list[_Char]) -> str:
    return "\n".join(_join(ln) for ln in _lines(chars))


def _edges(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v)) if edges else 0


def _table_blocks(cells: list[tuple[float, float, float, float]], chars: list[_Char], page_no: int) -> list[Block]:
    """A found table as grid rows; rows covered by one cell become paragraphs (frames,
    captions, headings laid out inside the table's rules)."""
    xs = _edges([v for c in cells for v in (c[0], c[2])])
    ys = _edges([v for c in cells for v in (c[1], c[3])])
    n_cols, n_rows = len(xs) - 1, len(ys) - 1
    if n_cols < 1 or n_rows < 1:
        return []
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    texts: dict[tuple[int, int], str] = {}
    members = _assign(cells, chars)
    for box in cells:
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        texts[(r0, c0)] = _cell_text(members.get(box, []))
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner[(r, c)] = (r0, c0)
    blocks: list[Block] = []
    rows: list[list[GridCell]] = []

    def close() -> None:
        if rows:
            n = sum(isinstance(b, Table) for b in blocks) + 1  # n-th ruled table of the page
            blocks.append(Table(rows=list(rows), page=page_no, source=f"pdf:table {n}"))
            rows.clear()

    for r in range(n_rows):
        origins = {owner.get((r, c), (r, c)) for c in range(n_cols)}
        if len(origins) == 1:
            text = texts.get(next(iter(origins)), "")
            if text.strip():
                close()
                blocks += [Paragraph(ln, page_no) for ln in text.split("\n") if ln.strip()]
            continue
        row = []
        for c in range(n_cols):
            o = owner.get((r, c), (r, c))
            row.append(GridCell(texts.get(o, ""), len(rows), c, (o[0] - r + len(rows), o[1]), page_no))
        rows.append(row)
    close()
    return blocks


def _assign(cells: list[tuple[float, float, float, float]], chars: list[_Char]) -> dict[tuple, list[_Char]]:
    """Characters per cell: the cell holding the character's centre, else (a character hanging
    past the outer rule) the horizontally nearest cell of its row band."""
    out: dict[tuple, list[_Char]] = {}
    for ch in chars:
        home = next((b for b in cells if _centre_in(ch, b)), None)
        if home is None:
            cy, cx = (ch.top + ch.bottom) / 2, (ch.x0 + ch.x1) / 2
            band = [b for b in cells if b[1] <= cy <= b[3]]
            home = min(band, key=lambda b: min(abs(b[0] - cx), abs(b[2] - cx)), default=None)
        if home is not None:
            out.setdefault(home, []).append(ch)
    return out


def _borderless(lines: list[list[_Char]], page_no: int) -> list[tuple[float, list[Block]]]:
    """Words-by-line fallback: a line whose wide gaps split it into a label and numbers is a
    table row; consecutive such rows form a table; everything else is a paragraph."""
    out: list[tuple[float, list[Block]]] = []
    table: Table | None = None
    for ln in lines:
        parts = _split_wide(ln)
        if len(parts) >= 2 and all(_NUMBER.fullmatch(p.replace(" ", "")) for p in parts[1:]):
            if table is None:
                table = Table(rows=[], page=page_no, source="pdf:words by line")
                out.append((ln[0].top, [table]))
            r = len(table.rows)
            table.rows.append([GridCell(t, r, c, (r, c), page_no) for c, t in enumerate(parts)])
        else:
            table = None
            out.append((ln[0].top, [Paragraph(_join(ln), page_no)]))
    return out


def _split_wide(line: list[_Char]) -> list[str]:
    parts: list[list[_Char]] = [[]]
    for c in line:
        prev = parts[-1][-1] if parts[-1] else None
        if prev is not None and c.x0 - prev.x1 > _CELL_GAP * max(prev.size, 1.0):
            parts.append([])
        parts[-1].append(c)
    return [_join(p) for p in parts if p]
