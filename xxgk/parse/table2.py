"""Table 2 (主动公开政府信息情况) → canonical cells.

Table 2 is a stack of small sub-tables (第二十条第（一）（五）（六）（八）（九）项), each with a
caption row, a header row starting 信息内容, and one or two data rows. Data rows are found by
their label (规章, 行政许可 …) and read positionally in the template's column order for the
detected version; captions and headers only serve as version signals.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.document import GridCell
from xxgk.labels import SIGNALS_2019, SIGNALS_2021, match_table2_row, normalize
from xxgk.model import Cell, Issue
from xxgk.parse.cells import make_cell, missing_row
from xxgk.parse.rows import fit_values, split_row
from xxgk.schema import TABLE2_ROWS, TemplateVersion


@dataclass
class Table2:
    cells: list[Cell]
    issues: list[Issue]


def table2_signals(grid_rows: list[list[GridCell]]) -> set[str]:
    """Template versions whose table-2 labels appear (spec §1.4)."""
    text = "".join(normalize(c.text) for r in grid_rows for c in r)
    found = set()
    if any(normalize(s) in text for s in SIGNALS_2021):
        found.add("2021")
    if any(normalize(s) in text for s in SIGNALS_2019):
        found.add("2019")
    return found


def map_table2(grid_rows: list[list[GridCell]], version: TemplateVersion) -> Table2:
    issues: list[Issue] = []
    spec = {r.key: r for r in TABLE2_ROWS[version]}
    found: dict[str, list[Cell]] = {}
    for gr in grid_rows:
        row = split_row(gr)
        if not row.label or not row.values:
            continue
        key = match_table2_row(row.label)
        if key is None or key not in spec:
            continue
        if key in found:
            issues.append(Issue("row_repeated", f"table2 row {key} appears again (label {row.label!r}); first kept"))
            continue
        columns = spec[key].columns
        fitted, damaged = fit_values(row.values, len(columns))
        if damaged:
            issues.append(Issue("row_damaged",
                                f"table2 row {key}: {len(row.values)} value cells for {len(columns)} columns"))
        found[key] = [
            make_cell("table2", key, col, g, damaged=damaged, label_row_raw=row.label)
            for col, g in zip(columns, fitted, strict=True)
        ]
    cells: list[Cell] = []
    for key, r in spec.items():
        if key in found:
            cells += found[key]
        else:
            issues.append(Issue("row_missing", f"table2 row {key} not found"))
            cells += missing_row("table2", key, r.columns, "row not found in the document")
    return Table2(cells, issues)
