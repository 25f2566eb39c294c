"""The two frames Great Expectations validates, built from the warehouse.

* **instances**: one row per rule instance (R01 for column natural_person of report X …) with
  both sides computed by :mod:`xxgk.rules.instances`. GX cannot sum across rows, so the sums
  are ours and the comparison is GX's.
* **cells**: one row per template cell, for the cell-level rules R09–R12.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pandas as pd

from xxgk.model import Cell, Fact, Region, ReportMeta
from xxgk.rules.cross_year import cross_year_instances
from xxgk.rules.instances import Instance, build_instances
from xxgk.schema import MONEY_COLUMNS, SIGNED_COLUMNS

CROSS_YEAR = ("R17", "R18", "R19")


@dataclass
class StoredReport:
    report_id: str
    agency_key: str | None
    meta: ReportMeta
    cells: list[Cell]
    facts: list[Fact]


def read_reports(con: duckdb.DuckDBPyConnection) -> list[StoredReport]:
    """Parsed reports with their cells, in report_id order."""
    metas = con.execute(
        "SELECT report_id, agency_key, title, agency, region_code, region_name, report_year, template, source, "
        "scope, table3_layout FROM report WHERE parse_status IN ('parsed', 'partial') ORDER BY report_id"
    ).fetchall()
    cells: dict[str, list[Cell]] = defaultdict(list)
    for rid, table, row, col, value, unit, status, raw, lrow, lcol, loc, note in con.execute(
        'SELECT report_id, "table", "row", col, value, unit, status, raw, label_row_raw, label_col_raw, '
        'locator, note FROM cell ORDER BY report_id, "table", "row", col'
    ).fetchall():
        cells[rid].append(Cell(table, row, col, Decimal(value) if value is not None else None, unit, status,
                               raw or "", lrow or "", lcol or "", loc or "", note or ""))
    facts: dict[str, list[Fact]] = defaultdict(list)
    for rid, quote, expression, stated, in_scope in con.execute(
        "SELECT report_id, quote, expression, stated, in_scope FROM narrative_fact ORDER BY report_id, seq"
    ).fetchall():
        facts[rid].append(Fact(quote, tuple(expression), stated, in_scope))
    out = []
    for rid, key, title, agency, rcode, rname, year, template, source, scope, layout in metas:
        meta = ReportMeta(title or "", agency, Region(rcode, rname) if rcode else None, year, template, source,
                          scope, layout)
        out.append(StoredReport(rid, key, meta, cells[rid], facts[rid]))
    return out


def instances_by_report(reports: list[StoredReport]) -> dict[str, list[Instance]]:
    """Every report's instances; R17–R19 evaluated against the same body's previous year.

    With several versions of the previous year's report, the one with the greatest report_id
    is used: deterministic, and versions of one report rarely differ in the cells compared.
    """
    previous: dict[tuple[str, int], StoredReport] = {}
    for r in reports:
        if r.agency_key and r.meta.year is not None:
            previous[(r.agency_key, r.meta.year)] = r
    out = {}
    for r in reports:
        insts = build_instances(r.cells, r.meta, r.facts)
        prev = previous.get((r.agency_key, r.meta.year - 1)) if r.agency_key and r.meta.year else None
        if prev is not None:
            insts = [i for i in insts if i.rule not in CROSS_YEAR] + cross_year_instances(
                (prev.meta, prev.cells), (r.meta, r.cells))
        out[r.report_id] = insts
    return out


def instance_frame(instances: dict[str, list[Instance]]) -> pd.DataFrame:
    rows = [
        {"report_id": rid, "rule": i.rule, "scope": i.scope, "op": i.op,
         "lhs": float(i.lhs) if i.lhs is not None else None, "rhs": float(i.rhs) if i.rhs is not None else None,
         "evaluate": bool(i.applicable and i.assessable)}
        for rid, insts in instances.items() for i in insts if i.op != "none" or i.rule in ("R20", "R21")
    ]
    return pd.DataFrame(rows, columns=["report_id", "rule", "scope", "op", "lhs", "rhs", "evaluate"])


def cell_frame(reports: list[StoredReport]) -> pd.DataFrame:
    rows = []
    for r in reports:
        rid = r.report_id
        for c in r.cells:
            value = float(c.value) if c.value is not None else None
            rows.append({
                "report_id": rid, "path": c.path, "status": c.status, "value": value,
                "signed": c.col in SIGNED_COLUMNS,
                "count_fraction": float(c.value - c.value.to_integral_value(rounding="ROUND_FLOOR"))
                if c.value is not None and c.col not in MONEY_COLUMNS else None,
            })
    return pd.DataFrame(rows, columns=["report_id", "path", "status", "value", "signed", "count_fraction"])
