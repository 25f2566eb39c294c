"""Table 4 (行政复议、行政诉讼情况) → canonical cells.

The template has one data row of 15 cells under a three-level header; exports put the header
anywhere over one to three rows (fused, misread, spanning). So headers are ignored and the
value-only rows are read as one sequence of 15 cells in printed order: review × 5,
direct litigation × 5, litigation after review × 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.document import GridCell
from xxgk.model import Cell, Issue
from xxgk.numbers import clean, is_value_text
from xxgk.parse.cells import glued_cells, make_cell
from xxgk.parse.glued import solve_table4_row
from xxgk.parse.rows import dedupe_spans, fit_values, glued_digits
from xxgk.schema import TABLE4_COLUMNS, TABLE4_ROWS


@dataclass
class Table4:
    cells: list[Cell]
    issues: list[Issue]


def map_table4(grid_rows: list[list[GridCell]]) -> Table4:
    issues: list[Issue] = []
    n = len(TABLE4_ROWS) * len(TABLE4_COLUMNS)
    value_rows = [cells for cells in map(dedupe_spans, grid_rows) if all(is_value_text(c.text) for c in cells)]
    filled = [r for r in value_rows if any(clean(c.text) for c in r)]
    # Printed values, however the export split them into rows; an unfilled form has one
    # all-blank row of the template's width instead.
    values = [c for r in filled for c in r] or next((r for r in value_rows if len(r) == n), [])
    glued = glued_digits(values, n)
    if glued is not None:
        return _glued(values, glued, issues)
    fitted, damaged = fit_values(values, n)
    if not filled and not values:
        issues.append(Issue("table_missing", "table4: no value row found"))
    elif damaged:
        issues.append(Issue("row_damaged", f"table4: {len(values)} value cells for {n}"))
    out: list[Cell] = []
    i = 0
    for row_key, _ in TABLE4_ROWS:
        for col in TABLE4_COLUMNS:
            out.append(make_cell("table4", row_key, col, fitted[i], damaged=damaged or not values,
                                 label_row_raw="", label_col_raw=""))
            i += 1
    return Table4(out, issues)


def _glued(values: list[GridCell], digits: str, issues: list[Issue]) -> Table4:
    """The 15 cells from one glued digit run, split under R06–R08 (unique reading or flagged)."""
    split = solve_table4_row(digits)
    if split.values is None:
        issues.append(Issue("glued_unresolved", f"table4: glued digits {digits!r}: {split.reason}"))
    grid = next(c for c in values if clean(c.text))
    positions = [(r, c) for r, _ in TABLE4_ROWS for c in TABLE4_COLUMNS]
    return Table4(glued_cells("table4", positions, grid, digits, split, "R06–R08"), issues)
