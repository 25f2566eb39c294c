"""The rule catalogue R01–R21 (spec §3.2), as data: the one place a rule is defined.

Every consumer reads this module and nothing else: the CLI's evaluator
(:mod:`xxgk.rules.instances`), the Great Expectations suites in ``expectations/`` (generated
from here by :mod:`xxgk.quality.suites`, so a suite file says which cells sum to which), the
warehouse's ``rule_result`` and the quality pages.

Four kinds of checks cover the spec's 21 rules:

* :class:`Identity`: ``Σ lhs  op  Σ rhs − Σ rhs_minus (+ const)`` over named cells, for the
  reports it :class:`Applies` to (template of table 2, row layout of table 3, the previous
  year's report for the cross-year rules R17–R19, whose operands are ``prev:`` cells);
* :class:`CellCheck`: a condition on every template cell (R09–R12);
* :class:`Bound`: a measure of one cell against a limit (R16, decimal places);
* the narrative facts (R20) and the template/year agreement (R21), whose operands come from
  the report itself (:data:`FACTS`, :data:`TEMPLATE_YEAR`).

Blank semantics (spec §3.1, ``blank_as_zero``): a blank or placeholder operand counts as 0 and
marks the instance ``involves_blank``; an illegible, ambiguous or missing operand makes the
instance ``not_assessable``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from xxgk.schema import (
    C6,
    C7,
    MONEY_COLUMNS,
    SIGNED_COLUMNS,
    T4_PARTS,
    TABLE3_ROWS,
    TABLE4_ROWS,
    outcome_leaves,
    template_cells,
)

Severity = Literal["error", "warning"]
Op = Literal["eq", "ge", "le"]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    statement: str


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("R01", "T3 column balance", "error",
         "new_received + carried_over = total + carried_forward, per applicant column"),
    Rule("R02", "T3 row total", "error", "total column = sum of the six applicant columns, per row"),
    Rule("R03", "T3 outcome total", "error", "（七）总计 = sum of the outcome leaf rows, per column"),
    Rule("R04", "T3 group subtotal", "error", "a printed group subtotal = sum of its leaves"),
    Rule("R05", "T3 organisation subtotal", "error", "a printed 法人或其他组织 subtotal = sum of its five columns"),
    Rule("R06", "T4 review total", "error", "review total = upheld + corrected + other + pending"),
    Rule("R07", "T4 direct-litigation total", "error", "direct litigation total = sum of its parts"),
    Rule("R08", "T4 after-review-litigation total", "error", "litigation after review total = sum of its parts"),
    Rule("R09", "Non-negativity", "error", "every non-null cell >= 0 (except 2019 items_change)"),
    Rule("R10", "Integrality", "error", "every non-null count cell is an integer"),
    Rule("R11", "Blank/placeholder cell", "warning", "no template cell is blank or a placeholder"),
    Rule("R12", "Legibility/completeness", "warning", "every template row and cell is present and legible"),
    Rule("R13", "T2 stock-flow bound (2021)", "warning", "in_force >= issued - repealed"),
    Rule("R14", "T2 published bound (2019)", "warning", "newly_published <= total_published"),
    Rule("R15", "T2 item count (2019)", "warning", "prev_year_items + items_change >= 0"),
    Rule("R16", "Fee precision (2021)", "warning", "fee_amount has at most 4 decimal places"),
    Rule("R17", "Cross-year carry", "warning", "carried_over(Y) = carried_forward(Y-1), same agency"),
    Rule("R18", "Cross-year in-force stock", "warning", "in_force(Y) = in_force(Y-1) + issued(Y) - repealed(Y)"),
    Rule("R19", "Cross-year item chain (2019)", "warning",
         "prev_year_items(Y) = prev_year_items(Y-1) + items_change(Y-1)"),
    Rule("R20", "Narrative vs table", "warning", "numbers stated in the narrative equal the table"),
    Rule("R21", "Template version vs year", "warning", "year <= 2020 uses 2019 labels, year >= 2021 uses 2021 labels"),
)}

PREV = "prev:"  # operand prefix: the same body's report of the year before


@dataclass(frozen=True)
class Applies:
    """Which reports an identity concerns, as values of the report's frame columns.

    ``t2``: table-2 template (2019 | 2021); ``t3``: table-3 row layout (2019 = one （六） row,
    the 2021 hybrid included; 2021 = three （六） rows); ``prev_t2``: template of the previous
    year's report (``("any",)``: any previous report). ``printed``: the row must be printed
    (optional subtotal rows, R04).
    """

    t2: tuple[str, ...] = ()
    t3: tuple[str, ...] = ()
    prev_t2: tuple[str, ...] = ()
    printed: str | None = None


@dataclass(frozen=True)
class Identity:
    rule: str
    scope: str
    op: Op
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    applies: Applies
    rhs_minus: tuple[str, ...] = ()
    const: int = 0  # added to the right-hand side

    @property
    def operands(self) -> tuple[str, ...]:
        return self.lhs + self.rhs + self.rhs_minus

    @property
    def coefficients(self) -> tuple[int, ...]:
        """``Σ coef·x op const`` is the identity with every cell on the left."""
        return (1,) * len(self.lhs) + (-1,) * len(self.rhs) + (1,) * len(self.rhs_minus)

    def statement(self) -> str:
        right = " + ".join(self.rhs) or str(self.const)
        if self.rhs_minus:
            right += " - " + " - ".join(self.rhs_minus)
        sign = {"eq": "=", "ge": ">=", "le": "<="}[self.op]
        return f"{' + '.join(self.lhs)} {sign} {right}"


@dataclass(frozen=True)
class CellCheck:
    """A condition every template cell must meet; the failing cells are the instance's cells."""

    rule: str
    scope: str
    kind: Literal["min", "integral", "status_not_in"]
    statuses: tuple[str, ...] = ()
    exempt_columns: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Bound:
    """A measure of one cell against a limit (R16: decimal places of the fee)."""

    rule: str
    scope: str
    path: str
    measure: Literal["decimal_places"]
    op: Op
    limit: int
    applies: Applies


