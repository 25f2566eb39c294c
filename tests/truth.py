"""Comparing a parse result with a hand-typed ground-truth file (format of spec §4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xxgk.model import ParseResult, json_number


def cell_mismatches(result: ParseResult, truth: dict[str, Any]) -> list[str]:
    """Every truth cell whose parsed value differs (``accept`` lists honoured), plus extra cells."""
    accept = {(a["table"], a["row"], a["col"]): a["accept"] for a in truth.get("ambiguous_cells", [])}
    got = {(c.table, c.row, c.col): c for c in result.cells}
    out = []
    expected_keys = set()
    for table, rows in truth["values"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                key = (table, row, col)
                expected_keys.add(key)
                cell = got.get(key)
                if cell is None:
                    out.append(f"{key}: missing (want {want})")
                    continue
                value = json_number(cell.value)
                allowed = accept.get(key, [want])
                if value not in allowed or (value is None) != (cell.value is None):
                    out.append(f"{key}: got {value} [{cell.status} {cell.raw!r}], want {allowed}")
                elif want is not None and key not in accept and cell.status != "reported":
                    out.append(f"{key}: value right but status {cell.status}")
    for key in set(got) - expected_keys:
        out.append(f"{key}: extra cell {got[key].status}")
    return out


def _num(v: Any) -> Any:
    return json_number(v) if isinstance(v, Decimal) else v


def rule_mismatches(result: ParseResult, truth: dict[str, Any], skip: frozenset[str] = frozenset()) -> list[str]:
    """Rule instances whose status, sides or cell lists differ from the truth's rule_results."""
    got = {(r.rule, r.scope): r for r in result.rules}
    out = []
    want_keys = set()
    for t in truth["rule_results"]:
        if t["rule"] in skip:
            continue
        key = (t["rule"], t["scope"])
        want_keys.add(key)
        r = got.get(key)
        if r is None:
            out.append(f"{key}: missing")
            continue
        if r.status != t["status"] or r.severity != t["severity"]:
            out.append(f"{key}: got {r.status}/{r.severity}, want {t['status']}/{t['severity']}")
        for side in ("lhs", "rhs"):
            if side in t and t[side] is not None and _num(getattr(r, side)) != t[side]:
                out.append(f"{key}: {side} {_num(getattr(r, side))} != {t[side]}")
        if "involves_blank" in t and r.involves_blank != t["involves_blank"]:
            out.append(f"{key}: involves_blank {r.involves_blank} != {t['involves_blank']}")
        if "cells" in t and sorted(r.cells) != sorted(t["cells"]):
            out.append(f"{key}: cells {sorted(set(r.cells) ^ set(t['cells']))} differ")
    for key in set(got) - want_keys:
        if key[0] not in skip:
            out.append(f"{key}: extra instance")
    return out
