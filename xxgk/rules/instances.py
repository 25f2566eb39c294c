"""Rule instances of one report, read off the catalogue: both sides, operands, verdict.

An instance is the unit that passes or fails (``R01`` for column ``natural_person``, ``R06``
for table 4's review row …). :func:`build_instances` applies :mod:`xxgk.rules.catalogue` to a
report's cells (and, for R17–R19, to the same body's report of the year before); :func:`decide`
is the CLI's verdict in plain Python. The pipeline asks Great Expectations for the verdict over
the same catalogue (:mod:`xxgk.quality`) and a test holds both equal.

Every failing instance is classified: ``publisher_error`` when each cell involved was read as
printed (status ``reported`` — or a printed blank — from a table cell or running text, read
with confidence), so the document's own numbers disagree; ``parse_suspect`` when one of them
is inferred, ambiguous, illegible, split from glued digits or read with low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from xxgk.model import Cell, Fact, ReportMeta, RuleResult
from xxgk.rules.catalogue import (
    BOUNDS,
    CELL_CHECKS,
    CROSS_YEAR,
    CROSS_YEAR_NA,
    FACTS_SCOPE,
    FORBIDDEN_LAYOUTS,
    IDENTITIES,
    NO_PREVIOUS,
    NOT_APPLICABLE,
    PREV,
    RULES,
    TEMPLATE_YEAR,
    TEMPLATE_YEAR_SCOPE,
    Applies,
    Bound,
    CellCheck,
    Identity,
    layout_group,
)
from xxgk.rules.narrative import check_facts, expand

Op = Literal["eq", "ge", "le", "none"]  # "none": a count of offending items, lhs = count, rhs = 0
CELL_RULES = tuple(c.rule for c in CELL_CHECKS)
BLANK_STATUSES = frozenset({"blank", "placeholder"})
SUSPECT_STATUSES = frozenset({"inferred", "ambiguous", "illegible", "out_of_range"})


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


@dataclass(frozen=True)
class Report:
    """What the rules read of one report: its cells by path (``prev:`` paths for the previous
    year's report), metadata and narrative facts."""

    meta: ReportMeta
    cells: dict[str, Cell]
    facts: tuple[Fact, ...] = ()
    previous: ReportMeta | None = None

    @property
    def t2(self) -> str | None:
        return self.meta.template

    @property
    def t3(self) -> str:
        return layout_group(self.meta.table3_layout)


def report_of(cells: list[Cell], meta: ReportMeta, facts: list[Fact] | None = None,
              previous: tuple[ReportMeta, list[Cell]] | None = None) -> Report:
    by = {c.path: c for c in cells}
    if previous is not None:
        by.update({PREV + c.path: c for c in previous[1]})
    return Report(meta, by, tuple(facts or ()), previous[0] if previous else None)


def applies(a: Applies, r: Report) -> bool:
    if a.t2 and r.t2 not in a.t2:
        return False
    if a.t3 and r.t3 not in a.t3:
        return False
    if a.prev_t2:
        if r.previous is None or ("any" not in a.prev_t2 and r.previous.template not in a.prev_t2):
            return False
    return a.printed is None or f"{a.printed}/total" in r.cells


class _Sum:
    """Adds operands: blanks and placeholders count 0 (remembered), a missing or unreadable
    cell makes the sum unusable."""

    def __init__(self, cells: dict[str, Cell]) -> None:
        self.cells = cells
        self.blank = False
        self.illegible = False

    def __call__(self, paths: tuple[str, ...]) -> Decimal:
        total = Decimal(0)
        for p in paths:
            c = self.cells.get(p)
            if c is None or (c.value is None and c.status not in BLANK_STATUSES):
                self.illegible = True
            elif c.value is None:
                self.blank = True
            else:
                total += c.value
        return total


def identity_instance(i: Identity, r: Report) -> Instance:
    s = _Sum(r.cells)
    lhs = s(i.lhs)
    rhs = s(i.rhs) - s(i.rhs_minus) + i.const
    return Instance(i.rule, i.scope, i.op, lhs, rhs, s.blank, not s.illegible, cells=list(i.operands))


def cell_check_instance(check: CellCheck, r: Report) -> Instance:
    bad = sorted(p for p, c in r.cells.items() if not p.startswith(PREV) and offends(check, c))
    return Instance(check.rule, check.scope, "none", Decimal(len(bad)), Decimal(0), cells=bad)


def offends(check: CellCheck, c: Cell) -> bool:
    if check.kind == "status_not_in":
        return c.status in check.statuses
    if c.value is None or c.col in check.exempt_columns:
        return False
    if check.kind == "min":
        return c.value < 0
    return c.value != c.value.to_integral_value()  # "integral"


def bound_instance(b: Bound, r: Report) -> Instance:
    c = r.cells.get(b.path)
    places = decimal_places(c.value) if c is not None and c.value is not None else 0
    assessable = c is not None and not (c.value is None and c.status not in BLANK_STATUSES)
    return Instance(b.rule, b.scope, b.op, Decimal(places), Decimal(b.limit), assessable=assessable, cells=[b.path])


def decimal_places(v: Decimal) -> int:
    exp = v.normalize().as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def facts_instance(r: Report) -> Instance:
    cells = {p: c for p, c in r.cells.items() if not p.startswith(PREV)}
    checks = [c for c in check_facts(list(r.facts), list(cells.values())) if c.status != "n/a"]
    failing = [c for c in checks if c.status == "fail"]
    paths = list(dict.fromkeys(p for c in failing for term in c.fact.expression for p in expand(term, cells)))
    note = "; ".join(c.label for c in failing) or f"{len(checks)} facts checked"
    return Instance("R20", FACTS_SCOPE, "none", Decimal(len(failing)), Decimal(0), cells=paths, note=note)


def template_year_instance(meta: ReportMeta) -> Instance:
    inst = Instance("R21", TEMPLATE_YEAR_SCOPE, "none", Decimal(0), Decimal(0))
    problems = []
    if meta.year is not None and meta.template in ("2019", "2021"):
        for template, first, last in TEMPLATE_YEAR:
            if (first is None or meta.year >= first) and (last is None or meta.year <= last) \
                    and meta.template != template:
                problems.append(f"report year {meta.year} printed with {meta.template} labels")
    if meta.table3_layout in FORBIDDEN_LAYOUTS:
        problems.append("2021 labels but （六）其他处理 printed as one data row (2019 layout)")
    if meta.year is None or meta.template is None:
        inst.assessable = False
    inst.lhs = Decimal(len(problems))
    inst.note = "; ".join(problems) or f"report year {meta.year} with {meta.template}-format labels"
    return inst


def _identities(r: Report, rules: tuple[str, ...]) -> list[Instance]:
    return [identity_instance(i, r) for i in IDENTITIES if i.rule in rules and applies(i.applies, r)]


def build_report_instances(r: Report) -> list[Instance]:
    out = _identities(r, ("R01", "R02", "R03", "R04"))
    if not any(i.rule == "R04" for i in out):
        na = NOT_APPLICABLE["R04"]
        out.append(Instance("R04", na.scope, "none", applicable=False, note=na.note))
    na = NOT_APPLICABLE["R05"]
    out.append(Instance("R05", na.scope, "none", applicable=False, note=na.note))
    out += _identities(r, ("R06", "R07", "R08"))
    out += [cell_check_instance(c, r) for c in CELL_CHECKS]
    out += _identities(r, ("R13", "R14", "R15"))
    out += [bound_instance(b, r) for b in BOUNDS if applies(b.applies, r)]
    for rule in CROSS_YEAR:
        found = _identities(r, (rule,))
        if found:
            out += found
        else:
            note = NO_PREVIOUS if r.previous is None else CROSS_YEAR_NA.get(rule, "")
            out.append(Instance(rule, "cross-year", "none", applicable=False, note=note))
    out.append(facts_instance(r))
    out.append(template_year_instance(r.meta))
    return out


def build_instances(cells: list[Cell], meta: ReportMeta, facts: list[Fact] | None = None,
                    previous: tuple[ReportMeta, list[Cell]] | None = None) -> list[Instance]:
    return build_report_instances(report_of(cells, meta, facts, previous))


def status_of(i: Instance) -> str:
    """Pass/fail of one instance in plain Python (the CLI's verdict; the pipeline asks GX)."""
    if not i.applicable:
        return "n/a"
    if not i.assessable:
        return "not_assessable"
    return "pass" if compare(i.op, i.lhs, i.rhs) else "fail"


def compare(op: str, lhs: Decimal | None, rhs: Decimal | None) -> bool:
    if lhs is None or rhs is None:
        return False
    if op == "ge":
        return lhs >= rhs
    if op == "le":
        return lhs <= rhs
    return lhs == rhs  # "eq", and "none" (offending count == 0)


def classify(i: Instance, cells: dict[str, Cell]) -> str:
    """``publisher_error`` or ``parse_suspect`` for a failing instance (see the module doc)."""
    involved = [cells.get(p) for p in i.cells]
    if any(c is None or suspect(c) for c in involved):
        return "parse_suspect"
    return "publisher_error"


def suspect(c: Cell) -> bool:
    return c.status in SUSPECT_STATUSES or c.read == "glued" or not c.confident


def to_result(i: Instance, status: str, cells: dict[str, Cell] | None = None) -> RuleResult:
    classification = classify(i, cells or {}) if status == "fail" else None
    return RuleResult(i.rule, i.scope, status, i.severity, i.lhs, i.rhs,  # type: ignore[arg-type]
                      i.involves_blank, i.cells, i.note, classification)


def evaluate(cells: list[Cell], meta: ReportMeta, facts: list[Fact] | None = None) -> list[RuleResult]:
    """Every rule instance of one report with its verdict (``xxgk parse``; R17–R19 are n/a
    here: they need the previous year's report, which the warehouse has)."""
    r = report_of(cells, meta, facts)
    return [to_result(i, status_of(i), r.cells) for i in build_report_instances(r)]