@dataclass(frozen=True)
class NotApplicable:
    """The instance recorded when a rule does not apply to a report (status ``n/a``)."""

    rule: str
    scope: str
    note: str


L19, L21 = ("2019",), ("2021",)
ART20_1 = ("regulations", "normative_documents")
ITEM_ROWS_2019 = ("art20_5.licensing", "art20_5.other_services", "art20_6.penalty", "art20_6.coercion",
                  "art20_8.admin_fees")
SUBTOTAL_GROUPS = ("denied", "unable", "not_processed", "other")


def _t3(row: str, col: str) -> str:
    return f"table3/{row}/{col}"


def _rows3(layout: str) -> list[str]:
    return [r.key for r in TABLE3_ROWS[layout]]


def _table3_identities() -> Iterator[Identity]:
    both = Applies(t3=L19 + L21)
    for c in C7:
        yield Identity("R01", f"table3 col={c}", "eq", (_t3("new_received", c), _t3("carried_over", c)),
                       (_t3("total", c), _t3("carried_forward", c)), both)
    shared = [r for r in _rows3("2021") if r in _rows3("2019")]
    for r in _rows3("2021") + [r for r in _rows3("2019") if r not in shared]:
        where = both if r in shared else Applies(t3=L21 if r in _rows3("2021") else L19)
        yield Identity("R02", f"table3 row={r}", "eq", (_t3(r, "total"),), tuple(_t3(r, c) for c in C6), where)
    for layout in ("2019", "2021"):
        leaves = outcome_leaves(TABLE3_ROWS[layout])
        for c in C7:
            yield Identity("R03", f"table3 col={c}", "eq", (_t3("total", c),), tuple(_t3(r, c) for r in leaves),
                           Applies(t3=(layout,)))
    for g in SUBTOTAL_GROUPS:
        layouts = [layout for layout in ("2019", "2021")  # （六） printed as one row is a leaf, not a subtotal
                   if g != "other" or layout == "2021"]
        parts = [r for r in outcome_leaves(TABLE3_ROWS[layouts[-1]]) if r.startswith(g + ".")]
        assert all(parts == [r for r in outcome_leaves(TABLE3_ROWS[x]) if r.startswith(g + ".")] for x in layouts)
        where = Applies(t3=tuple(layouts), printed=f"table3/{g}.total")
        for c in C7:
            yield Identity("R04", f"table3 row={g}.total col={c}", "eq", (_t3(f"{g}.total", c),),
                           tuple(_t3(r, c) for r in parts), where)


def _table4_identities() -> Iterator[Identity]:
    for rule, (r, _) in zip(("R06", "R07", "R08"), TABLE4_ROWS, strict=True):
        yield Identity(rule, f"table4 {r}", "eq", (f"table4/{r}/total",), tuple(f"table4/{r}/{p}" for p in T4_PARTS),
                       Applies())


