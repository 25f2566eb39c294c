"""Plain-text exports of reports (spec §5.1): the shapes crawlers and copy-paste produce.

Three table shapes occur, and one document uses one of them:

* **cell per line** – every table cell on its own line prefixed by a TAB; a blank line ends a
  table row; a line without TAB right after a cell continues that cell (``商业\\n企业``);
  merged cells are lines holding only the TAB (seeds 000, 003);
* **TAB-delimited** – one row per line, cells split by TAB, colspans leaving extra empty
  cells (seeds 002, 004);
* **pipe-delimited** – one row per line split by ``|`` with ``| |||`` padding (seed 001).

Everything else is a paragraph. Empty cells are kept: position is what tells a blank cell
from a missing one.
"""

from __future__ import annotations

import re

from xxgk.document import Document, Paragraph, Table, make_row

_MD_RULE = re.compile(r"^[\s|:\-\t]*-{3,}[\s|:\-\t]*$")
_HEADING_MARKS = re.compile(r"^#+\s*")


def extract_text(text: str) -> Document:
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    shape = detect_shape(lines)
    blocks = _cell_per_line(lines) if shape == "cell_per_line" else _delimited(lines, shape)
    return Document(blocks=blocks, media_type="text/plain", notes=[f"text table shape: {shape}"])


def detect_shape(lines: list[str]) -> str:
    """``cell_per_line``, ``tab`` or ``pipe`` by a vote over the table-looking lines."""
    tab_lines = [ln for ln in lines if "\t" in ln]
    pipe_lines = [ln for ln in lines if ln.count("|") >= 2 and "\t" not in ln]
    if len(pipe_lines) > len(tab_lines):
        return "pipe"
    single = sum(1 for ln in tab_lines if ln.startswith("\t") and ln.count("\t") == 1)
    if tab_lines and single >= 0.8 * len(tab_lines):
        return "cell_per_line"
    return "tab"


def _paragraph(line: str) -> Paragraph:
    return Paragraph(_HEADING_MARKS.sub("", line).strip())


def _cell_per_line(lines: list[str]) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    table: Table | None = None
    row: list[str] | None = None  # texts of the row being read
    prev_was_cell = False

    def close_row() -> None:
        nonlocal row
        if row is not None and table is not None:
            table.rows.append(make_row(row, len(table.rows)))
        row = None

    for n, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            if table is None:
                table = Table(rows=[], source=f"text:line {n}")
                blocks.append(table)
            if row is None:
                row = []
            row.append(line[1:])
            prev_was_cell = True
        elif line.strip() == "":
            close_row()
            prev_was_cell = False
        elif prev_was_cell and row is not None:
            row[-1] += "\n" + line  # wrapped cell text
        else:
            close_row()
            table = None
            blocks.append(_paragraph(line))
            prev_was_cell = False
    close_row()
    return blocks


def _delimited(lines: list[str], shape: str) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    table: Table | None = None
    for n, line in enumerate(lines, start=1):
        is_row = ("\t" in line) if shape == "tab" else ("|" in line)
        if is_row:
            if _MD_RULE.match(line):
                continue  # markdown table rule, not data
            cells = line.split("\t") if shape == "tab" else [c.strip(" ") for c in line.split("|")]
            if table is None:
                table = Table(rows=[], source=f"text:line {n}")
                blocks.append(table)
            table.rows.append(make_row(cells, len(table.rows)))
        elif line.strip() == "":
            continue  # blank lines occur inside tables of these exports
        else:
            table = None
            blocks.append(_paragraph(line))
    return blocks
