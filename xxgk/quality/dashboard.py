"""The quality pages: static, self-contained HTML rebuilt every run (``data/quality/``).

Data Docs show each expectation's verdict; these pages answer the questions people bring to
the warehouse: how do the rules fare and how has that moved night by night, which rules fail
most, is a failure the publisher's or ours (publisher error vs parse suspect), what do we cover
by region and year, how did each portal answer each night, which documents were set aside and
why, and for every failing report: both sides of each failing rule, every cell involved with
its raw text and where it sits in the source, and links to the source and to the Data Docs
page that judged it. Charts are SVG rendered at build time (:mod:`xxgk.quality.charts`): the
pages open from disk with no network and no JavaScript.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from xxgk.quality import charts
from xxgk.quality.health import crawl_health
from xxgk.quality.validate import report_pages
from xxgk.rules.catalogue import PREV, RULES

VALIDATED = "('parsed', 'partial')"
TREND_NIGHTS = 30
CRAWL_NIGHTS = 10
FAILING_LISTED = 1000  # rows of the failing-reports table on the index page (all have their own page)
PAGE_BATCH = 5000  # failing reports whose pages are considered together (memory stays flat in their number)
# A failing report's summary row: on the index page (the worst ones) and on its own page.
_FAILING = f"""
    SELECT r.report_id, r.agency, r.region_name, r.report_year, r.template, r.source,
           count(*) FILTER (x.severity = 'error') AS errors, count(*) FILTER (x.severity = 'warning') AS warnings,
           count(*) FILTER (x.classification = 'publisher_error') AS publisher_errors,
           count(*) FILTER (x.classification = 'parse_suspect') AS parse_suspects,
           string_agg(DISTINCT x.rule, ' ' ORDER BY x.rule) AS rules
    FROM rule_result x JOIN report r USING (report_id)
    WHERE x.status = 'fail' AND r.parse_status IN {VALIDATED}"""
_FAILING_ORDER = "GROUP BY ALL ORDER BY errors DESC, warnings DESC, r.region_name, r.report_year, r.report_id"

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2rem;color:#222;max-width:80rem}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0} td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f3f3f3} .fail{color:#b00020;font-weight:600} .warn{color:#a15c00} .ok{color:#1b5e20}
.num{text-align:right;font-variant-numeric:tabular-nums} small,.muted{color:#666}
.figures{display:flex;gap:1rem;flex-wrap:wrap} .figure{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}
.figure b{display:block;font-size:1.6rem} figure.chart{margin:1rem 0} .alert{background:#fde7ea;padding:.5rem 1rem}
code{font-size:.9em}
"""
e = html.escape


@dataclass
class Dashboard:
    path: Path
    reports: int
    failing_reports: int
    report_pages: int
    charts: int
    pages_rendered: int   # report pages rendered this time (the others had not changed)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return str(int(v)) if v == v.to_integral_value() else format(v.normalize(), "f")
    return str(v)


def _page(title: str, body: list[str]) -> str:
    return (f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>{e(title)}</title>"
            f"<style>{_CSS}</style><body>" + "\n".join(body) + "</body></html>\n")


