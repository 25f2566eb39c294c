"""Table 3 (收到和处理政府信息公开申请情况) → canonical cells.

Rows are recognised by label keywords (:func:`xxgk.labels.match_table3_row`) and must come in
template order. Rows whose label was lost (OCR) are placed by position: when exactly as many
unlabelled rows sit between two recognised rows as the template has rows there, they are
those rows; otherwise they are discarded with an issue rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.document import GridCell
from xxgk.labels import is_table3_header, match_table3_row, normalize
from xxgk.model import Cell, Issue
from xxgk.numbers import clean
from xxgk.parse.cells import glued_cells, make_cell, missing_row
from xxgk.parse.glued import solve_table3
from xxgk.parse.rows import Row, fit_values, glued_digits, split_row
from xxgk.schema import TABLE3_COLUMNS, TABLE3_ROWS

SUBTOTAL_KEYS = {"不予公开": "denied.total", "无法提供": "unable.total", "不予处理": "not_processed.total"}
SUBTOTAL_ROWS = tuple(SUBTOTAL_KEYS.values())
SINGLE_OTHER = "other.total"


@dataclass
class _DataRow:
    row: Row
    key: str | None
    by_position: bool = False
    glued: str | None = None  # the digit run of a row whose cells lost their boundaries


@dataclass
class Table3:
    cells: list[Cell]
    layout: str  # "2021" | "2019" (one （六） data row)
    issues: list[Issue]
    signals: set[str]  # template signals seen ("2021" from 逾期不补正, "2019" from a single （六） row)


def map_table3(grid_rows: list[list[GridCell]]) -> Table3:
    issues: list[Issue] = []
    data: list[_DataRow] = []
    for gr in grid_rows:
        row = split_row(gr)
        if not row.label and row.values and not clean(row.values[0].text):
            row.values = row.values[1:]  # the empty first cell is the row's lost label column
        if _is_header(row) or not row.values:
            continue
        key = match_table3_row(row.label) if row.label else None
        if key is None and row.label:
            key = _subtotal_key(row)
        if key is None and row.nonempty_values == 0:
            continue  # padding or a group label row
        data.append(_DataRow(row, key, glued=glued_digits(row.values, len(TABLE3_COLUMNS))))

    data = _join_across_pages(data, issues)
    signals = set()
    if any(d.key == SINGLE_OTHER for d in data):
        signals.add("2019")
    if any(d.key in ("other.no_correction", "other.fee_unpaid", "other.other") for d in data):
        signals.add("2021")
    layout = "2019" if signals == {"2019"} else "2021"
    template = [r.key for r in TABLE3_ROWS[layout]]
    _align(data, template, issues)

    by_key = {d.key: d for d in data if d.key is not None}
    keys = [k for k in template if k in by_key] + [k for k in SUBTOTAL_ROWS if k in by_key]
    if layout == "2021" and SINGLE_OTHER in by_key:
        keys.append(SINGLE_OTHER)
    rows = {k: _row_cells(by_key[k], issues) for k in keys if by_key[k].glued is None}
    rows.update(_solve_glued(by_key, keys, rows, layout, issues))
    cells: list[Cell] = []
    for key in template:
        if key not in rows:
            issues.append(Issue("row_missing", f"table3 row {key} not found"))
            cells += missing_row("table3", key, TABLE3_COLUMNS, "row not found in the document")
        else:
            cells += rows[key]
    cells += [c for k in keys if k not in template for c in rows[k]]
    return Table3(cells, layout, issues, signals)


def _solve_glued(by_key: dict[str, _DataRow], keys: list[str], rows: dict[str, list[Cell]], layout: str,
                 issues: list[Issue]) -> dict[str, list[Cell]]:
    """Cells of the glued rows, split by the solver with R02 per row and R01/R03 across rows
    (the other rows' printed values as constraints; a blank or unreadable one constrains nothing)."""
    glued = {k: by_key[k].glued for k in keys if by_key[k].glued is not None}
    if not glued:
        return {}
    known: dict[str, tuple[int | None, ...]] = {
        k: tuple(_count(c) for c in cells) for k, cells in rows.items() if k not in SUBTOTAL_ROWS}
    splits = solve_table3({**known, **glued}, layout)
    out = {}
    for key, digits in glued.items():
        d = by_key[key]
        split = splits[key]
        if split.values is None:
            issues.append(Issue("glued_unresolved", f"table3 row {key}: glued digits {digits!r}: {split.reason}"))
        grid = next(c for c in d.row.values if clean(c.text))
        out[key] = glued_cells("table3", [(key, c) for c in TABLE3_COLUMNS], grid, digits, split,
                               "R02 (and R01/R03 across rows)", d.row.label)
    return out


def _count(c: Cell) -> int | None:
    """A printed count for the solver's cross-row rules; None (no constraint) otherwise."""
    if c.status != "reported" or c.value is None or c.value != c.value.to_integral_value():
        return None
    return int(c.value)


def _join_across_pages(data: list[_DataRow], issues: list[Issue]) -> list[_DataRow]:
    """A row label printed at the foot of a page with its numbers at the head of the next
    (spec §5.10) is one row: the labelled empty row takes the unlabelled row's values."""
    out: list[_DataRow] = []
    for d in data:
        prev = out[-1] if out else None
        if (prev is not None and d.key is None and not d.row.label and d.row.nonempty_values
                and prev.key is not None and prev.row.nonempty_values == 0 and _page(prev) != _page(d)):
            prev.row.values, prev.glued = d.row.values, d.glued
            issues.append(Issue("row_joined", f"table3 row {prev.key}: label and values on different pages"))
            continue
        out.append(d)
    return out


def _page(d: _DataRow) -> int | None:
    return d.row.values[0].page if d.row.values else None


def _row_cells(d: _DataRow, issues: list[Issue]) -> list[Cell]:
    fitted, damaged = fit_values(d.row.values, len(TABLE3_COLUMNS))
    damaged = damaged or d.by_position
    if damaged:
        issues.append(Issue("row_damaged",
                            f"table3 row {d.key}: {len(d.row.values)} value cells, label {d.row.label!r}"))
    return [
        make_cell("table3", d.key or "", col, g, damaged=damaged, label_row_raw=d.row.label)
        for col, g in zip(TABLE3_COLUMNS, fitted, strict=True)
    ]


def _is_header(row: Row) -> bool:
    """Header rows carry column labels (自然人, 商业企业 …) or the 勾稽关系 note, and no numbers."""
    return row.nonempty_values == 0 and any(is_table3_header(t) for t in row.texts if t.strip())


def _subtotal_key(row: Row) -> str | None:
    n = normalize(row.label)
    for word, key in SUBTOTAL_KEYS.items():
        if word in n and row.nonempty_values:
            return key
    return None


def _align(data: list[_DataRow], template: list[str], issues: list[Issue]) -> None:
    """Keep recognised rows that advance through the template; place unlabelled rows in gaps."""
    pos = {k: i for i, k in enumerate(template)}
    anchors: list[tuple[int, int]] = []  # (index in data, index in template)
    last = -1
    for i, d in enumerate(data):
        if d.key in pos:
            if pos[d.key] > last:
                last = pos[d.key]
                anchors.append((i, last))
            else:
                issues.append(Issue("row_out_of_order",
                                    f"table3 row {d.key} (label {d.row.label!r}) repeats or goes back; ignored"))
                d.key = None
    bounds = [(-1, -1)] + anchors + [(len(data), len(template))]
    for (a_i, a_t), (b_i, b_t) in zip(bounds, bounds[1:], strict=False):
        loose = [d for d in data[a_i + 1 : b_i] if d.key is None]
        gap = template[a_t + 1 : b_t]
        if not loose:
            continue
        if len(loose) == len(gap):
            for d, key in zip(loose, gap, strict=True):
                d.key, d.by_position = key, True
                issues.append(Issue("row_by_position",
                                    f"table3 row {key} identified by position (label {d.row.label!r})"))
        else:
            for d in loose:
                issues.append(Issue("fragment_discarded", f"table3: unplaceable row {d.row.texts!r}"))
