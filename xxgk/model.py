"""Results of parsing one document: report metadata, canonical cells, rule results, issues.

These are the records of the ``xxgk parse --json`` contract and of the warehouse tables
``report``, ``cell``, ``rule_result`` and ``parse_issue`` (DDL in ``sql/ddl``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

# reported    the cell holds a number exactly as printed
# blank       printed empty (whitespace/NBSP only); value null
# placeholder printed "/", "-", "—", "无", "不适用" …; value null
# illegible   the source lost the cell (OCR damage, fused cells); value null
# inferred    illegible in the source, but the table's own identities (R01–R03 with
#             non-negativity) leave exactly one possible value; value set, flagged
# ambiguous   several readings remain (glued digits); value null, candidates in ``note``
CellStatus = Literal["reported", "blank", "placeholder", "illegible", "inferred", "ambiguous"]
NULL_STATUSES = frozenset({"blank", "placeholder", "illegible", "ambiguous"})


@dataclass
class Cell:
    table: str
    row: str
    col: str
    value: Decimal | None
    unit: str
    status: CellStatus
    raw: str
    label_row_raw: str = ""
    label_col_raw: str = ""
    locator: str = ""  # page / grid coordinates in the source document
    note: str = ""
    # How the value was read: "cell" (a printed table cell), "text" (a number in running text
    # whose separators survived) or "glued" (split from a digit run that lost its boundaries).
    read: str = "cell"
    # False when the reading rests on more than the printed cell: a glued split, a row placed by
    # position or joined across lines, a damaged row, a label matched by similarity.
    confident: bool = True

    @property
    def path(self) -> str:
        return f"{self.table}/{self.row}/{self.col}"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = json_number(self.value)
        return d


@dataclass
class Region:
    code: str  # GB/T 2260 administrative-division code
    name: str


@dataclass
class ReportMeta:
    title: str
    agency: str | None
    region: Region | None
    year: int | None
    template: Literal["2019", "2021", "pre2019"] | None
    source: str
    scope: Literal["agency", "area"] | None = None  # own report vs area-wide aggregate
    table3_layout: str | None = None  # "2019" | "2021" | "2021_single_other"


@dataclass
class RuleResult:
    rule: str
    scope: str
    status: Literal["pass", "fail", "n/a", "not_assessable"]
    severity: Literal["error", "warning"]
    lhs: Any = None
    rhs: Any = None
    involves_blank: bool = False
    cells: list[str] = field(default_factory=list)  # cell paths involved (operands; offending cells for R09–R12)
    note: str = ""
    # failing instances only: publisher_error (the document's own numbers disagree) or
    # parse_suspect (a cell involved was not read exactly as printed); xxgk.rules.instances
    classification: str | None = None


@dataclass
class Issue:
    code: str
    message: str
    severity: Literal["error", "warning", "info"] = "warning"


@dataclass(frozen=True)
class Fact:
    """A number the narrative states (R20): ``stated`` should equal the sum of ``expression``'s
    cells (``table3/denied.*/total`` = every leaf of the group). Out-of-scope facts speak of
    another population (区政府办 for a district-wide report) and are not compared."""

    quote: str
    expression: tuple[str, ...]
    stated: int
    in_scope: bool = True


@dataclass
class ParseResult:
    """Everything known about one document after parsing.

    ``outcome`` says what became of it (exit code of ``xxgk parse``): ``parsed`` (0),
    ``partial`` or ``tables_unreadable`` (3: a template report whose tables could not all be
    read, stored with what was recovered), ``not_a_report`` (2), ``unreadable`` (1).
    ``is_report`` is True for the first three, ``unreadable`` for the last.
    """

    report: ReportMeta
    cells: list[Cell]
    rules: list[RuleResult]
    issues: list[Issue]
    is_report: bool = True
    unreadable: bool = False
    facts: list[Fact] = field(default_factory=list)  # narrative facts, for R20
    # parsed | partial | tables_unreadable (template reports, stored) | not_a_report | unreadable
    outcome: str = "parsed"

    def to_json(self) -> dict[str, Any]:
        meta = asdict(self.report)
        return {
            "outcome": self.outcome,
            "report": meta,
            "cells": [c.to_json() for c in self.cells],
            "rules": [json_rule(r) for r in self.rules],
            "issues": [asdict(i) for i in self.issues],
        }


def json_number(v: Decimal | None) -> int | float | None:
    """Decimals become ints when integral, else floats (JSON has no decimal type)."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def json_rule(r: RuleResult) -> dict[str, Any]:
    d = asdict(r)
    for k in ("lhs", "rhs"):
        if isinstance(d[k], Decimal):
            d[k] = json_number(d[k])
    return d
