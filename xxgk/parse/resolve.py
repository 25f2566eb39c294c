"""Resolving illegible cells that the table's own identities pin down.

Table 3 satisfies R01–R03 and table 4 R06–R08; all cells are non-negative counts. When OCR lost
a cell and an identity leaves exactly one possible value (one unknown in an equation, or a sum
of unknowns forced to zero), that value is set with status ``inferred``: flagged, never
presented as printed. Anything less certain stays ``illegible``.
"""

from __future__ import annotations

from decimal import Decimal

from xxgk.model import Cell
from xxgk.schema import C6, C7, T4_PARTS, TABLE3_ROWS, TABLE4_ROWS, outcome_leaves

Equation = tuple[list[str], list[str]]  # lhs cell paths, rhs cell paths: sum(lhs) == sum(rhs)


def equations(layout: str) -> list[Equation]:
    leaves = outcome_leaves(TABLE3_ROWS[layout])
    rows3 = [r.key for r in TABLE3_ROWS[layout]]
    eqs: list[Equation] = []
    for c in C7:
        eqs.append(([f"table3/new_received/{c}", f"table3/carried_over/{c}"],
                    [f"table3/total/{c}", f"table3/carried_forward/{c}"]))
        eqs.append(([f"table3/total/{c}"], [f"table3/{r}/{c}" for r in leaves]))
    for r in rows3:
        eqs.append(([f"table3/{r}/total"], [f"table3/{r}/{c}" for c in C6]))
    for r, _ in TABLE4_ROWS:
        eqs.append(([f"table4/{r}/total"], [f"table4/{r}/{p}" for p in T4_PARTS]))
    return eqs


def resolve_illegible(cells: list[Cell], layout: str) -> int:
    """Infer what can be inferred; returns the number of cells resolved."""
    by_path = {c.path: c for c in cells}
    unknown = {p for p, c in by_path.items() if c.status == "illegible"}
    if not unknown:
        return 0
    # An ambiguous cell has a value, only not one we can name: an equation through it forces nothing.
    undecided = {p for p, c in by_path.items() if c.status == "ambiguous"}

    def val(p: str) -> Decimal:
        c = by_path.get(p)
        return c.value if c is not None and c.value is not None else Decimal(0)

    resolved = 0
    progress = True
    while progress and unknown:
        progress = False
        for lhs, rhs in equations(layout):
            if not all(p in by_path for p in lhs + rhs) or any(p in undecided for p in lhs + rhs):
                continue
            ul = [p for p in lhs if p in unknown]
            ur = [p for p in rhs if p in unknown]
            if not ul and not ur:
                continue
            diff = sum((val(p) for p in lhs if p not in unknown), Decimal(0)) - sum(
                (val(p) for p in rhs if p not in unknown), Decimal(0))
            solved: dict[str, Decimal] = {}
            if len(ul) + len(ur) == 1:
                p = (ul + ur)[0]
                x = -diff if ul else diff
                if x >= 0 and x == x.to_integral_value():
                    solved[p] = x
            elif not ul and diff == 0:
                solved = {p: Decimal(0) for p in ur}  # non-negative parts summing to 0
            elif not ur and diff == 0:
                solved = {p: Decimal(0) for p in ul}
            for p, x in solved.items():
                c = by_path[p]
                c.value, c.status = x, "inferred"
                c.note = (c.note + "; " if c.note else "") + "value forced by the table's identities"
                unknown.discard(p)
                resolved += 1
                progress = True
    return resolved
