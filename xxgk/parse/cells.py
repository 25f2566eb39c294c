"""Building canonical :class:`xxgk.model.Cell` records from grid cells."""

from __future__ import annotations

from decimal import Decimal

from xxgk.document import GridCell
from xxgk.model import Cell
from xxgk.numbers import parse_number
from xxgk.parse.glued import Split
from xxgk.schema import Column


def make_cell(
    table: str,
    row: str,
    col: Column,
    grid: GridCell | None,
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
        return Cell(table, row, col.key, None, col.unit, "illegible", "", label_row_raw, label_col_raw,
                    note="cell missing from a damaged row")
    p = parse_number(grid.text, col.unit)
    status, note = p.status, p.note
    if damaged and status == "blank":
        status, note = "illegible", "empty cell in a damaged row"
    return Cell(table, row, col.key, p.value, col.unit, status, grid.text,  # type: ignore[arg-type]
                label_row_raw, label_col_raw, grid.locator, note)


def missing_row(table: str, row: str, columns: tuple[Column, ...], why: str) -> list[Cell]:
    """Template cells of a row the document does not have (flagged by R12)."""
    return [Cell(table, row, c.key, None, c.unit, "illegible", "", note=why) for c in columns]


def glued_cells(table: str, positions: list[tuple[str, Column]], grid: GridCell, digits: str,
                split: Split, rules: str, label_row_raw: str = "") -> list[Cell]:
    """Cells of a row recovered from a glued digit run (:mod:`xxgk.parse.glued`).

    Only a unique split gives values, and the cells stay traceable: ``raw`` is the digit run as
    printed, ``note`` the rules that left one reading. Several readings make every cell
    ``ambiguous`` with the readings listed (the row's and this cell's); none leaves them
    ``illegible``. Never a guess.
    """
    out = []
    for i, (row, col) in enumerate(positions):
        if split.values is not None:
            value, status = Decimal(split.values[i]), "reported"
            note = f"split from glued digits {digits!r}, the only reading satisfying {rules}"
        elif split.candidates:
            value, status = None, "ambiguous"
            shown = "; ".join(str(c) for c in split.candidates[:_SHOWN])
            more = f" (+{len(split.candidates) - _SHOWN} more)" if len(split.candidates) > _SHOWN else ""
            mine = sorted({c[i] for c in split.candidates})
            note = (f"glued digits {digits!r}: {len(split.candidates)} readings satisfy {rules}: "
                    f"{shown}{more}; this cell {mine}")
        else:
            value, status = None, "illegible"
            note = f"glued digits {digits!r}: {split.note or split.reason}"
        out.append(Cell(table, row, col.key, value, col.unit, status, grid.text,  # type: ignore[arg-type]
                        label_row_raw, "", grid.locator, note))
    return out


_SHOWN = 10  # readings listed in an ambiguous cell's note
