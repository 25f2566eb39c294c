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
from xxgk.parse.cells import make_cell
from xxgk.parse.rows import dedupe_spans, fit_values
from xxgk.numbers import clean, is_value_text
from xxgk.schema import TABLE4_COLUMNS, TABLE4_ROWS


@dataclass
class Table4:
    cells: list[Cell]
    issues: list[Issue]


def map_table4(grid_rows: list[list[GridCell]]) -> Table4:
    issues: list[Issue] = []
    values: list[GridCell] = []
    for gr in grid_rows:
        cells = dedupe_spans(gr)
        if all(is_value_text(c.text) for c in cells) and any(clean(c.text) for c in cells):
            values += cells
    n = len(TABLE4_ROWS) * len(TABLE4_COLUMNS)
    fitted, damaged = fit_values(values, n)
    if not values:
        issues.append(Issue("table_missing", "table4: no value row found"))
    elif damaged:
        issues.append(Issue("row_damaged", f"table4: {len(values)} value cells for {n}"))
    out: list[Cell] = []
    i = 0
    for row_key, row_label in TABLE4_ROWS:
        for col in TABLE4_COLUMNS:
            out.append(make_cell("table4", row_key, col, fitted[i], damaged=damaged or not values,
                                 label_row_raw="", label_col_raw=""))
            i += 1
    return Table4(out, issues)
