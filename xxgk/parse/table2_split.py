"""Splitting a table-2 row whose numbers lost their separators (``行政规范性文件6233440``).

Table-2 rows have one to three cells. A single-cell row is exact whatever its separators; a
multi-cell row printed as one digit run has several readings, and the only constraints are
the row's own bounds: R13 (2021: 现行有效 ≥ 制发 − 废止), R14 (2019: 新公开 ≤ 对外公开总数),
R15 (2019: 上一年项目数 + 增/减 ≥ 0), signs only where the column is signed, decimals only in
money columns, no leading zeros. A reading is accepted only when it is the only one left;
otherwise every cell is ``ambiguous`` and lists the readings. Separators that survived (spaces,
a sign: ``88-720`` is 88 | −7 20 or 88 | −72 0) are hard boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from xxgk.model import Cell, Issue
from xxgk.parse.stream import Token
from xxgk.schema import MONEY_COLUMNS, SIGNED_COLUMNS, Table2Row

_CHUNK = re.compile(r"^(?P<sign>[+\-]|增|减)?(?P<num>[\d.,]+)(?P<unit>万元|元)?$")
_MAX_DIGITS = 40  # longer runs are not a table-2 row: left illegible
_SHOWN = 10

Reading = tuple[Decimal, ...]


def split_row(spec: Table2Row, items: list[Token], label: str, issues: list[Issue]) -> list[Cell]:
    columns = spec.columns
    chunks = []
    for t in items:
        m = _CHUNK.match(unicodedata.normalize("NFKC", t.text).replace(" ", ""))
        if m is None:
            return _cells(spec, items, label, [], f"not a number run: {t.text!r}")
        chunks.append((-1 if m["sign"] in ("-", "减") else 1, m["num"].replace(",", ""), m["unit"] or ""))
    if sum(len(c[1]) for c in chunks) > _MAX_DIGITS:
        return _cells(spec, items, label, [], "digit run too long for a table-2 row")
    keys = [c.key for c in columns]
    readings = list(dict.fromkeys(r for joined in _groupings(chunks, items) for r in _readings(joined, keys)))
    if len(readings) > 1:  # the bounds choose among readings; a single reading is what was printed
        readings = [r for r in readings if _holds(spec, r)] or readings
    if len(readings) != 1:
        issues.append(Issue("glued_unresolved", f"table2 row {spec.key}: {len(readings)} readings of "
                                                f"{' '.join(t.text for t in items)!r}"))
    return _cells(spec, items, label, readings, "")


def _groupings(chunks: list[tuple[int, str, str]], items: list[Token]) -> Iterator[list[tuple[int, str, str]]]:
    """The chunks as printed, and (running text only) with spaces read as thousands separators:
    a space before an unsigned chunk of three digits or more may be inside one number."""
    yield chunks
    if any(t.cell for t in items):
        return
    joinable = [i for i in range(1, len(chunks)) if chunks[i][0] > 0 and len(chunks[i][1]) >= 3
                and "." not in chunks[i - 1][1] and not chunks[i - 1][2]][:6]
    for mask in range(1, 2 ** len(joinable)):
        joins = {j for b, j in enumerate(joinable) if mask >> b & 1}
        out: list[tuple[int, str, str]] = []
        for i, c in enumerate(chunks):
            if i in joins:
                sign, digits, _ = out[-1]
                out[-1] = (sign, digits + c[1], c[2])
            else:
                out.append(c)
        yield out


def _readings(chunks: list[tuple[int, str, str]], keys: list[str]) -> Iterator[Reading]:
    """Every reading of the chunks as ``len(keys)`` cells (each chunk one or more cells)."""

    def parts(s: str, k: int, first: int) -> Iterator[list[str]]:
        if k == 1:
            yield [s]
            return
        for i in range(1, len(s)):
            for rest in parts(s[i:], k - 1, first + 1):
                yield [s[:i], *rest]

    def rec(ci: int, col: int) -> Iterator[list[Decimal]]:
        if ci == len(chunks):
            if col == len(keys):
                yield []
            return
        sign, digits, unit = chunks[ci]
        left = len(chunks) - ci - 1
        for k in range(1, len(keys) - col - left + 1):
            for p in parts(digits, k, col):
                values = []
                for j, text in enumerate(p):
                    key = keys[col + j]
                    v = _value(text, key, sign if j == 0 else 1, unit if j == len(p) - 1 else "")
                    if v is None:
                        break
                    values.append(v)
                else:
                    for rest in rec(ci + 1, col + k):
                        yield values + rest

    for r in rec(0, 0):
        yield tuple(r)


def _value(text: str, key: str, sign: int, unit: str) -> Decimal | None:
    """One cell's reading, or None when a printed table could not hold it."""
    if not text or text.startswith(".") or text.endswith(".") or text.count(".") > 1:
        return None
    if "." in text and key not in MONEY_COLUMNS:
        return None
    whole = text.split(".")[0]
    if len(whole) > 1 and whole.startswith("0"):
        return None
    if sign < 0 and key not in SIGNED_COLUMNS:
        return None
    if unit and key not in MONEY_COLUMNS:
        return None
    v = Decimal(text) * sign
    if unit == "元" and key == "fee_amount":
        v = v / Decimal(10000)
    if unit == "万元" and key == "procurement_amount":
        v = v * Decimal(10000)
    return v


def _holds(spec: Table2Row, r: Reading) -> bool:
    """The row's own bounds (R13–R15)."""
    v = dict(zip((c.key for c in spec.columns), r, strict=True))
    if {"issued", "repealed", "in_force"} <= v.keys():
        return v["in_force"] >= v["issued"] - v["repealed"]
    if {"newly_published", "total_published"} <= v.keys():
        return v["newly_published"] <= v["total_published"]
    if {"prev_year_items", "items_change"} <= v.keys():
        return v["prev_year_items"] + v["items_change"] >= 0
    return True


def _cells(spec: Table2Row, items: list[Token], label: str, readings: list[Reading], why: str) -> list[Cell]:
    raw = " ".join(t.text for t in items)
    out = []
    for i, col in enumerate(spec.columns):
        if len(readings) == 1:
            value, status = readings[0][i], "reported"
            note = f"split from the run {raw!r}: the only reading (by its digits, then the row's bounds R13–R15)"
        elif readings:
            value, status = None, "ambiguous"
            shown = "; ".join("(" + ", ".join(str(x) for x in r) + ")" for r in readings[:_SHOWN])
            mine = sorted({str(r[i]) for r in readings})
            note = f"the run {raw!r} has {len(readings)} readings within the row's bounds: {shown}; this cell {mine}"
        else:
            value, status = None, "illegible"
            note = f"the run {raw!r}: {why or 'no reading within the row bounds'}"
        out.append(Cell("table2", spec.key, col.key, value, col.unit, status, raw,  # type: ignore[arg-type]
                        label, col.label, items[0].locator if items else "", note, read="glued", confident=False))
    return out
