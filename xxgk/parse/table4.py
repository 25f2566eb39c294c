"""Table 4 (行政复议、行政诉讼情况) → canonical cells.

The template has 15 cells under a three-level header; exports put the header anywhere over one
to three rows (fused, misread, spanning) and print the cells as one row, as three labelled
rows (review, direct litigation, litigation after review), or glued into one digit run. So
headers are ignored and the printed values are read as one sequence of 15 cells in printed
order: review × 5, direct litigation × 5, litigation after review × 5.

A sequence with cells missing (OCR dropped some) is not right-aligned blindly: every way of
placing the missing cells is tried against R06–R08 (four parts add up to each total), and a
cell keeps a value only where all admissible placements agree. The rest is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from xxgk.model import Cell, Issue
from xxgk.numbers import clean, parse_number
from xxgk.parse.align import Row
from xxgk.parse.cells import glued_cells, make_cell, reading_cells, run_token, thousands_readings, value_items
from xxgk.parse.glued import solve_table4_row
from xxgk.parse.stream import Token
from xxgk.schema import TABLE4_COLUMNS, TABLE4_ROWS

N = len(TABLE4_ROWS) * len(TABLE4_COLUMNS)
_POSITIONS = [(r, c) for r, _ in TABLE4_ROWS for c in TABLE4_COLUMNS]
_MAX_MISSING = 4  # more lost cells than this: no placement is trusted


@dataclass
class Table4:
    cells: list[Cell]
    issues: list[Issue]
    found: bool = False


def map_table4(rows: list[Row]) -> Table4:
    issues: list[Issue] = []
    filled = [r for r in rows if r.filled]
    values = [v for r in filled for v in r.values]
    if not values:  # an unfilled form: one all-blank row of the template's width
        values = next((r.values for r in rows if len(r.values) == N), [])
    items, glued = value_items(values, N)
    if glued is not None:
        split = solve_table4_row(glued)
        if split.values is None:
            issues.append(Issue("glued_unresolved", f"table4: glued digits {glued!r}: {split.reason}"))
        return Table4(glued_cells("table4", [(r, c) for r, c in _POSITIONS], run_token(values), glued, split,
                                  "R06–R08"), issues, True)
    items = _trim(items)
    if not items:
        issues.append(Issue("table_missing", "table4: no value row found"))
        return Table4([make_cell("table4", r, c, None, damaged=True) for r, c in _POSITIONS], issues)
    if len(items) == N:
        return Table4([make_cell("table4", r, c, g) for (r, c), g in zip(_POSITIONS, items, strict=True)],
                      issues, True)
    if len(items) > N and not any(t.cell for t in items):  # spaces grouping thousands, in running text
        readings = [r for r in thousands_readings(items, N) if _admissible(list(r))]
        issues.append(Issue("row_spaced", f"table4: {len(items)} numbers for {N} cells, {len(readings)} reading(s)"))
        return Table4(reading_cells("table4", _POSITIONS, readings, "", "R06–R08"), issues, True)
    issues.append(Issue("row_damaged", f"table4: {len(items)} value cells for {N}"))
    return Table4(_damaged(items, issues), issues, True)


def _trim(items: list[Token]) -> list[Token]:
    """Empty padding at the ends (colspan residue of text exports) is not a cell."""
    vals = list(items)
    while len(vals) > N and not clean(vals[-1].text):
        vals.pop()
    while len(vals) > N and not clean(vals[0].text):
        vals.pop(0)
    return vals


def _damaged(items: list[Token], issues: list[Issue]) -> list[Cell]:
    """Cells of a sequence that lost (or gained) cells: kept only where every placement of the
    lost cells that satisfies R06–R08 puts the same printed value."""
    missing = N - len(items)
    placements = []
    if 0 < missing <= _MAX_MISSING:
        for gaps in combinations(range(N), missing):
            it = iter(items)
            placed = [None if i in gaps else next(it) for i in range(N)]
            if _admissible(placed):
                placements.append(placed)
    if not placements:
        issues.append(Issue("row_unreadable", f"table4: {len(items)} value cells for {N} and no placement "
                                              f"satisfies R06–R08: cells left illegible"))
    cells = []
    for i, (r, column) in enumerate(_POSITIONS):
        seen = {None if p[i] is None else parse_number(p[i].text, column.unit).value for p in placements}
        tokens = {id(p[i]): p[i] for p in placements if p[i] is not None}
        if placements and None not in seen and len(seen) == 1:
            cell = make_cell("table4", r, column, next(iter(tokens.values())), damaged=True)
            cell.note = f"placed in a damaged row: every placement satisfying R06–R08 agrees ({len(placements)})"
        else:
            cell = make_cell("table4", r, column, None, damaged=True)
            shown = sorted(str(v) if v is not None else "lost" for v in seen)
            cell.note = f"damaged row: this position reads {shown} across the admissible placements"
            if len(seen - {None}) > 1:
                cell.status = "ambiguous"
        cells.append(cell)
    return cells


def _admissible(placed: list[Token | None]) -> bool:
    """Each group's four parts can add up to its total, lost cells being unknown counts ≥ 0."""
    for g in range(len(TABLE4_ROWS)):
        group = placed[5 * g : 5 * g + 5]
        values = [None if t is None else parse_number(t.text).value for t in group]
        statuses = [None if t is None else parse_number(t.text).status for t in group]
        if any(s == "illegible" for s in statuses):
            return False
        parts = [v or Decimal(0) for v, t in zip(values[:4], group[:4], strict=True) if t is not None]
        total = values[4]
        lost = any(t is None for t in group[:4])
        if group[4] is None:
            continue
        total = total or Decimal(0)
        if (sum(parts) > total) if lost else (sum(parts) != total):
            return False
    return True
