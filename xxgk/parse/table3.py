"""Table 3 (收到和处理政府信息公开申请情况) → canonical cells.

Input: the rows of the table-3 region (:func:`xxgk.parse.align.regroup`), whatever shape
they came in. The template fixes 25 (2021) or 23 (2019) rows × 7 columns in a fixed order, so:

1. each row's label is matched to template keys (keywords, then similarity for OCR damage);
   matches must advance through the template: the heaviest increasing chain wins (a row with
   its numbers outweighs a label without any, so a duplicated OCR text layer loses);
2. labels printed without numbers followed by as many rows of numbers without labels are
   paired in order (PDF text layers that print labels and numbers apart; a label at the foot
   of a page with its numbers on the next);
3. rows whose label was lost are placed by position when exactly as many sit between two
   recognised rows as the template has there; otherwise discarded with an issue;
4. a row's values become 7 cells: printed cells as they are, glued digit runs through the
   solver (R02 per row, R01/R03 across rows), damaged rows right-aligned only where the row
   total still admits the reading. Anything uncertain is flagged, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xxgk.labels import is_table3_header, match_table3_rows, normalize
from xxgk.model import Cell, Issue
from xxgk.numbers import clean, parse_number
from xxgk.parse.align import GROUP_WORDS, Row, fuzzy_table3_key
from xxgk.parse.cells import (
    fit_values,
    glued_cells,
    make_cell,
    missing_row,
    reading_cells,
    run_token,
    thousands_readings,
    value_items,
)
from xxgk.parse.glued import solve_table3
from xxgk.parse.stream import Token
from xxgk.schema import TABLE3_COLUMNS, TABLE3_ROWS

SUBTOTAL_KEYS = {"不予公开": "denied.total", "无法提供": "unable.total", "不予处理": "not_processed.total"}
SUBTOTAL_ROWS = tuple(SUBTOTAL_KEYS.values())
SINGLE_OTHER = "other.total"
_ALL_KEYS = tuple(dict.fromkeys(r.key for rows in TABLE3_ROWS.values() for r in rows))
N = len(TABLE3_COLUMNS)


@dataclass
class _Slot:
    """One template row candidate: a key (or none), the values printed for it, how it was found."""

    key: str | None
    values: list[Token]
    label: str
    weight: int = 1
    by_position: bool = False
    joined: bool = False
    fuzzy: bool = False
    glued: str | None = None
    items: list[Token] = field(default_factory=list)

    @property
    def filled(self) -> bool:
        return any(clean(v.text) for v in self.values)

    @property
    def page(self) -> int | None:
        return self.values[0].page if self.values else None


@dataclass
class Table3:
    cells: list[Cell]
    layout: str  # "2021" | "2019" (one （六） data row)
    issues: list[Issue]
    signals: set[str]  # template signals seen ("2021" from 逾期不补正, "2019" from a single （六） row)
    found: int = 0  # template rows with values


def map_table3(rows: list[Row], default_layout: str = "2021") -> Table3:
    """``default_layout``: the layout when table 3 itself does not say (its （六） rows damaged):
    the one table 2 or the report year implies."""
    issues: list[Issue] = []
    slots = _merge_wrapped(_slots(rows))
    signals = set()
    if any(s.key == SINGLE_OTHER and s.values for s in slots):
        signals.add("2019")
    if any(s.key in ("other.no_correction", "other.fee_unpaid", "other.other") for s in slots):
        signals.add("2021")
    layout = ("2019" if "2021" not in signals else "2021") if signals else default_layout
    template = [r.key for r in TABLE3_ROWS[layout]]
    extra = [*SUBTOTAL_ROWS, *([SINGLE_OTHER] if layout == "2021" else [])]
    _chain(slots, template, extra, issues)
    slots = _pair(slots, issues)
    _by_position(slots, template, issues)

    by_key: dict[str, _Slot] = {}
    for s in slots:
        if s.key is not None and s.values and s.key not in by_key:
            by_key[s.key] = s
    for s in by_key.values():
        s.items, s.glued = value_items(s.values, N)
    keys = [k for k in template + extra if k in by_key]
    rows_out = {k: _row_cells(k, by_key[k], issues) for k in keys if by_key[k].glued is None}
    rows_out.update(_solve_glued(by_key, keys, rows_out, layout, issues))
    cells: list[Cell] = []
    for key in template:
        if key not in rows_out:
            issues.append(Issue("row_missing", f"table3 row {key} not found"))
            cells += missing_row("table3", key, TABLE3_COLUMNS, "row not found in the document")
        else:
            cells += rows_out[key]
    cells += [c for k in keys if k not in template for c in rows_out[k]]
    return Table3(cells, layout, issues, signals, found=sum(1 for k in template if k in rows_out))


def _slots(rows: list[Row]) -> list[_Slot]:
    """Rows → slots: a label naming several rows gives one slot per row, the numbers going to
    the last; a group label with numbers is a printed subtotal; headers and padding drop out."""
    out: list[_Slot] = []
    for r in rows:
        norm = r.piece.norm if r.piece else ""
        keys = match_table3_rows(norm)
        fuzzy = False
        if r.piece is not None and not keys:
            if r.filled and (sub := _subtotal_key(norm)):
                keys = [sub]
            elif (key := fuzzy_table3_key(norm, _ALL_KEYS) or _fuzzy_last_cell(r)) is not None:
                keys, fuzzy = [key], True
        if not keys:
            if r.filled and not (r.piece and is_table3_header(r.piece.text) and not _numeric(r)):
                values = r.values
                if r.piece is None and values[0].cell and not clean(values[0].text):
                    values = values[1:]  # the empty first cell is the row's lost label column
                out.append(_Slot(None, values, r.label, weight=0))
            continue
        for k in keys[:-1]:
            out.append(_Slot(k, [], r.label, weight=1, fuzzy=fuzzy))
        weight = (10 if r.filled else 2 if r.values else 1) // (2 if fuzzy else 1)
        out.append(_Slot(keys[-1], r.values, r.label, weight=weight, fuzzy=fuzzy))
    return out


def _fuzzy_last_cell(r: Row) -> str | None:
    """A damaged label printed after header cells on its grid row (no enumerator of its own to
    separate them): matched alone, when the whole label names no group."""
    assert r.piece is not None
    *_, (text, line) = r.piece.lines
    if len(r.piece.lines) < 2 or r.piece.lines[-2][1] != line or any(w in r.piece.norm for w in GROUP_WORDS):
        return None
    return fuzzy_table3_key(normalize(text), _ALL_KEYS)


def _merge_wrapped(slots: list[_Slot]) -> list[_Slot]:
    """A text layer wraps a long row: its last numbers land on the next line(s), after the
    label's continuation. Numbers of running text that follow a row still short of its cells
    join it while they fit, and only if they then fill it exactly."""
    out: list[_Slot] = []
    i = 0
    while i < len(slots):
        s = slots[i]
        out.append(s)
        i += 1
        if s.key is None or not s.values or any(v.cell for v in s.values):
            continue
        count = len(value_items(s.values, N)[0])
        if count < 2:
            continue  # one run: glued, not wrapped
        j, extra = i, []
        while count < N and j < len(slots) and slots[j].key is None and slots[j].values and not any(
                v.cell for v in slots[j].values):
            count += len(value_items(slots[j].values, N)[0])
            extra += slots[j].values
            j += 1
        if count == N and extra:
            s.values = s.values + extra
            s.joined = True
            i = j
    return out


def _numeric(r: Row) -> bool:
    return any(parse_number(v.text).status == "reported" for v in r.values)


def _subtotal_key(norm: str) -> str | None:
    for word, key in SUBTOTAL_KEYS.items():
        if word in norm:
            return key
    return None


def _chain(slots: list[_Slot], template: list[str], extra: list[str], issues: list[Issue]) -> None:
    """Keep the heaviest chain of keyed slots that advances through the template; the rest lose
    their key (a repeated OCR text layer, a label out of order). Subtotal rows sit outside the
    order and keep their key."""
    pos = {k: i for i, k in enumerate(template)}
    idx = [i for i, s in enumerate(slots) if s.key in pos]
    best: list[int] = []  # best[j]: weight of the heaviest chain ending at idx[j]
    back: list[int] = []
    for j, i in enumerate(idx):
        w, b = slots[i].weight, -1
        for jj in range(j):
            if pos[slots[idx[jj]].key] < pos[slots[i].key] and best[jj] + slots[i].weight > w:  # type: ignore[index]
                w, b = best[jj] + slots[i].weight, jj
        best.append(w)
        back.append(b)
    keep: set[int] = set()
    if best:
        j = max(range(len(best)), key=lambda x: (best[x], -x))
        while j >= 0:
            keep.add(idx[j])
            j = back[j]
    for i, s in enumerate(slots):
        if s.key is None or s.key in extra and s.key not in pos:
            continue
        if s.key not in pos:
            issues.append(Issue("row_unexpected", f"table3 row {s.key} (label {s.label!r}) does not belong "
                                                  f"to this layout; ignored"))
            s.key = None
        elif i not in keep:
            issues.append(Issue("row_out_of_order",
                                f"table3 row {s.key} (label {s.label!r}) repeats or goes back; ignored"))
            s.key = None


def _pair(slots: list[_Slot], issues: list[Issue]) -> list[_Slot]:
    """Labels printed without their numbers, followed by as many rows of numbers without labels:
    the numbers belong to the labels, in order. A label at the foot of a page whose cells are
    empty and whose numbers head the next page counts as a label without numbers."""
    out: list[_Slot] = []
    i = 0
    while i < len(slots):
        j = i
        while j < len(slots) and slots[j].key is not None and _waiting(slots, j):
            j += 1
        k = j
        while k < len(slots) and slots[k].key is None and slots[k].filled:
            k += 1
        if j > i and k - j == j - i:
            for label, numbers in zip(slots[i:j], slots[j:k], strict=True):
                label.values, label.joined = numbers.values, True
                issues.append(Issue("row_joined", f"table3 row {label.key}: label and values printed apart"))
            out += slots[i:j]
            i = k
            continue
        out.append(slots[i])
        i += 1
    return [s for s in out if s.key is not None or s.filled]


def _waiting(slots: list[_Slot], j: int) -> bool:
    """A keyed slot whose numbers are still to come: none printed with it, or only empty cells
    at the foot of a page whose next row of numbers is on the next page."""
    s = slots[j]
    if not s.values:
        return True
    if s.filled or j + 1 >= len(slots):
        return False
    nxt = slots[j + 1]
    return nxt.key is None and nxt.filled and s.page is not None and nxt.page is not None and nxt.page != s.page


def _by_position(slots: list[_Slot], template: list[str], issues: list[Issue]) -> None:
    """Place rows without a label in the template gaps between recognised rows, when exactly as
    many rows sit there as the template has; otherwise discard them, recorded."""
    pos = {k: i for i, k in enumerate(template)}
    anchors = [(i, pos[s.key]) for i, s in enumerate(slots) if s.key in pos]
    bounds = [(-1, -1)] + anchors + [(len(slots), len(template))]
    for (a_i, a_t), (b_i, b_t) in zip(bounds, bounds[1:], strict=False):
        loose = [s for s in slots[a_i + 1 : b_i] if s.key is None]
        gap = template[a_t + 1 : b_t]
        if not loose:
            continue
        if len(loose) == len(gap):
            for s, key in zip(loose, gap, strict=True):
                s.key, s.by_position = key, True
                issues.append(Issue("row_by_position", f"table3 row {key} identified by position "
                                                       f"(label {s.label!r})"))
        else:
            for s in loose:
                issues.append(Issue("fragment_discarded",
                                    f"table3: unplaceable row {s.label!r} {[v.text for v in s.values]!r}"))


def _row_cells(key: str, s: _Slot, issues: list[Issue]) -> list[Cell]:
    fitted, damaged = fit_values(s.items, N)
    if len(s.items) > N and not any(t.cell for t in s.items):
        readings = [r for r in thousands_readings(s.items, N) if _row_total_holds(r)]
        issues.append(Issue("row_spaced", f"table3 row {key}: {len(s.items)} numbers for {N} cells, "
                                          f"{len(readings)} reading(s) with thousands grouped"))
        return reading_cells("table3", [(key, c) for c in TABLE3_COLUMNS], readings, s.label, "R02")
    if damaged and not all(t.cell for t in s.items):
        # numbers in running text that are neither 7 nor a glued run: no column is known
        issues.append(Issue("row_unreadable", f"table3 row {key}: {len(s.items)} numbers in running text for "
                                              f"{N} cells: left illegible"))
        return missing_row("table3", key, TABLE3_COLUMNS, f"numbers {[v.text for v in s.items]!r} in running "
                                                          f"text do not fill the row's {N} cells", s.label)
    damaged = damaged or s.by_position
    if damaged and not _total_admits(fitted):
        issues.append(Issue("row_unreadable", f"table3 row {key}: {len(s.items)} value cells for {N}, and no "
                                              f"reading keeps the row total: cells left illegible"))
        return missing_row("table3", key, TABLE3_COLUMNS, f"damaged row {[v.text for v in s.items]!r}", s.label)
    if damaged:
        issues.append(Issue("row_damaged", f"table3 row {key}: {len(s.items)} value cells, label {s.label!r}"))
    cells = [make_cell("table3", key, col, g, damaged=damaged, label_row_raw=s.label)
             for col, g in zip(TABLE3_COLUMNS, fitted, strict=True)]
    if s.by_position or s.joined or s.fuzzy:
        for c in cells:
            c.confident = False
    return cells


def _row_total_holds(reading: list[Token]) -> bool:
    values = [parse_number(t.text).value or 0 for t in reading]
    return sum(values[:-1]) == values[-1]


def _total_admits(fitted: list[Token | None]) -> bool:
    """Right-aligned cells of a damaged row are kept only if the row total can still hold:
    the printed parts do not exceed the printed total (missing parts are unknown, ≥ 0)."""
    values = [parse_number(t.text).value if t is not None else None for t in fitted]
    total = values[-1]
    if total is None:
        return True
    parts = [v for v in values[:-1] if v is not None]
    missing = any(t is None for t in fitted[:-1])
    return sum(parts) <= total if missing else True


def _solve_glued(by_key: dict[str, _Slot], keys: list[str], rows: dict[str, list[Cell]], layout: str,
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
        s = by_key[key]
        split = splits[key]
        if split.values is None:
            issues.append(Issue("glued_unresolved", f"table3 row {key}: glued digits {digits!r}: {split.reason}"))
        out[key] = glued_cells("table3", [(key, c) for c in TABLE3_COLUMNS], run_token(s.values), digits or "",
                               split, "R02 (and R01/R03 across rows)", s.label)
    return out


def _count(c: Cell) -> int | None:
    """A printed count for the solver's cross-row rules; None (no constraint) otherwise."""
    if c.status != "reported" or c.value is None or c.value != c.value.to_integral_value():
        return None
    return int(c.value)

