"""The two frames Great Expectations validates, built from the warehouse.

* **instances**: one row per rule instance (R01 for column natural_person of report X …) with
  both sides computed by :mod:`xxgk.rules.instances`. GX cannot sum across rows, so the sums
  are ours and the comparison is GX's.
* **cells**: one row per template cell, for the cell-level rules R09–R12.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import duckdb
import pandas as pd

from xxgk.model import Cell, Region, ReportMeta
from xxgk.rules.instances import Instance, build_instances
from xxgk.schema import MONEY_COLUMNS, SIGNED_COLUMNS


def read_reports(con: duckdb.DuckDBPyConnection) -> list[tuple[str, ReportMeta, list[Cell]]]:
    """Parsed reports with their cells, in report_id order."""
    metas = con.execute(
        "SELECT report_id, title, agency, region_code, region_name, report_year, template, source, scope, "
        "table3_layout FROM report WHERE parse_status = 'parsed' ORDER BY report_id"
    ).fetchall()
    cells: dict[str, list[Cell]] = defaultdict(list)
    for rid, table, row, col, value, unit, status, raw, lrow, lcol, loc, note in con.execute(
        'SELECT report_id, "table", "row", col, value, unit, status, raw, label_row_raw, label_col_raw, '
        'locator, note FROM cell ORDER BY report_id, "table", "row", col'
    ).fetchall():
        cells[rid].append(Cell(table, row, col, Decimal(value) if value is not None else None, unit, status,
                               raw or "", lrow or "", lcol or "", loc or "", note or ""))
    out = []
    for rid, title, agency, rcode, rname, year, template, source, scope, layout in metas:
        meta = ReportMeta(title or "", agency, Region(rcode, rname) if rcode else None, year, template, source,
                          scope, layout)
        out.append((rid, meta, cells[rid]))
    return out


def instances_by_report(reports: list[tuple[str, ReportMeta, list[Cell]]]) -> dict[str, list[Instance]]:
    return {rid: build_instances(cells, meta) for rid, meta, cells in reports}


def instance_frame(instances: dict[str, list[Instance]]) -> pd.DataFrame:
    rows = [
        {"report_id": rid, "rule": i.rule, "scope": i.scope, "op": i.op,
         "lhs": float(i.lhs) if i.lhs is not None else None, "rhs": float(i.rhs) if i.rhs is not None else None,
         "evaluate": bool(i.applicable and i.assessable)}
        for rid, insts in instances.items() for i in insts if i.op != "none" or i.rule == "R21"
    ]
    return pd.DataFrame(rows, columns=["report_id", "rule", "scope", "op", "lhs", "rhs", "evaluate"])


def cell_frame(reports: list[tuple[str, ReportMeta, list[Cell]]]) -> pd.DataFrame:
    rows = []
    for rid, _, cells in reports:
        for c in cells:
            value = float(c.value) if c.value is not None else None
            rows.append({
                "report_id": rid, "path": c.path, "status": c.status, "value": value,
                "signed": c.col in SIGNED_COLUMNS,
                "count_fraction": float(c.value - c.value.to_integral_value(rounding="ROUND_FLOOR"))
                if c.value is not None and c.col not in MONEY_COLUMNS else None,
            })
    return pd.DataFrame(rows, columns=["report_id", "path", "status", "value", "signed", "count_fraction"])
