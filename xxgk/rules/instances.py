"""Rule instances of one report: both sides of every identity, computed from its cells.

An instance is the unit that passes or fails (``R01`` for column ``natural_person``, ``R06``
for table 4's review row …). This module only *computes* lhs and rhs and what the operands
were (blank, illegible); deciding pass/fail is :func:`decide` here for the CLI and the Great
Expectations suite in the pipeline (:mod:`xxgk.quality`), both reading the same instances.

Blank semantics (spec §3.1, default ``blank_as_zero``): a blank or placeholder operand counts
as 0 and marks the instance ``involves_blank``; an illegible operand makes it not assessable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from xxgk.model import Cell, Fact, ReportMeta, RuleResult
from xxgk.rules.catalogue import RULES
from xxgk.rules.narrative import check_facts
from xxgk.schema import (
    C6,
    C7,
    MONEY_COLUMNS,
    SIGNED_COLUMNS,
    T4_PARTS,
    TABLE3_ROWS,
    TABLE4_ROWS,
    outcome_leaves,
)

Op = Literal["eq", "ge", "le", "none"]  # "none": a cell-level rule, lhs = offending cells, rhs = 0
CELL_RULES = ("R09", "R10", "R11", "R12")


@dataclass
class Instance:
    rule: str
    scope: str
    op: Op
    lhs: Decimal | None = None
    rhs: Decimal | None = None
    involves_blank: bool = False
    assessable: bool = True
    applicable: bool = True
    cells: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def severity(self) -> str:
        return RULES[self.rule].severity


class _Sum:
    """Adds operands, remembering blanks and illegible cells."""

    def __init__(self, cells: dict[str, Cell]) -> None:
        self.cells = cells
        self.blank = False
        self.illegible = False

    def __call__(self, paths: list[str]) -> Decimal:
        total = Decimal(0)
        for p in paths:
            c = self.cells.get(p)
            if c is None or c.status in ("illegible", "ambiguous"):
                self.illegible = True
                continue
            if c.value is None:
                self.blank = True
                continue
            total += c.value
        return total


def _eq(rule: str, scope: str, cells: dict[str, Cell], lhs: list[str], rhs: list[str], op: Op = "eq") -> Instance:
    s = _Sum(cells)
    left, right = s(lhs), s(rhs)
    return Instance(rule, scope, op, left, right, s.blank, not s.illegible)


def build_instances(cells: list[Cell], meta: ReportMeta, facts: list[Fact] | None = None) -> list[Instance]:
    by = {c.path: c for c in cells}
    # a single （六）其他处理 row (2019, or the 2021 hybrid) has the 2019 row layout
    layout = "2019" if meta.table3_layout in ("2019", "2021_single_other") else "2021"
    rows3 = [r.key for r in TABLE3_ROWS[layout]]
    leaves = outcome_leaves(TABLE3_ROWS[layout])
    out: list[Instance] = []

    for c in C7:
        out.append(_eq("R01", f"table3 col={c}", by,
                       [f"table3/new_received/{c}", f"table3/carried_over/{c}"],
                       [f"table3/total/{c}", f"table3/carried_forward/{c}"]))
    for r in rows3:
        out.append(_eq("R02", f"table3 row={r}", by, [f"table3/{r}/total"], [f"table3/{r}/{c}" for c in C6]))
    for c in C7:
        out.append(_eq("R03", f"table3 col={c}", by, [f"table3/total/{c}"], [f"table3/{r}/{c}" for r in leaves]))

    subtotals = [g for g in ("denied", "unable", "not_processed") if f"table3/{g}.total/total" in by]
    if layout == "2021" and "table3/other.total/total" in by:
        subtotals.append("other")
    if not subtotals:
        out.append(Instance("R04", "table3 group subtotal rows", "none", applicable=False,
                            note="report gives no (三)/(四)/(五)/(六) subtotal rows"))
    for g in subtotals:
        parts = [r for r in leaves if r.startswith(g + ".")]
        for c in C7:
            out.append(_eq("R04", f"table3 row={g}.total col={c}", by,
                           [f"table3/{g}.total/{c}"], [f"table3/{r}/{c}" for r in parts]))
    out.append(Instance("R05", "table3 法人或其他组织 subtotal column", "none", applicable=False,
                        note="report gives no organisation subtotal column"))

    for rule, (r, _) in zip(("R06", "R07", "R08"), TABLE4_ROWS, strict=True):
        out.append(_eq(rule, f"table4 {r}", by, [f"table4/{r}/total"], [f"table4/{r}/{p}" for p in T4_PARTS]))

    out += _cell_rules(cells)
    out += _table2_rules(by, meta)
    for rule in ("R17", "R18", "R19"):
        out.append(Instance(rule, "cross-year", "none", applicable=False,
                            note="needs the same agency's adjacent-year report (evaluated in the warehouse)"))
    out.append(_r20(cells, facts))
    out.append(_r21(meta))
    return out


def _r20(cells: list[Cell], facts: list[Fact] | None) -> Instance:
    scope = "narrative facts (see narrative_facts)"
    checks = [c for c in check_facts(facts or [], cells) if c.status != "n/a"]
    failing = [c.label for c in checks if c.status == "fail"]
    return Instance("R20", scope, "none", Decimal(len(failing)), Decimal(0), cells=failing,
                    note=f"{len(checks)} facts checked")


def _cell_rules(cells: list[Cell]) -> list[Instance]:
    negative = [c.path for c in cells if c.value is not None and c.value < 0 and c.col not in SIGNED_COLUMNS]
    fractional = [c.path for c in cells
                  if c.value is not None and c.col not in MONEY_COLUMNS and c.value != c.value.to_integral_value()]
    blank = [c.path for c in cells if c.status in ("blank", "placeholder")]
    illegible = [c.path for c in cells if c.status in ("illegible", "inferred", "ambiguous")]
    scopes = {
        "R09": ("all cells (except table2 items_change)", negative),
        "R10": ("all count cells", fractional),
        "R11": ("all template cells", blank),
        "R12": ("legibility/completeness of template cells", illegible),
    }
    return [Instance(rule, scope, "none", Decimal(len(paths)), Decimal(0), cells=paths)
            for rule, (scope, paths) in scopes.items()]


def _table2_rules(by: dict[str, Cell], meta: ReportMeta) -> list[Instance]:
    out: list[Instance] = []
    t = "table2"
    if meta.template == "2021":
        for x in ("regulations", "normative_documents"):
            s = _Sum(by)
            lhs = s([f"{t}/art20_1.{x}/in_force"])
            rhs = s([f"{t}/art20_1.{x}/issued"]) - s([f"{t}/art20_1.{x}/repealed"])
            out.append(Instance("R13", f"table2 art20_1.{x}", "ge", lhs, rhs, s.blank, not s.illegible))
        fee = by.get(f"{t}/art20_8.admin_fees/fee_amount")
        places = 0
        if fee is not None and fee.value is not None:
            exp = fee.value.normalize().as_tuple().exponent
            places = -exp if isinstance(exp, int) and exp < 0 else 0
        out.append(Instance("R16", "table2 art20_8.admin_fees.fee_amount", "le", Decimal(places), Decimal(4),
                            assessable=fee is not None and fee.status not in ("illegible", "ambiguous")))
    elif meta.template == "2019":
        for x in ("regulations", "normative_documents"):
            out.append(_eq("R14", f"table2 art20_1.{x}", by,
                           [f"{t}/art20_1.{x}/newly_published"], [f"{t}/art20_1.{x}/total_published"], "le"))
        for r in ("art20_5.licensing", "art20_5.other_services", "art20_6.penalty", "art20_6.coercion",
                  "art20_8.admin_fees"):
            s = _Sum(by)
            lhs = s([f"{t}/{r}/prev_year_items", f"{t}/{r}/items_change"])
            out.append(Instance("R15", f"table2 {r}", "ge", lhs, Decimal(0), s.blank, not s.illegible))
    return out


def _r21(meta: ReportMeta) -> Instance:
    inst = Instance("R21", "template version vs report year", "none", Decimal(0), Decimal(0))
    problems = []
    if meta.year is not None and meta.template in ("2019", "2021"):
        expected = "2019" if meta.year <= 2020 else "2021"
        if meta.template != expected:
            problems.append(f"report year {meta.year} printed with {meta.template} labels")
    if meta.table3_layout == "2021_single_other":
        problems.append("2021 labels but （六）其他处理 printed as one data row (2019 layout)")
    if meta.year is None or meta.template is None:
        inst.assessable = False
    inst.lhs = Decimal(len(problems))
    inst.note = "; ".join(problems) or f"report year {meta.year} with {meta.template}-format labels"
    return inst


def decide(i: Instance) -> RuleResult:
    """Pass/fail of one instance in plain Python (the CLI's path; the pipeline asks GX)."""
    if not i.applicable:
        status = "n/a"
    elif not i.assessable:
        status = "not_assessable"
    else:
        status = "pass" if compare(i.op, i.lhs, i.rhs) else "fail"
    return to_result(i, status)


def compare(op: str, lhs: Decimal | None, rhs: Decimal | None) -> bool:
    if lhs is None or rhs is None:
        return False
    if op == "ge":
        return lhs >= rhs
    if op == "le":
        return lhs <= rhs
    return lhs == rhs  # "eq", and "none" (offending-cell count == 0)


def to_result(i: Instance, status: str) -> RuleResult:
    return RuleResult(i.rule, i.scope, status, i.severity, i.lhs, i.rhs,  # type: ignore[arg-type]
                      i.involves_blank, i.cells, i.note)


def evaluate(cells: list[Cell], meta: ReportMeta, facts: list[Fact] | None = None) -> list[RuleResult]:
    return [decide(i) for i in build_instances(cells, meta, facts)]
