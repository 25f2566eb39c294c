"""Reports read from the warehouse in batches, and the three frames GX validates.

* **report_rules**: one row per report, one column per canonical cell path (blank and
  placeholder = 0, unreadable or missing = null), plus ``prev:`` columns holding the cells of
  the same body's report of the year before, and the columns the suites' row conditions read
  (``t2`` template, ``t3`` table-3 layout group, ``prev_t2``, ``year``, ``table3_layout``);
* **cells**: one row per template cell (status, value, whether signed or money, fraction);
* **narrative_facts**: one row per narrative fact, the value of every cell of its expression
  (other cells 0) and the number stated.

The cell encoding is the catalogue's blank semantics, so GX's sums and the Python sums of
:mod:`xxgk.rules.instances` meet on the same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pandas as pd

from xxgk.model import Cell, Fact, Region, ReportMeta
from xxgk.quality.suites import PLACES_SUFFIX, scope_terms
from xxgk.rules.catalogue import BOUNDS, IDENTITIES, PREV, cross_year_paths, template_paths
from xxgk.rules.instances import BLANK_STATUSES, Report, applies, decimal_places
from xxgk.rules.narrative import expand
from xxgk.schema import MONEY_COLUMNS, SIGNED_COLUMNS

VALIDATED = ("parsed", "partial")


@dataclass(frozen=True)
class StoredReport:
    report_id: str
    agency_key: str | None
    report: Report


def frame_value(c: Cell | None) -> float:
    """A cell as an operand: blank/placeholder 0, missing or unreadable NaN."""
    if c is None or (c.value is None and c.status not in BLANK_STATUSES):
        return math.nan
    return 0.0 if c.value is None else float(c.value)


def read_batch(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[StoredReport]:
    """These reports with their cells, facts and previous-year report, in ``ids`` order.

    The previous year's report of a body is its version with the greatest report_id among
    parsed reports of (agency_key, year − 1): deterministic, found by a keyed join.
    """
    metas = {r[0]: r for r in con.execute(
        "SELECT report_id, agency_key, title, agency, region_code, region_name, report_year, template, source, "
        "scope, table3_layout FROM report WHERE report_id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()}
    prev_of = dict(con.execute(
        "SELECT r.report_id, max(p.report_id) FROM report r JOIN report p ON p.agency_key = r.agency_key "
        "AND p.report_year = r.report_year - 1 AND p.parse_status IN ('parsed', 'partial') "
        "WHERE r.report_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY r.report_id", [ids]).fetchall())
    prev_ids = sorted(set(prev_of.values()) - set(metas))
    if prev_ids:
        metas.update({r[0]: r for r in con.execute(
            "SELECT report_id, agency_key, title, agency, region_code, region_name, report_year, template, source, "
            "scope, table3_layout FROM report WHERE report_id IN (SELECT unnest(?::VARCHAR[]))",
            [prev_ids]).fetchall()})
    wanted = list(dict.fromkeys([*ids, *prev_of.values()]))
    cells: dict[str, list[Cell]] = defaultdict(list)
    for rid, table, row, col, value, unit, status, raw, lrow, lcol, loc, note, read, confident in con.execute(
        'SELECT report_id, "table", "row", col, value, unit, status, raw, label_row_raw, label_col_raw, locator, '
        'note, "read", confident FROM cell WHERE report_id IN (SELECT unnest(?::VARCHAR[])) '
        'ORDER BY report_id, "table", "row", col', [wanted]
    ).fetchall():
        cells[rid].append(Cell(table, row, col, Decimal(value) if value is not None else None, unit, status,
                               raw or "", lrow or "", lcol or "", loc or "", note or "", read, confident))
    facts: dict[str, list[Fact]] = defaultdict(list)
    for rid, quote, expression, stated, in_scope in con.execute(
        "SELECT report_id, quote, expression, stated, in_scope FROM narrative_fact "
        "WHERE report_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY report_id, seq", [ids]
    ).fetchall():
        facts[rid].append(Fact(quote, tuple(expression), stated, in_scope))

    def meta(rid: str) -> ReportMeta:
        _, _, title, agency, rcode, rname, year, template, source, scope, layout = metas[rid]
        return ReportMeta(title or "", agency, Region(rcode, rname) if rcode else None, year, template, source,
                          scope, layout)

    out = []
    for rid in ids:
        if rid not in metas:
            continue
        by = {c.path: c for c in cells[rid]}
        prev = prev_of.get(rid)
        if prev is not None:
            by.update({PREV + c.path: c for c in cells[prev]})
        out.append(StoredReport(rid, metas[rid][1], Report(meta(rid), by, tuple(facts[rid]),
                                                           meta(prev) if prev else None)))
    return out


def report_frame(reports: Iterable[StoredReport]) -> pd.DataFrame:
    paths = template_paths()
    prev_paths = cross_year_paths()
    scopes = dict(t for i in IDENTITIES for t in scope_terms(i.applies))
    rows = []
    for s in reports:
        r = s.report
        row: dict[str, object] = {
            "report_id": s.report_id, "t2": r.t2, "t3": r.t3, "table3_layout": r.meta.table3_layout,
            "year": r.meta.year, "prev_t2": (r.previous.template or "unknown") if r.previous else None}
        row.update({p: frame_value(r.cells.get(p)) for p in paths})
        row.update({p: frame_value(r.cells.get(p)) for p in prev_paths})
        row.update({name: 0.0 if applies(a, r) else math.nan for name, a in scopes.items()})
        for b in BOUNDS:
            c = r.cells.get(b.path)
            v = frame_value(c) if applies(b.applies, r) else math.nan
            row[b.path + PLACES_SUFFIX] = v if math.isnan(v) else float(
                decimal_places(c.value) if c is not None and c.value is not None else 0)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def cell_frame(reports: Iterable[StoredReport]) -> pd.DataFrame:
    rows = []
    for s in reports:
        for path, c in s.report.cells.items():
            if path.startswith(PREV):
                continue
            value = float(c.value) if c.value is not None else None
            rows.append((s.report_id, path, c.status, value, c.col in SIGNED_COLUMNS, c.col in MONEY_COLUMNS,
                         float(c.value - c.value.to_integral_value(rounding="ROUND_FLOOR"))
                         if c.value is not None else None))
    return pd.DataFrame(rows, columns=["report_id", "path", "status", "value", "signed", "money", "fraction"])


def fact_frame(reports: Iterable[StoredReport]) -> pd.DataFrame:
    paths = template_paths()
    known = frozenset(paths)
    rows = []
    for s in reports:
        cells = {p: c for p, c in s.report.cells.items() if not p.startswith(PREV)}
        for seq, f in enumerate(s.report.facts):
            row: dict[str, object] = dict.fromkeys(paths, 0.0)
            stated = float(f.stated)
            for term in f.expression:
                for p in expand(term, cells):
                    if p in known:
                        row[p] += frame_value(cells.get(p))  # type: ignore[operator]
                    else:  # not a template cell: the fact cannot be checked
                        stated = math.nan
            if not f.in_scope:  # about another population: not compared
                stated = math.nan
            row.update({"report_id": s.report_id, "seq": seq, "in_scope": f.in_scope, "stated": stated})
            rows.append(row)
    return pd.DataFrame(rows, columns=["report_id", "seq", "in_scope", "stated", *paths])
