"""Cross-year rules R17–R19: a report against the same body's report of the year before.

They need two reports, so they are evaluated where all reports meet (the warehouse's quality
stage), not by ``xxgk parse``. Each instance belongs to the later report.
"""

from __future__ import annotations

from xxgk.model import Cell, ReportMeta
from xxgk.rules.instances import Instance, _Sum
from xxgk.schema import C7

ART20_1 = ("regulations", "normative_documents")
ITEM_ROWS_2019 = ("art20_5.licensing", "art20_5.other_services", "art20_6.penalty", "art20_6.coercion",
                  "art20_8.admin_fees")


def cross_year_instances(prev: tuple[ReportMeta, list[Cell]], cur: tuple[ReportMeta, list[Cell]]) -> list[Instance]:
    (pm, pc), (cm, cc) = prev, cur
    p = {c.path: c for c in pc}
    c = {x.path: x for x in cc}
    both = {**{f"prev:{k}": v for k, v in p.items()}, **{f"cur:{k}": v for k, v in c.items()}}
    out: list[Instance] = []
    for col in C7:
        s = _Sum(both)
        lhs, rhs = s([f"cur:table3/carried_over/{col}"]), s([f"prev:table3/carried_forward/{col}"])
        out.append(Instance("R17", f"cross-year table3 col={col}", "eq", lhs, rhs, s.blank, not s.illegible))
    if pm.template == "2021" and cm.template == "2021":
        for row in ART20_1:
            s = _Sum(both)
            lhs = s([f"cur:table2/art20_1.{row}/in_force"])
            rhs = s([f"prev:table2/art20_1.{row}/in_force", f"cur:table2/art20_1.{row}/issued"]) \
                - s([f"cur:table2/art20_1.{row}/repealed"])
            out.append(Instance("R18", f"cross-year table2 art20_1.{row}", "eq", lhs, rhs, s.blank, not s.illegible))
    else:
        out.append(Instance("R18", "cross-year", "none", applicable=False, note="2021-format rule"))
    if pm.template == "2019" and cm.template == "2019":
        for row in ITEM_ROWS_2019:
            s = _Sum(both)
            lhs = s([f"cur:table2/{row}/prev_year_items"])
            rhs = s([f"prev:table2/{row}/prev_year_items", f"prev:table2/{row}/items_change"])
            out.append(Instance("R19", f"cross-year table2 {row}", "eq", lhs, rhs, s.blank, not s.illegible))
    else:
        out.append(Instance("R19", "cross-year", "none", applicable=False, note="2019-format rule"))
    return out