def _table2_identities() -> Iterator[Identity]:
    t = "table2"
    for x in ART20_1:
        row = f"{t}/art20_1.{x}"
        yield Identity("R13", f"table2 art20_1.{x}", "ge", (f"{row}/in_force",), (f"{row}/issued",),
                       Applies(t2=L21), rhs_minus=(f"{row}/repealed",))
    for x in ART20_1:
        row = f"{t}/art20_1.{x}"
        yield Identity("R14", f"table2 art20_1.{x}", "le", (f"{row}/newly_published",), (f"{row}/total_published",),
                       Applies(t2=L19))
    for r in ITEM_ROWS_2019:
        yield Identity("R15", f"table2 {r}", "ge", (f"{t}/{r}/prev_year_items", f"{t}/{r}/items_change"), (),
                       Applies(t2=L19))


def _cross_year_identities() -> Iterator[Identity]:
    for c in C7:
        yield Identity("R17", f"cross-year table3 col={c}", "eq", (_t3("carried_over", c),),
                       (PREV + _t3("carried_forward", c),), Applies(prev_t2=("any",)))
    for x in ART20_1:
        row = f"table2/art20_1.{x}"
        yield Identity("R18", f"cross-year table2 art20_1.{x}", "eq", (f"{row}/in_force",),
                       (f"{PREV}{row}/in_force", f"{row}/issued"), Applies(t2=L21, prev_t2=L21),
                       rhs_minus=(f"{row}/repealed",))
    for r in ITEM_ROWS_2019:
        row = f"table2/{r}"
        yield Identity("R19", f"cross-year table2 {r}", "eq", (f"{row}/prev_year_items",),
                       (f"{PREV}{row}/prev_year_items", f"{PREV}{row}/items_change"), Applies(t2=L19, prev_t2=L19))


IDENTITIES: tuple[Identity, ...] = (*_table3_identities(), *_table4_identities(), *_table2_identities(),
                                    *_cross_year_identities())

CELL_CHECKS: tuple[CellCheck, ...] = (
    CellCheck("R09", "all cells (except table2 items_change)", "min", exempt_columns=SIGNED_COLUMNS),
    CellCheck("R10", "all count cells", "integral", exempt_columns=MONEY_COLUMNS),
    CellCheck("R11", "all template cells", "status_not_in", statuses=("blank", "placeholder")),
    CellCheck("R12", "legibility/completeness of template cells", "status_not_in",
              statuses=("illegible", "inferred", "ambiguous")),
)

BOUNDS: tuple[Bound, ...] = (
    Bound("R16", "table2 art20_8.admin_fees.fee_amount", "table2/art20_8.admin_fees/fee_amount", "decimal_places",
          "le", 4, Applies(t2=L21)),
)

FACTS_SCOPE = "narrative facts (see narrative_facts)"
TEMPLATE_YEAR_SCOPE = "template version vs report year"
# R21 as data: report years and the template their labels must come from; a 2021 report may
# not print （六）其他处理 as one row (table-3 layout "2021_single_other").
TEMPLATE_YEAR: tuple[tuple[str, int | None, int | None], ...] = (("2019", None, 2020), ("2021", 2021, None))
FORBIDDEN_LAYOUTS = ("2021_single_other",)

NOT_APPLICABLE: dict[str, NotApplicable] = {n.rule: n for n in (
    NotApplicable("R04", "table3 group subtotal rows", "report gives no (三)/(四)/(五)/(六) subtotal rows"),
    NotApplicable("R05", "table3 法人或其他组织 subtotal column", "report gives no organisation subtotal column"),
)}
CROSS_YEAR = ("R17", "R18", "R19")
CROSS_YEAR_NA = {"R18": "2021-format rule", "R19": "2019-format rule"}
NO_PREVIOUS = "needs the same agency's adjacent-year report (evaluated in the warehouse)"


def layout_group(table3_layout: str | None) -> str:
    """Table-3 row layout a report is checked with: a single （六） row is the 2019 layout."""
    return "2019" if table3_layout in ("2019", "2021_single_other") else "2021"


@cache
def template_paths() -> tuple[str, ...]:
    """Every cell path of either template and layout, printed subtotal rows included: the
    columns of the wide per-report frame."""
    seen: dict[str, None] = {}
    for t2 in ("2021", "2019"):
        for layout in ("2021", "2019"):
            for k in template_cells(t2, layout):  # type: ignore[arg-type]
                seen[k.path] = None
    for g in SUBTOTAL_GROUPS:
        for c in C7:
            seen[_t3(f"{g}.total", c)] = None
    return tuple(seen)


def cross_year_paths() -> tuple[str, ...]:
    """The previous report's cells the cross-year rules read (``prev:`` columns)."""
    return tuple(dict.fromkeys(p for i in IDENTITIES for p in i.operands if p.startswith(PREV)))

