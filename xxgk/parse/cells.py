"""A template row's values → canonical :class:`xxgk.model.Cell` records.

Values reach a row in three ways, and the cells say which (``Cell.read``):

* ``cell``: printed table cells, one value each (HTML/DOCX/PDF grids, TAB and pipe text);
* ``text``: numbers in running text whose separators survived (``0 0 0 0 0 0 0``);
* ``glued``: a digit run whose cell boundaries were lost (``210000021``), split by the
  glued-digit solver under the template's identities, or flagged when that is not unique.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from xxgk.model import Cell
from xxgk.numbers import clean, parse_number
from xxgk.parse.glued import Split
from xxgk.parse.stream import Token
from xxgk.schema import Column

_DIGIT_RUN = re.compile(r"[0-9]+(?: +[0-9]+)*")
# A chunk of a run of numbers in running text: cut at spaces and before a sign (88-72 0, 16减12).
_CHUNK = re.compile(r"(?:[+\-]|增|减)?[^\s+\-增减]+")


def value_items(tokens: list[Token], n: int) -> tuple[list[Token], str | None]:
    """The row's value cells, and the digit run to solve when its boundaries were lost.

    Printed cells are taken as they are. A run from running text is cut at its spaces and
    signs; when that gives exactly ``n`` numbers the boundaries survived. Otherwise a run of
    digits and spaces with fewer pieces than cells is *glued*: the solver gets it with its
    spaces, which it treats as hard boundaries.
    """
    items: list[Token] = []
    for t in tokens:
        items += [t] if t.cell else chunks(t)
    return items, glued_digits(items, n)


def chunks(t: Token) -> list[Token]:
    """A value run of running text cut into its printed numbers (locator per number)."""
    out = []
    norm = unicodedata.normalize("NFKC", t.text)
    for m in _CHUNK.finditer(norm):
        out.append(Token("value", m.group(), f"{t.locator}+{m.start()}", t.line, cell=False, page=t.page,
                         note=t.note))
    return out


def thousands_readings(items: list[Token], n: int) -> list[list[Token]]:
    """Readings of more numbers than cells where spaces may group thousands (``4 119`` is one
    number 4119 or two, 4 and 119): each way of joining a chunk with following chunks of exactly
    three digits into ``n`` numbers. Only for numbers of running text; a printed cell is whole."""
    if len(items) <= n or any(t.cell for t in items) or len(items) > n + 8:
        return []
    out: list[list[Token]] = []

    def rec(i: int, acc: list[Token]) -> None:
        if len(acc) > n:
            return
        if i == len(items):
            if len(acc) == n:
                out.append(list(acc))
            return
        head = items[i]
        if not head.text.lstrip("+-增减").isdigit():
            return
        rec(i + 1, [*acc, head])
        j, text = i + 1, head.text
        while j < len(items) and len(items[j].text) == 3 and items[j].text.isdigit() and len(text) <= 7:
            text += " " + items[j].text
            rec(j + 1, [*acc, Token("value", text, head.locator, head.line, False, head.page, note=head.note)])
            j += 1

    rec(0, [])
    return out


def glued_digits(values: list[Token], n: int) -> str | None:
    """The digit run of a row whose cells lost their boundaries, or None.

    A row is glued when it has fewer value cells (blank ones included: a blank cell still
    holds its position) than the template has columns, every non-empty one is digits and
    spaces only, and together they hold at least ``n`` digits (one per cell at least):
    ``200 000121`` for seven cells. Cell boundaries that survived (separate cells, spaces) are
    kept as spaces: the solver treats them as hard. A damaged row with too few digits is not
    glued; it stays a damaged row.
    """
    if len(values) >= n:
        return None
    runs = [digit_run(c.text) for c in values if clean(c.text)]
    if not runs or any(r is None for r in runs):
        return None
    joined = " ".join(r for r in runs if r)
    return joined if sum(ch.isdigit() for ch in joined) >= n else None


def digit_run(text: str) -> str | None:
    """``'２００\u3000000121'`` → ``'200 000121'``; None unless the text is digits and spaces."""
    t = " ".join(unicodedata.normalize("NFKC", text).split())
    return t if _DIGIT_RUN.fullmatch(t) else None


def fit_values(values: list[Token], n: int) -> tuple[list[Token | None], bool]:
    """Fit a row's value cells to ``n`` template columns.

    Extra cells are first taken off as empty padding at the ends (colspan residue of text
    exports). A row that still does not fit is *damaged*: its cells are right-aligned, because
    the total column closes every template row and survives OCR best, and the positions left
    over are reported missing (None). Callers check the result against the row's identity.
    """
    vals = list(values)
    while len(vals) > n and not clean(vals[-1].text):
        vals.pop()
    while len(vals) > n and not clean(vals[0].text):
        vals.pop(0)
    if len(vals) == n:
        return list(vals), False
    if len(vals) > n:
        return list(vals[-n:]), True
    return [None] * (n - len(vals)) + list(vals), True


def make_cell(
    table: str,
    row: str,
    col: Column,
    grid: Token | None,
    *,
    damaged: bool = False,
    label_row_raw: str = "",
    label_col_raw: str = "",
) -> Cell:
    """One template cell. In a damaged row an empty cell is *illegible*, not *blank*.

    Why: when OCR or a fused cell broke the row, an empty position is far more likely a lost
    number than a printed blank, and R11 (blanks) must not absorb what R12 (legibility) is for.
    """
    if grid is None:
        return Cell(table, row, col.key, None, col.unit, "illegible", "", label_row_raw, label_col_raw or col.label,
                    note="cell missing from a damaged row", confident=False)
    p = parse_number(grid.text, col.unit)
    status, note = p.status, p.note
    if damaged and status == "blank":
        status, note = "illegible", "empty cell in a damaged row"
    if grid.note:
        note = f"{note}; {grid.note}" if note else grid.note
    return Cell(table, row, col.key, p.value, col.unit, status, grid.text,  # type: ignore[arg-type]
                label_row_raw, label_col_raw or col.label, grid.locator, note, read="cell" if grid.cell else "text",
                confident=not damaged)


def missing_row(table: str, row: str, columns: tuple[Column, ...], why: str, label: str = "") -> list[Cell]:
    """Template cells of a row the document does not have (flagged by R12)."""
    return [Cell(table, row, c.key, None, c.unit, "illegible", "", label, c.label, note=why, confident=False)
            for c in columns]


def glued_cells(table: str, positions: list[tuple[str, Column]], grid: Token, digits: str,
                split: Split, rules: str, label_row_raw: str = "") -> list[Cell]:
    """Cells of a row recovered from a glued digit run (:mod:`xxgk.parse.glued`).

    A cell gets a value only where every admissible split agrees on it (a unique split, or the
    cells all readings share), and stays traceable: ``raw`` is the digit run as printed, ``note``
    the rules that decided. Where readings differ the cell is ``ambiguous`` with the readings
    listed (the row's and this cell's); no reading leaves the cells ``illegible``, unless the run
    has one digit per cell: then its only split is what was printed, and the rules fail on it.
    Never a guess.
    """
    out = []
    for i, (row, col) in enumerate(positions):
        if split.values is not None:
            value, status = Decimal(split.values[i]), "reported"
            note = f"split from glued digits {digits!r}, the only reading satisfying {rules}"
        elif split.candidates and len({c[i] for c in split.candidates}) == 1:
            value, status = Decimal(split.candidates[0][i]), "reported"  # every reading agrees here
            note = (f"glued digits {digits!r}: {len(split.candidates)} readings satisfy {rules}, all with "
                    f"{split.candidates[0][i]} in this cell")
        elif split.candidates:
            value, status = None, "ambiguous"
            shown = "; ".join(str(c) for c in split.candidates[:_SHOWN])
            more = f" (+{len(split.candidates) - _SHOWN} more)" if len(split.candidates) > _SHOWN else ""
            mine = sorted({c[i] for c in split.candidates})
            note = (f"glued digits {digits!r}: {len(split.candidates)} readings satisfy {rules}: "
                    f"{shown}{more}; this cell {mine}")
        elif len(digits) == len(positions) and digits.isdigit():
            # one digit per cell: the only split there is, so the row reads as printed even though
            # its totals disagree (the rules then fail on it: the publisher's error, or a misread
            # the classification calls parse_suspect); never a value inferred over printed digits
            value, status = Decimal(digits[i]), "reported"
            note = (f"glued digits {digits!r}: one digit per cell, the only split; it does not satisfy {rules} "
                    f"({split.note or split.reason})")
        else:
            value, status = None, "illegible"
            note = f"glued digits {digits!r}: {split.note or split.reason}"
        out.append(Cell(table, row, col.key, value, col.unit, status, grid.text,  # type: ignore[arg-type]
                        label_row_raw, col.label, grid.locator, note, read="glued", confident=False))
    return out


def reading_cells(table: str, positions: list[tuple[str, Column]], readings: list[list[Token]], label: str,
                  why: str) -> list[Cell]:
    """Cells of a row with several admissible readings: a cell keeps its value where every
    reading agrees on it (flagged as not confident), is ``ambiguous`` where they differ, and
    ``illegible`` when no reading is admissible (``why`` says which rule decided)."""
    out = []
    raw = " ".join(dict.fromkeys(t.text for r in readings for t in r)) if readings else ""
    for i, (row, col) in enumerate(positions):
        values = sorted({parse_number(r[i].text, col.unit).value for r in readings}, key=str)
        if len(values) == 1 and values[0] is not None:
            cell = make_cell(table, row, col, readings[0][i], label_row_raw=label)
            cell.note = f"{len(readings)} reading(s) of the row admissible under {why}; all agree on this cell"
        elif values:
            cell = make_cell(table, row, col, None, label_row_raw=label)
            cell.status = "ambiguous"
            cell.raw = raw
            cell.note = f"{len(readings)} readings admissible under {why}; this cell {[str(v) for v in values]}"
        else:
            cell = make_cell(table, row, col, None, label_row_raw=label)
            cell.note = f"no reading of the numbers satisfies {why}"
        cell.confident = False
        out.append(cell)
    return out


def run_token(values: list[Token]) -> Token:
    """The printed values of a glued row as one token: its raw text and where it starts."""
    filled = [v for v in values if clean(v.text)]
    return Token("value", " ".join(v.text for v in filled), filled[0].locator, filled[0].line, filled[0].cell,
                 filled[0].page, note=filled[0].note)


_SHOWN = 10  # readings listed in an ambiguous cell's note
