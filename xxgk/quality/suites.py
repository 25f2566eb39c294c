"""The Great Expectations suites in ``expectations/``, rendered from the rule catalogue.

Three suites, one per frame (:mod:`xxgk.quality.frames`):

* ``report_rules`` over the wide per-report frame (one row per report, one column per cell
  path): every identity of :data:`xxgk.rules.catalogue.IDENTITIES` as an
  ``expect_multicolumn_linear_identity`` whose ``column_list`` and ``coefficients`` say which
  cells sum to which, restricted by ``row_condition`` to the reports it applies to; R16 and
  R21 with GX's own column expectations;
* ``cells`` over the long cell frame: R09–R12, one row per cell, so GX lists the failing cells;
* ``narrative_facts`` over the fact frame: R20, the cells of each fact's expression sum to the
  number the prose states.

The files are generated, never edited: ``python -m xxgk.quality.suites`` rewrites them, and a
test fails when they differ from the catalogue. Each expectation's ``meta`` names its rule
instance (rule, scope), which is how GX verdicts become ``rule_result`` rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xxgk.rules.catalogue import (
    BOUNDS,
    CELL_CHECKS,
    FORBIDDEN_LAYOUTS,
    IDENTITIES,
    RULES,
    TEMPLATE_YEAR,
    TEMPLATE_YEAR_SCOPE,
    Applies,
    template_paths,
)
from xxgk.rules.catalogue import FACTS_SCOPE as R20_SCOPE

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SUITES = ("report_rules", "cells", "narrative_facts")
# key columns GX reports for each unexpected row
KEY_COLUMNS = {"report_rules": ["report_id"], "cells": ["report_id", "path"], "narrative_facts": ["report_id", "seq"]}
PLACES_SUFFIX = "#decimal_places"


def _cmp(column: str, operator: str, parameter: Any) -> dict[str, Any]:
    return {"type": "comparison", "column": {"name": column}, "operator": operator, "parameter": parameter}


def _and(conditions: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"type": "and", "conditions": conditions}


def scope_terms(a: Applies) -> list[tuple[str, Applies]]:
    """The frame columns that restrict an identity to the reports it applies to.

    A scope column holds 0 for a report in scope and null otherwise, and enters the identity
    with coefficient 0: a report out of scope is skipped like one with an unreadable operand
    (``ignore_row_if="any_value_is_missing"``). This is a row condition expressed as data,
    which GX evaluates without a pandas ``query`` per expectation (that cost grows with the
    frame's width). Printed-row conditions (R04) need no column: the subtotal's own cells are
    null when the row was not printed.
    """
    out = []
    if a.t2:
        out.append((f"applies:t2={'|'.join(a.t2)}", Applies(t2=a.t2)))
    if a.t3 and set(a.t3) != {"2019", "2021"}:
        out.append((f"applies:t3={'|'.join(a.t3)}", Applies(t3=a.t3)))
    if a.prev_t2:
        out.append((f"applies:prev_t2={'|'.join(a.prev_t2)}", Applies(prev_t2=a.prev_t2)))
    return out


def _expectation(kind: str, kwargs: dict[str, Any], rule: str, scope: str, statement: str,
                 where: dict[str, Any] | None = None) -> dict[str, Any]:
    if where is not None:
        kwargs = {**kwargs, "row_condition": where}
    r = RULES[rule]
    return {"type": kind, "kwargs": kwargs,
            "meta": {"rule": rule, "scope": scope, "name": r.name, "severity": r.severity, "statement": statement},
            "description": f"{rule} {r.name}: {statement}",
            "severity": "critical" if r.severity == "error" else "warning"}


def report_rules() -> dict[str, Any]:
    out = []
    for i in IDENTITIES:
        scopes = [name for name, _ in scope_terms(i.applies)]
        out.append(_expectation(
            "expect_multicolumn_linear_identity",
            {"column_list": [*i.operands, *scopes], "coefficients": [*i.coefficients, *[0] * len(scopes)],
             "comparison": i.op, "constant": i.const, "ignore_row_if": "any_value_is_missing"},
            i.rule, i.scope, i.statement()))
    for b in BOUNDS:  # the frame holds the measure only for reports in the bound's scope
        out.append(_expectation(
            "expect_column_values_to_be_between", {"column": b.path + PLACES_SUFFIX, "max_value": b.limit},
            b.rule, b.scope, f"{b.measure.replace('_', ' ')} of {b.path} <= {b.limit}"))
    for template, first, last in TEMPLATE_YEAR:
        years = []
        if first is not None:
            years.append(_cmp("year", ">=", first))
        if last is not None:
            years.append(_cmp("year", "<=", last))
        out.append(_expectation(
            "expect_column_values_to_be_in_set", {"column": "t2", "value_set": [template]}, "R21",
            TEMPLATE_YEAR_SCOPE, f"report year {'>= ' + str(first) if first else '<= ' + str(last)} uses the "
            f"{template} template", _and(years)))
    out.append(_expectation(
        "expect_column_values_to_not_be_in_set", {"column": "table3_layout", "value_set": list(FORBIDDEN_LAYOUTS)},
        "R21", TEMPLATE_YEAR_SCOPE, "a 2021 report prints （六）其他处理 as three rows",
        _and([{"type": "nullity", "column": {"name": c}, "is_null": False} for c in ("year", "t2")])))
    return {"name": "report_rules", "expectations": out,
            "meta": {"generated_by": "xxgk.quality.suites", "frame": "one row per report, one column per cell path "
                     "(blank = 0, unreadable = null); prev: columns = the same body's report of the year before; "
                     "applies: columns = 0 when the report is in an identity's scope, else null"}}


def cells() -> dict[str, Any]:
    out = []
    for c in CELL_CHECKS:
        if c.kind == "min":
            out.append(_expectation("expect_column_values_to_be_between", {"column": "value", "min_value": 0},
                                    c.rule, c.scope, "value >= 0 unless the column is signed",
                                    _cmp("signed", "==", False)))
        elif c.kind == "integral":
            out.append(_expectation("expect_column_values_to_be_between",
                                    {"column": "fraction", "min_value": 0, "max_value": 0},
                                    c.rule, c.scope, "a count has no fractional part", _cmp("money", "==", False)))
        else:
            out.append(_expectation("expect_column_values_to_not_be_in_set",
                                    {"column": "status", "value_set": list(c.statuses)},
                                    c.rule, c.scope, f"status not in {', '.join(c.statuses)}"))
    return {"name": "cells", "expectations": out,
            "meta": {"generated_by": "xxgk.quality.suites", "frame": "one row per template cell"}}


def narrative_facts() -> dict[str, Any]:
    paths = list(template_paths())
    e = _expectation(
        "expect_multicolumn_linear_identity",
        {"column_list": [*paths, "stated"], "coefficients": [1] * len(paths) + [-1], "comparison": "eq",
         "constant": 0, "ignore_row_if": "any_value_is_missing"},
        "R20", R20_SCOPE, "the cells of the fact's expression sum to the stated number (facts about another "
        "population have no stated number in the frame)")
    return {"name": "narrative_facts", "expectations": [e],
            "meta": {"generated_by": "xxgk.quality.suites", "frame": "one row per narrative fact: the value of "
                     "each cell of its expression (others 0) and the stated number"}}


def render() -> dict[str, dict[str, Any]]:
    return {"report_rules": report_rules(), "cells": cells(), "narrative_facts": narrative_facts()}


def dumps(suite: dict[str, Any]) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=1) + "\n"


def load_suite(name: str) -> dict[str, Any]:
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def write(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in set(directory.glob("*.json")) - {directory / f"{n}.json" for n in SUITES}:
        stale.unlink()
    out = []
    for name, suite in render().items():
        path = directory / f"{name}.json"
        path.write_text(dumps(suite), encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write():
        print(p)
