"""Reading a grid row as *label + values*, whatever shape it came in.

Every table of the template is "row label(s), then that row's numbers". Text exports and
span-expanded grids add empty cells, repeat group labels and sometimes fuse or drop cells, so
a row is read as: the **last** label-like cell is the row label, the value-like cells after
it are the values. Values are then fitted to the template's column count
(:func:`fit_values`), which is where damaged rows are recognised.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from xxgk.document import GridCell
from xxgk.numbers import clean, is_value_text

_DIGIT_RUN = re.compile(r"[0-9]+(?: +[0-9]+)*")


@dataclass
class Row:
    label: str  # raw text of the row label ('' when the row has none)
    values: list[GridCell]  # value-like cells after the label, in order
    texts: list[str] = field(default_factory=list)  # all cell texts (for signals and issues)
    label_cell: GridCell | None = None

    @property
    def nonempty_values(self) -> int:
        return sum(1 for c in self.values if clean(c.text))


def dedupe_spans(row: list[GridCell]) -> list[GridCell]:
    """Drop copies made by expanding a colspan, so a spanning value counts once.

    Rowspan copies (same column, origin on an earlier row) are kept: a rowspan label such as
    三、本年度办理结果 belongs to every row it covers.
    """
    return [c for c in row if not (c.is_span_copy and c.origin is not None and c.origin[0] == c.row)]


def split_row(row: list[GridCell]) -> Row:
    cells = dedupe_spans(row)
    texts = [c.text for c in cells]
    last_label = -1
    for i, c in enumerate(cells):
        if not is_value_text(c.text):
            last_label = i
    if last_label < 0:
        return Row("", list(cells), texts)
    values = [c for c in cells[last_label + 1 :]]
    return Row(cells[last_label].text, values, texts, cells[last_label])


def fit_values(values: list[GridCell], n: int) -> tuple[list[GridCell | None], bool]:
    """Fit a row's value cells to ``n`` template columns.

    Extra cells are first taken off as empty padding at the ends (colspan residue of text
    exports). A row that still does not fit is *damaged*: its cells are right-aligned, because
    the total column closes every template row and survives OCR best, and the positions left
    over are reported missing (None).
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


def glued_digits(values: list[GridCell], n: int) -> str | None:
    """The digit run of a row whose cells lost their boundaries, or None.

    A row is glued when it has fewer value cells (blank ones included: a blank cell still
    holds its position) than the template has columns, every non-empty one is digits and
    spaces only, and together they hold at least ``n`` digits (one per cell at least):
    ``200 000121`` for seven cells. Cell boundaries that
    survived (separate cells, spaces) are kept as spaces: the solver treats them as hard.
    A damaged row with too few digits is not glued; it stays a damaged row.
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
