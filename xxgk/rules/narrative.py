"""R20: facts stated in the narrative against the tables."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xxgk.model import Cell, Fact


@dataclass(frozen=True)
class FactCheck:
    fact: Fact
    table_value: Decimal | None
    status: str  # pass | fail | n/a

    @property
    def label(self) -> str:
        return f"{self.fact.quote} (stated {self.fact.stated}, table {_plain(self.table_value)})"


def check_facts(facts: list[Fact], cells: list[Cell]) -> list[FactCheck]:
    by = {c.path: c for c in cells}
    out = []
    for f in facts:
        value = table_value(f.expression, by)
        if not f.in_scope or value is None:
            status = "n/a"
        else:
            status = "pass" if value == f.stated else "fail"
        out.append(FactCheck(f, value, status))
    return out


def table_value(expression: tuple[str, ...], by: dict[str, Cell]) -> Decimal | None:
    """Sum of the expression's cells, blanks as 0; None if a cell is missing or unreadable."""
    total = Decimal(0)
    for term in expression:
        for path in expand(term, by):
            c = by.get(path)
            if c is None or (c.value is None and c.status not in ("blank", "placeholder")):
                return None  # missing or unreadable (illegible, ambiguous, out of range)
            total += c.value or 0
    return total


def expand(term: str, by: dict[str, Cell]) -> list[str]:
    table, row, col = term.split("/")
    if not row.endswith(".*"):
        return [term]
    group = row[:-2]
    rows = sorted({p.split("/")[1] for p in by if p.startswith(f"{table}/{group}.")} - {f"{group}.total"})
    if group == "other" and not rows and f"{table}/other.total/{col}" in by:
        rows = ["other.total"]  # （六）其他处理 printed as one row
    return [f"{table}/{r}/{col}" for r in rows]


def _plain(v: Decimal | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if v == v.to_integral_value() else str(v)