def _table(table_id: str, head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table id='{table_id}'><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def _write(path: Path, text: str) -> bool:
    """Write when the content changed (pages of unchanged reports keep their files)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return f"<a href='{e(url)}'>{e(url)}</a>"
    return e(url)


def write_dashboard(con: duckdb.DuckDBPyConnection, out_dir: Path, data_docs_index: Path) -> Dashboard:
    """Render ``out_dir/index.html`` and one page per failing report under ``out_dir/reports``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    docs_dir = data_docs_index.parent
    body, n_charts = [], 0

    def chart(chart_id: str, caption: str, svg: str) -> None:
        nonlocal n_charts
        n_charts += 1
        body.append(f"<figure class='chart' id='{chart_id}'>{svg}<figcaption class='muted'>{e(caption)}"
                    "</figcaption></figure>")

    totals = _rows(con, f"""
        SELECT count(*) FILTER (parse_status IN {VALIDATED}) AS parsed,
               count(*) FILTER (parse_status NOT IN {VALIDATED}) AS set_aside FROM report""")[0]
    rules = _rows(con, """
        SELECT rule, any_value(severity) AS severity, count(*) FILTER (status = 'pass') AS pass,
               count(*) FILTER (status = 'fail') AS fail, count(*) FILTER (status = 'not_assessable') AS not_assessable,
               count(*) FILTER (status = 'n/a') AS na,
               count(DISTINCT report_id) FILTER (status = 'fail') AS reports_failing,
               count(*) FILTER (classification = 'publisher_error') AS publisher_error,
               count(*) FILTER (classification = 'parse_suspect') AS parse_suspect
        FROM rule_result GROUP BY rule ORDER BY rule""")
    failing_ids = con.execute(f"SELECT report_id, errors > 0 FROM ({_FAILING} GROUP BY ALL) ORDER BY 1").fetchall()
    errors = sum(1 for _, has_errors in failing_ids if has_errors)
    failing = _rows(con, f"{_FAILING} {_FAILING_ORDER} LIMIT {FAILING_LISTED}")
    publisher = sum(r["publisher_error"] for r in rules)
    suspect = sum(r["parse_suspect"] for r in rules)

    body.append("<h1>xxgk data quality</h1>")
    body += _failed_runs(out_dir)
    docs_link = os.path.relpath(data_docs_index, out_dir)
    body.append("<div class='figures' id='figures'>" + "".join(
        f"<div class='figure' id='fig-{k}'><b>{v}</b>{label}</div>" for k, v, label in (
            ("parsed", totals["parsed"], "reports parsed"), ("set-aside", totals["set_aside"], "documents set aside"),
            ("error-reports", errors, "reports kept out of the marts (error rules)"),
            ("publisher-errors", publisher, "failing instances: publisher errors"),
            ("parse-suspects", suspect, "failing instances: parse suspects"))) + "</div>")
    body.append(f"<p>Expectation-level detail: <a href='{e(docs_link)}'>Great Expectations Data Docs</a>. "
                "A <b>publisher error</b> is a rule the document's own printed numbers break; a <b>parse suspect</b> "
                "involves a cell we inferred, split from glued digits or read with low confidence.</p>")

    body.append("<h2>Rules</h2>")
    if rules:
        chart("chart-pass-rates", "pass / (pass + fail) per rule", charts.pass_rates(
            [{"rule": r["rule"], "severity": r["severity"], "assessed": r["pass"] + r["fail"],
              "pass_rate": r["pass"] / (r["pass"] + r["fail"]) if r["pass"] + r["fail"] else 1.0} for r in rules]))
    trend = _rows(con, f"""
        SELECT strftime(v.finished_at, '%Y-%m-%d %H:%M') AS night, s.rule, s.reports_failing
        FROM (SELECT * FROM validation_run WHERE finished_at IS NOT NULL ORDER BY started_at DESC
              LIMIT {TREND_NIGHTS}) v, unnest(v.rule_stats) AS u(s)
        WHERE s.reports_failing > 0 ORDER BY 1, 2""")
    if trend:
        chart("chart-trend", "from the validation_run table: the whole warehouse after each night", charts.trend(trend))
    failed_rules = [r for r in rules if r["reports_failing"]]
    if failed_rules:
        chart("chart-most-failed", "reports failing each rule, most first", charts.most_failed(
            [{k: r[k] for k in ("rule", "severity", "reports_failing")} for r in failed_rules]))
        chart("chart-classification", "who is wrong: the document or our reading of it", charts.classification(
            [{"rule": r["rule"], "classification": c, "instances": r[c]}
             for r in failed_rules for c in ("publisher_error", "parse_suspect") if r[c]]))
    body.append(_table("rules", ["rule", "name", "severity", "pass", "fail", "not assessable", "n/a",
                                 "reports failing", "publisher errors", "parse suspects"],
                       [[r["rule"], e(RULES[r["rule"]].name), r["severity"], _n(r["pass"]),
                         f"<span class='{_cls(r)}'>{r['fail']}</span>", _n(r["not_assessable"]), _n(r["na"]),
                         _n(r["reports_failing"]), _n(r["publisher_error"]), _n(r["parse_suspect"])] for r in rules]))

    body.append("<h2>Failing reports</h2>")
    if len(failing_ids) > FAILING_LISTED:
        body.append(f"<p id='failing-more'>The {FAILING_LISTED} with the most errors of {len(failing_ids):,} "
                    "failing reports; every one has its page under <code>reports/</code>, and the view "
                    "<code>v_rule_result</code> of the warehouse lists them all.</p>")
    body.append(_table("failing-reports", ["report", "agency", "region", "year", "errors", "warnings",
                                           "publisher errors", "parse suspects", "failing rules", "source"],
                       [[f"<a href='reports/{f['report_id']}.html'>{f['report_id']}</a>", e(f["agency"] or ""),
                         e(f["region_name"] or ""), _num(f["report_year"]),
                         f"<span class='{'fail' if f['errors'] else 'ok'}'>{f['errors']}</span>", _n(f["warnings"]),
                         _n(f["publisher_errors"]), _n(f["parse_suspects"]), e(f["rules"] or ""), _link(f["source"])]
                        for f in failing]))

    body.append("<h2>Coverage</h2>")
    # by province (where the warehouse placed each report): a row per province whatever the
    # number of bodies; a chart by county would be thousands of rows at national scale
    coverage = _rows(con, f"""
        SELECT coalesce(g.name, '(not placed)') AS region, r.report_year AS year, count(*) AS reports,
               count(*) FILTER (x.report_id IS NOT NULL) AS excluded
        FROM report r
        LEFT JOIN report_region rr USING (report_id)
        LEFT JOIN (SELECT code, arg_max(name, valid_from) AS name FROM region GROUP BY code) g
               ON g.code = rr.province_code
        LEFT JOIN (SELECT DISTINCT report_id FROM rule_result WHERE status = 'fail'
                   AND severity = 'error') x USING (report_id)
        WHERE r.parse_status IN {VALIDATED} AND r.report_year IS NOT NULL GROUP BY ALL ORDER BY 1, 2""")
    if coverage:
        chart("chart-coverage", "parsed report versions per province and report year", charts.coverage(coverage))
    body.append(_table("coverage", ["province", "year", "reports", "kept out of the marts (error rules)"],
                       [[e(c["region"]), _num(c["year"]), _n(c["reports"]), _n(c["excluded"])] for c in coverage]))

    body.append("<h2>Crawl health</h2>")
    crawl = _rows(con, f"""
        SELECT f.night, f.source_id AS source, f.outcome, count(*) AS fetches FROM fetch_log f
        WHERE f.night IN (SELECT night FROM crawl_night ORDER BY seq DESC LIMIT {CRAWL_NIGHTS})
        GROUP BY ALL ORDER BY ALL""")
    if crawl:
        chart("chart-crawl", f"the last {CRAWL_NIGHTS} nights", charts.crawl_health(crawl))
    h = crawl_health(con)
    body.append(f"<p id='crawl-verdict' class='{'ok' if h.ok else 'fail'}'>Night {e(h.night or '–')}: "
                f"{e(h.reason)}</p>")
    body.append(_table("crawl-health", ["source", "fetches", "answered", "ok", "failed", "robots.txt",
                                        "answered the night before"],
                       [[e(s.source_id), _n(s.fetches), _n(s.answered), _n(s.ok), _n(s.failed), e(s.robots or ""),
                         "yes" if s.answered_last_night else "no"] for s in h.sources]))

    body.append("<h2>Set aside</h2>")
    set_aside = _rows(con, f"""
        SELECT report_id, parse_status, source, coalesce(parse_message, '') AS reason FROM report
        WHERE parse_status NOT IN {VALIDATED} OR (parse_status = 'partial')
        ORDER BY parse_status, source""")
    body.append(_table("set-aside", ["report", "outcome", "source", "reason"],
                       [[s["report_id"], e(s["parse_status"]), _link(s["source"]), e(s["reason"])]
                        for s in set_aside]))
    unresolved = _rows(con, "SELECT name, documents, first_year, last_year, array_to_string(sources, ' ') AS sources, "
                            "place_note FROM v_unresolved_agency")
    body.append("<h2>Bodies not placed in a region</h2><p>Listed, never guessed: their reports stay out of the "
                "regional roll-ups.</p>" + _table("unresolved", ["body", "documents", "years", "sources", "why"],
                [[e(u["name"]), _n(u["documents"]), f"{u['first_year']}–{u['last_year']}", e(u["sources"] or ""),
                  e(u["place_note"] or "")] for u in unresolved]))
    statuses = cell_statuses(con)
    body.append("<h2>Cells by status</h2>" + _table("cells", ["status", "cells"],
                                                    [[e(s["status"]), _n(s["n"])] for s in statuses]))

    pages, rendered = _report_pages(con, out_dir, docs_dir, [rid for rid, _ in failing_ids])
    path = out_dir / "index.html"
    _write(path, _page("xxgk quality", body))
    return Dashboard(path, totals["parsed"], errors, pages, n_charts, rendered)


def cell_statuses(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Cells per status over every report, from the per-report counts the marts keep
    (``report_content``, :func:`xxgk.warehouse.marts.refresh_cache`): the pages never scan the cells."""
    return _rows(con, "SELECT e.key AS status, CAST(sum(e.value) AS BIGINT) AS n FROM report_content, "
                      "unnest(map_entries(statuses)) AS t(e) GROUP BY 1 ORDER BY 2 DESC, 1")


def _n(v: Any) -> str:
    return f"<span class='num'>{_num(v)}</span>"


def _cls(r: dict[str, Any]) -> str:
    return ("fail" if r["severity"] == "error" else "warn") if r["fail"] else "ok"


def _failed_runs(out_dir: Path) -> list[str]:
    """The latest failed nights the run-failure sensor recorded."""
    records = []
    for p in sorted((out_dir / "failures").glob("*.json")):
        try:
            records.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    records.sort(key=lambda r: r.get("recorded_at", ""), reverse=True)
    if not records:
        return []
    items = "".join(f"<li>{e(r.get('recorded_at', ''))}: run {e(r.get('run_id', '')[:8])} — "
                    f"{e('; '.join(s['step'] + ': ' + s['error'] for s in r.get('steps', [])) or r.get('message', ''))}"
                    "</li>" for r in records[:5])
    return [f"<div class='alert' id='failed-runs'><b>Failed runs</b><ul>{items}</ul></div>"]


def _report_pages(con: duckdb.DuckDBPyConnection, out_dir: Path, docs_dir: Path,
                  ids: list[str]) -> tuple[int, int]:
    """One page per failing report: each failing instance, both sides, every cell involved.

    A page is rendered again only when what it shows changed: its summary row, its failing
    instances (a re-validation gives them a new run id, so a reloaded report or a reloaded
    previous year is caught), the previous year's report and its Data Docs links. Their digests
    are kept in ``reports/.digests.json``; a night with nothing new renders no page. Reports are
    taken ``PAGE_BATCH`` at a time: at national scale hundreds of thousands fail a warning."""
    folder = out_dir / "reports"
    digest_file = folder / ".digests.json"
    try:
        before = json.loads(digest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    digests: dict[str, str] = {}
    rendered = 0
    for i in range(0, len(ids), PAGE_BATCH):
        batch = ids[i:i + PAGE_BATCH]
        failing = _rows(con, f"{_FAILING} AND r.report_id IN (SELECT unnest(?::VARCHAR[])) {_FAILING_ORDER}",
                        [batch])
        instances: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for x in _rows(con, """
                SELECT report_id, rule, scope, severity, lhs, rhs, classification, note, cells, run_id
                FROM rule_result WHERE status = 'fail' AND report_id IN (SELECT unnest(?::VARCHAR[]))
                ORDER BY report_id, rule, scope""", [batch]):
            instances[x["report_id"]].append(x)
        previous = dict(con.execute("""
            SELECT r.report_id, max(p.report_id) FROM report r JOIN report p ON p.agency_key = r.agency_key
                AND p.report_year = r.report_year - 1 AND p.parse_status IN ('parsed', 'partial')
            WHERE r.report_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1""", [batch]).fetchall())
        docs = {rid: [(suite, os.path.relpath(docs_dir / page, folder))
                      for run in sorted({x["run_id"] for x in instances[rid] if x["run_id"]})
                      for suite, page in sorted(report_pages(docs_dir, run, rid).items())] for rid in batch}
        todo = []
        for f in failing:
            rid = f["report_id"]
            digests[rid] = hashlib.sha256(repr((f, instances[rid], previous.get(rid), docs[rid])).encode()
                                          ).hexdigest()[:24]
            if before.get(rid) != digests[rid] or not (folder / f"{rid}.html").exists():
                todo.append(f)
        cells = _page_cells(con, {f["report_id"]: instances[f["report_id"]] for f in todo}, previous)
        for f in todo:
            rid = f["report_id"]
            _write(folder / f"{rid}.html", _report_page(f, instances[rid], cells, previous.get(rid), docs[rid],
                                                        folder))
        rendered += len(todo)
    for stale in folder.glob("*.html") if folder.exists() else []:
        if stale.name.removesuffix(".html") not in digests:
            stale.unlink()
    _write(digest_file, json.dumps(digests, sort_keys=True))
    return len(digests), rendered


def _page_cells(con: duckdb.DuckDBPyConnection, instances: dict[str, list[dict[str, Any]]],
                previous: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The cells the failing instances name, by (report, path as the instance names it)."""
    pairs = {(rid if not path.startswith(PREV) else previous.get(rid, ""), path.removeprefix(PREV), rid, path)
             for rid, xs in instances.items() for x in xs for path in x["cells"] or []}
    pairs = {p for p in pairs if p[0]}
    owners, paths = [p[0] for p in pairs], [p[1] for p in pairs]
    found = {(c["report_id"], c["path"]): c for c in _rows(con, """
        WITH w AS (SELECT unnest(?::VARCHAR[]) AS report_id, unnest(?::VARCHAR[]) AS path)
        SELECT c.report_id, w.path, c.value, c.unit, c.status, c.raw, c.locator, c."read", c.confident
        FROM w JOIN cell c ON c.report_id = w.report_id AND c."table" || '/' || c."row" || '/' || c.col = w.path""",
                                                          [owners, paths])}
    return {(rid, path): found[(owner, bare)] for owner, bare, rid, path in pairs if (owner, bare) in found}


def _report_page(f: dict[str, Any], insts: list[dict[str, Any]], cells: dict, prev: str | None,
                 docs: list[tuple[str, str]], folder: Path) -> str:
    rid = f["report_id"]
    body = ["<p><a href='../index.html'>← quality pages</a></p>",
            f"<h1>{e(f['agency'] or '(agency unknown)')} {_num(f['report_year'])}</h1>",
            f"<p>report <code>{rid}</code> · {e(f['region_name'] or '')} · template {e(f['template'] or '?')} · "
            f"source: <span id='source'>{_link(f['source'])}</span></p>"]
    if docs:
        body.append("<p id='data-docs'>Data Docs: " + ", ".join(
            f"<a href='{e(href)}'>{e(suite)}</a>" for suite, href in docs) + "</p>")
    if prev:
        body.append(f"<p>Previous year's report (cross-year rules): <a href='{prev}.html'>{prev}</a> "
                    "(its cells are marked <code>prev:</code>)</p>")
    for x in insts:
        body.append(f"<h2 class='{'fail' if x['severity'] == 'error' else 'warn'}'>{x['rule']} "
                    f"{e(RULES[x['rule']].name)}: {e(x['scope'])}</h2>")
        body.append(f"<p>{x['severity']} · <b>{e(x['classification'] or '')}</b> · left side "
                    f"<b class='lhs'>{_num(x['lhs'])}</b>, right side <b class='rhs'>{_num(x['rhs'])}</b>"
                    + (f" · {e(x['note'])}" if x["note"] else "") + "</p>")
        rows = []
        for path in x["cells"] or []:
            c = cells.get((rid, path), {})
            rows.append([f"<code>{e(path)}</code>", _num(c.get("value")), e(c.get("unit") or ""),
                         e(c.get("status") or "missing"), f"<code>{e(c.get('raw') or '')}</code>",
                         f"<code>{e(c.get('locator') or '')}</code>", e(c.get("read") or ""),
                         "" if c.get("confident") is None else ("yes" if c["confident"] else "no")])
        if rows:
            body.append(_table(f"cells-{x['rule']}-{len(body)}", ["cell", "value", "unit", "status", "raw text",
                                                                   "locator", "read", "confident"], rows))
    return _page(f"{f['agency'] or rid} {f['report_year'] or ''} — xxgk quality", body)
