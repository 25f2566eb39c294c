"""Building canonical :class:`xxgk.model.Cell` records from grid cells."""

from __future__ import annotations

from xxgk.document import GridCell
from xxgk.model import Cell
from xxgk.numbers import parse_number
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
