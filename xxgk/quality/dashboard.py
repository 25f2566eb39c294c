"""The quality pages: one static HTML file per run, written next to the GX Data Docs.

Data Docs show each expectation's verdict; these pages answer the questions people bring to
the warehouse: which reports fail which rules, which documents were set aside and why, how
complete each region/year is. Static HTML (no server) so it opens from disk and can be
archived with a run.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from xxgk.rules.catalogue import RULES

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0} td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f3f3f3} .fail{color:#b00020;font-weight:600} .warn{color:#a15c00} .ok{color:#1b5e20}
.num{text-align:right;font-variant-numeric:tabular-nums} small{color:#666}
"""


@dataclass
class Dashboard:
    path: Path
    reports: int
    failing_reports: int


def write_dashboard(con: duckdb.DuckDBPyConnection, out_dir: Path, data_docs_index: Path) -> Dashboard:
    """Render ``out_dir/index.html`` from the warehouse tables."""
    rules = con.execute(
        "SELECT rule, severity, count(*) FILTER (status = 'pass'), count(*) FILTER (status = 'fail'), "
        "count(*) FILTER (status IN ('n/a', 'not_assessable')), count(DISTINCT report_id) FILTER (status = 'fail') "
        "FROM rule_result GROUP BY rule, severity ORDER BY rule").fetchall()
    reports = con.execute("""
        SELECT r.report_id, r.agency, r.region_name, r.report_year, r.template, r.source,
               count(*) FILTER (x.status = 'fail' AND x.severity = 'error') AS errors,
               count(*) FILTER (x.status = 'fail' AND x.severity = 'warning') AS warnings,
               string_agg(DISTINCT x.rule, ' ' ORDER BY x.rule) FILTER (x.status = 'fail') AS failing
        FROM report r LEFT JOIN rule_result x USING (report_id)
        WHERE r.parse_status IN ('parsed', 'partial')
        GROUP BY ALL ORDER BY errors DESC, warnings DESC, r.region_name, r.report_year""").fetchall()
    set_aside = con.execute(
        "SELECT report_id, parse_status, source, parse_message FROM report "
        "WHERE parse_status NOT IN ('parsed', 'partial') ORDER BY parse_status, source").fetchall()
    statuses = con.execute("SELECT status, count(*) FROM cell GROUP BY 1 ORDER BY 2 DESC").fetchall()
    marts = con.execute(
        "SELECT level || ' ' || region_name, report_year, reports, reports_excluded, reports_incomplete "
        "FROM mart_region_year ORDER BY region_code, report_year").fetchall()
    unresolved = con.execute(
        "SELECT name, documents, first_year, last_year, array_to_string(sources, ' '), place_note "
        "FROM v_unresolved_agency").fetchall()

    e = html.escape
    docs_link = os.path.relpath(data_docs_index, out_dir)
    parts = [f"<!doctype html><meta charset='utf-8'><title>xxgk quality</title><style>{_CSS}</style>",
             "<h1>xxgk data quality</h1>",
             f"<p>{len(reports)} parsed reports, {len(set_aside)} documents set aside. "
             f"Expectation-level detail: <a href='{e(docs_link)}'>Great Expectations Data Docs</a>.</p>",
             "<h2>Rules</h2><table id='rules'><tr><th>rule</th><th>name</th><th>severity</th><th>pass</th>"
             "<th>fail</th><th>n/a</th><th>reports failing</th></tr>"]
    for rule, sev, ok, bad, na, nrep in rules:
        cls = "fail" if bad and sev == "error" else ("warn" if bad else "ok")
        parts.append(f"<tr><td>{rule}</td><td>{e(RULES[rule].name)}</td><td>{sev}</td><td class='num'>{ok}</td>"
                     f"<td class='num {cls}'>{bad}</td><td class='num'>{na}</td><td class='num'>{nrep}</td></tr>")
    parts.append("</table><h2>Reports</h2><table id='reports'><tr><th>report</th><th>agency</th><th>region</th>"
                 "<th>year</th><th>template</th><th>errors</th><th>warnings</th><th>failing rules</th></tr>")
    for rid, agency, region, year, template, source, errors, warnings, failing in reports:
        cls = "fail" if errors else ("warn" if warnings else "ok")
        parts.append(f"<tr class='{cls}'><td title='{e(source or '')}'>{rid}</td><td>{e(agency or '')}</td>"
                     f"<td>{e(region or '')}</td><td>{year or ''}</td><td>{template or ''}</td>"
                     f"<td class='num'>{errors}</td><td class='num'>{warnings}</td><td>{e(failing or '')}</td></tr>")
    parts.append("</table><h2>Set aside</h2><table id='set-aside'><tr><th>report</th><th>status</th>"
                 "<th>source</th><th>reason</th></tr>")
    for rid, status, source, message in set_aside:
        parts.append(f"<tr><td>{rid}</td><td>{status}</td><td>{e(source or '')}</td><td>{e(message or '')}</td></tr>")
    parts.append("</table><h2>Cells by status</h2><table id='cells'><tr><th>status</th><th>cells</th></tr>")
    parts += [f"<tr><td>{s}</td><td class='num'>{n}</td></tr>" for s, n in statuses]
    parts.append("</table><h2>Regions and years</h2><table id='coverage'><tr><th>region</th><th>year</th>"
                 "<th>reports in figures</th><th>excluded (error rules)</th><th>incomplete</th></tr>")
    parts += [f"<tr><td>{e(r or '(unknown)')}</td><td>{y}</td><td class='num'>{n}</td><td class='num'>{x}</td>"
              f"<td class='num'>{i}</td></tr>" for r, y, n, x, i in marts]
    parts.append("</table><h2>Bodies not placed in a region</h2><p>Listed, never guessed: their reports stay out "
                 "of the regional roll-ups.</p><table id='unresolved'><tr><th>body</th><th>documents</th>"
                 "<th>years</th><th>sources</th><th>why</th></tr>")
    parts += [f"<tr><td>{e(n)}</td><td class='num'>{d}</td><td>{y0}–{y1}</td><td>{e(s or '')}</td>"
              f"<td>{e(w or '')}</td></tr>" for n, d, y0, y1, s, w in unresolved]
    parts.append("</table>")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    os.replace(tmp, path)
    return Dashboard(path, len(reports), sum(1 for r in reports if r[6]))
