"""Table 2 (主动公开政府信息情况) → canonical cells.

Table 2 is a stack of small sub-tables (第二十条第（一）（五）（六）（八）（九）项), each with a
caption, a header starting 信息内容, and one or two data rows. Data rows are found by their
label (规章, 行政许可 …) in the table-2 region and read positionally in the template's column
order for the detected version; captions and headers only serve as version signals.

Rows whose numbers lost their separators (``行政规范性文件6233440``, ``行政许可88-720``) are
split only where one reading satisfies the row's bounds (R13–R15); otherwise the cells are
``ambiguous`` with their readings (:mod:`xxgk.parse.table2_split`).
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.labels import SIGNALS_2019, SIGNALS_2021, match_table2_rows, normalize
from xxgk.model import Cell, Issue
from xxgk.numbers import clean
from xxgk.parse.align import Row, fuzzy_table2_key
from xxgk.parse.cells import fit_values, make_cell, missing_row, value_items
from xxgk.parse.stream import Token
from xxgk.parse.table2_split import split_row
from xxgk.schema import TABLE2_ROWS, Table2Row, TemplateVersion


@dataclass
class Table2:
    cells: list[Cell]
    issues: list[Issue]
    found: int = 0  # template rows with values


def table2_signals(text: str) -> set[str]:
    """Template versions whose table-2 labels appear (spec §1.4)."""
    n = normalize(text)
    found = set()
    if any(normalize(s) in n for s in SIGNALS_2021):
        found.add("2021")
    if any(normalize(s) in n for s in SIGNALS_2019):
        found.add("2019")
    return found


def map_table2(rows: list[Row], version: TemplateVersion) -> Table2:
    issues: list[Issue] = []
    spec = {r.key: r for r in TABLE2_ROWS[version]}
    found: dict[str, list[Cell]] = {}
    waiting: list[str] = []  # labels printed without numbers, in order (labels and numbers apart)
    for row in rows:
        keys = [k for k in match_table2_rows(row.piece.norm) if k in spec] if row.piece else []
        fuzzy = False
        if row.piece is not None and not keys and row.filled:
            key = fuzzy_table2_key(normalize(row.piece.lines[-1][0]), tuple(spec))
            keys, fuzzy = ([key], True) if key else ([], False)
        if row.piece is not None:
            waiting = [k for k in waiting if k not in keys] + keys[:-1]
            if not keys:
                continue
            if not row.values:
                waiting.append(keys[-1])
                continue
            key = keys[-1]
        elif waiting and row.filled:
            key = waiting.pop(0)
            issues.append(Issue("row_joined", f"table2 row {key}: label and values printed apart"))
        else:
            continue
        if key in found:
            issues.append(Issue("row_repeated", f"table2 row {key} appears again (label {row.label!r}); first kept"))
            continue
        found[key] = _row_cells(spec[key], row.values, row.label or key, issues)
        if fuzzy:
            issues.append(Issue("label_fuzzy", f"table2 row {key}: label {row.label!r} matched by similarity"))
            for c in found[key]:
                c.confident = False
    cells: list[Cell] = []
    for key, r in spec.items():
        if key in found:
            cells += found[key]
        else:
            issues.append(Issue("row_missing", f"table2 row {key} not found"))
            cells += missing_row("table2", key, r.columns, "row not found in the document")
    return Table2(cells, issues, found=len(found))


def _row_cells(spec: Table2Row, values: list[Token], label: str, issues: list[Issue]) -> list[Cell]:
    columns = spec.columns
    items, _ = value_items(values, len(columns))
    if 0 < len(items) < len(columns) and all(clean(t.text) for t in items):
        return split_row(spec, items, label, issues)  # separators lost (6233440, 88-720)
    if len(items) > len(columns) and not any(t.cell for t in items):
        return split_row(spec, items, label, issues)  # running text with spaces grouping thousands (4 119)
    fitted, damaged = fit_values(items, len(columns))
    if damaged and len(columns) > 1:
        issues.append(Issue("row_damaged",
                            f"table2 row {spec.key}: {len(items)} value cells for {len(columns)} columns"))
    return [make_cell("table2", spec.key, col, g, damaged=damaged, label_row_raw=label)
            for col, g in zip(columns, fitted, strict=True)]
