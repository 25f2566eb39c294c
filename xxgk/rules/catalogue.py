"""The rule catalogue: identity, meaning and severity of R01–R21 (spec §3.2).

One table for everything that shows or stores rules: the evaluator, the GX suites, the
warehouse and the quality pages all read names and severities from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Literal["error", "warning"]
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
