"""Synthetic warehouses for the incremental marts and publication (tests and ``bench/marts_stage.py``).

Bodies sit in the real divisions (``bench/national.py``'s population: governments, their
offices and departments, township bodies of counties) and publish one report a year; every
report is a record of the load stage's form built from a :func:`tests.shapes.synthetic_truth`
(consistent under every rule) without rendering or parsing it, so a warehouse of any size is
cheap to make. Small warehouses go through :func:`xxgk.warehouse.load.load_records` like parsed
documents; :func:`bulk_warehouse` clones a few such reports in SQL for 100,000 and more.

Crawl rows come with each report (a ``document`` row with its posting date, a live
``crawl_item``), so current versions, publication timeliness and withdrawals work as after a
crawl. :class:`Nights` changes a warehouse the way crawl nights do: a new report, a new version
of one (A → B), the earlier version back (B → A), a withdrawal, a night with nothing new.
"""

from __future__ import annotations

import hashlib
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from national import Body, bodies  # noqa: E402

from tests.shapes import Truth, synthetic_truth  # noqa: E402
from xxgk.parse.report import PARSER_VERSION  # noqa: E402
from xxgk.regions import agency_key  # noqa: E402
from xxgk.schema import template_cells  # noqa: E402
from xxgk.warehouse.load import load_records  # noqa: E402

YEARS = tuple(range(2019, 2025))
SOURCE = "synthetic"


def template_of(year: int) -> str:
    return "2019" if year <= 2020 else "2021"


def truth_of(body: Body, year: int, seed: int = 1, prev: Truth | None = None, volume: int = 20) -> Truth:
    return synthetic_truth(f"{body.region_code}-{body.agency}-{year}", template_of(year), year,
                           seed * 1_000_003 + int(hashlib.sha256(f"{body.agency}{year}".encode()).hexdigest()[:8], 16),
                           agency=body.agency, volume=volume, prev=prev)


def record(truth: Truth, body: Body, version: int = 1) -> dict[str, Any]:
    """The load stage's record of a report printing exactly ``truth`` (every cell reported)."""
    sha = hashlib.sha256(f"{truth.name}|v{version}|{sorted(_flat(truth).items())}".encode()).hexdigest()
    cells = []
    for k in template_cells(truth.template, truth.layout):
        value = truth.values[k.table][k.row][k.col]
        cells.append({"table": k.table, "row": k.row, "col": k.col, "value": value, "unit": k.unit,
                      "status": "reported" if value is not None else "blank",
                      "raw": "" if value is None else str(value), "label_row_raw": None, "label_col_raw": None,
                      "locator": f"synthetic:{k.path}", "note": "", "read": "cell", "confident": True})
    return {"sha256": sha, "parser_version": PARSER_VERSION, "outcome": "parsed", "is_report": True,
            "unreadable": False, "issues": [], "facts": [], "cells": cells,
            "report": {"title": truth.title, "agency": body.agency,
                       "region": {"code": body.region_code, "name": None}, "year": truth.year,
                       "template": truth.template, "source": locator(body, truth.year, version),
                       "scope": body.scope, "table3_layout": truth.layout}}


def _flat(t: Truth) -> dict[str, Any]:
    return {f"{tb}/{r}/{c}": v for tb, rows in t.values.items() for r, cols in rows.items() for c, v in cols.items()}


def locator(body: Body, year: int, version: int = 1) -> str:
    return f"https://synthetic.gov.cn/{body.region_code}/{body.agency}/{year}" + (f"/v{version}" if version > 1 else "")


def posted(body: Body, year: int) -> date:
    return date(year + 1, body.deadline_month, 20)


@dataclass
class Nights:
    """A warehouse changed night by night like the crawler and the load stage change it.

    Each method is one kind of change; ``night`` advances the clock (the crawl night's start,
    which the crawler writes into ``document.last_seen_at`` for every document it finds again).
    """

    con: duckdb.DuckDBPyConnection
    start: datetime = datetime(2025, 6, 1, 2, 0)
    nights: int = 0

    @property
    def now(self) -> datetime:
        return self.start + timedelta(days=self.nights)

    def night(self) -> None:
        """A new crawl night: every live document is found again."""
        self.nights += 1
        label = self.now.date().isoformat()
        self.con.execute("INSERT OR IGNORE INTO crawl_night VALUES (?, ?, ?)", [label, self.nights, self.now])
        self.con.execute("""UPDATE document SET last_seen_at = ? WHERE sha256 IN (
                                SELECT sha256 FROM crawl_item WHERE status = 'live')""", [self.now])

    def add(self, items: list[tuple[Body, Truth, int]]) -> list[str]:
        """Crawl and load these reports (body, truth, version); returns their report ids."""
        records = [record(t, b, v) for b, t, v in items]
        load_records(self.con, records)
        for (b, t, v), r in zip(items, records, strict=True):
            self._crawled(b, t.year, v, r["sha256"])
        return [r["sha256"][:16] for r in records]

    def show(self, body: Body, year: int, version: int) -> None:
        """The page of (body, year) serves an earlier version again (B → A)."""
        sha = self.con.execute("SELECT sha256 FROM document WHERE locator = ?",
                               [locator(body, year, version)]).fetchone()[0]
        self._crawled(body, year, version, sha)

    def withdraw(self, body: Body, year: int) -> None:
        """The list no longer points at any version of (body, year)."""
        self.con.execute("UPDATE crawl_item SET status = 'gone', gone_since = ? WHERE url LIKE ?",
                         [self.now.date().isoformat(), locator(body, year) + "%"])

    def _crawled(self, body: Body, year: int, version: int, sha: str) -> None:
        url = locator(body, year, version)
        page = locator(body, year)
        self.con.execute("INSERT OR IGNORE INTO document (sha256, source_id, locator, name, media_type, bytes, "
                         "title_hint, published_hint, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'page.html', "
                         "'text/html', 1000, NULL, ?, ?, ?)",
                         [sha, SOURCE, url, (posted(body, year) + timedelta(days=30 * (version - 1))).isoformat(),
                          self.now, self.now])
        self.con.execute("UPDATE document SET last_seen_at = ? WHERE sha256 = ?", [self.now, sha])
        night = self.now.date().isoformat()
        self.con.execute("""INSERT OR REPLACE INTO crawl_item (source_id, url, kind, status, title, agency,
                                report_year, fingerprint, sha256, versions, first_seen, last_seen)
                            VALUES (?, ?, 'article', 'live', ?, ?, ?, ?, ?, 1, ?, ?)""",
                         [SOURCE, page, f"{body.agency}{year}年报告", body.agency, year, sha, sha, night, night])


def population(n_bodies: int, seed: int = 1) -> list[Body]:
    return bodies(n_bodies, random.Random(seed))


# --- big warehouses ---------------------------------------------------------------------------

BASES = 6  # distinct table contents per template (volumes 2 … 3000)


def bulk_warehouse(con: duckdb.DuckDBPyConnection, n_reports: int, seed: int = 1, years: tuple[int, ...] = YEARS,
                   first: int = 0, error_rate: float = 0.01) -> int:
    """About ``n_reports`` reports of ``n_reports / len(years)`` bodies, one per year, cloned in
    SQL from a few loaded reports (so the marts see realistic bodies and places, not
    realistic variety of figures), with rule results (``error_rate`` of them failing R06) and
    crawl rows. Bodies ``first …`` of the population (several calls add distinct bodies).
    Returns the reports added."""
    per_body = len(years)
    people = population(first + n_reports // per_body + 1, seed)[first:first + n_reports // per_body]
    volumes = (2, 8, 20, 120, 1000, 3000)
    base = Body("基准市基准局", "110101", "department", "county")
    records = [record(truth_of(base, y, seed, volume=v), base) for v in volumes for y in (2020, 2022)]
    for i, r in enumerate(records):
        r["sha256"] = f"{0xB45E0000 + i:016x}".ljust(64, "0")
    load_records(con, records)
    rules = _rule_rows(con, [r["sha256"][:16] for r in records])
    now = datetime(2025, 6, 1, 2, 0)
    reports, docs = [], []
    for b in people:
        for y in years:
            rid = hashlib.sha256(f"{seed}|{b.agency}|{b.region_code}|{y}".encode()).hexdigest()
            template = template_of(y)
            k = int(rid[:4], 16) % BASES
            base_id = records[k * 2 + (template == "2021")]["sha256"][:16]
            reports.append([rid[:16], rid, f"{b.agency}{y}年政府信息公开工作年度报告", b.agency,
                            agency_key(b.agency, b.region_code, y), b.region_code, None, y, template,
                            template, b.scope, locator(b, y), "parsed", None, PARSER_VERSION, now, base_id,
                            int(rid[4:8], 16) / 65536 < error_rate])
            docs.append([rid, SOURCE, locator(b, y), posted(b, y).isoformat(), now])
    frame = pl.DataFrame(reports, orient="row", schema={
        "report_id": pl.Utf8, "sha256": pl.Utf8, "title": pl.Utf8, "agency": pl.Utf8, "agency_key": pl.Utf8,
        "region_code": pl.Utf8, "region_name": pl.Utf8, "report_year": pl.Int32, "template": pl.Utf8,
        "table3_layout": pl.Utf8, "scope": pl.Utf8, "source": pl.Utf8, "parse_status": pl.Utf8,
        "parse_message": pl.Utf8, "parser_version": pl.Utf8, "parsed_at": pl.Datetime("us"), "base_id": pl.Utf8,
        "planted": pl.Boolean})
    doc_frame = pl.DataFrame(docs, orient="row", schema={
        "sha256": pl.Utf8, "source_id": pl.Utf8, "locator": pl.Utf8, "published_hint": pl.Utf8,
        "seen": pl.Datetime("us")})
    rule_frame = pl.DataFrame(rules, orient="row", schema={
        "report_id": pl.Utf8, "rule": pl.Utf8, "scope": pl.Utf8, "status": pl.Utf8, "severity": pl.Utf8,
        "lhs": pl.Utf8, "rhs": pl.Utf8, "involves_blank": pl.Boolean, "cells": pl.List(pl.Utf8)})
    con.register("synth_report", frame)
    con.register("synth_document", doc_frame)
    con.register("synth_rule", rule_frame)
    try:
        con.execute("BEGIN")
        con.execute("INSERT INTO report SELECT * EXCLUDE (base_id, planted) FROM synth_report")
        con.execute("""INSERT INTO cell SELECT r.report_id, c.* EXCLUDE (report_id)
                       FROM synth_report r JOIN cell c ON c.report_id = r.base_id""")
        con.execute("""INSERT INTO rule_result SELECT r.report_id, x.rule, x.scope,
                           CASE WHEN r.planted AND x.rule = 'R06' THEN 'fail' ELSE x.status END, x.severity,
                           CAST(x.lhs AS DECIMAL(24, 6)), CAST(x.rhs AS DECIMAL(24, 6)), x.involves_blank, x.cells,
                           NULL, CASE WHEN r.planted AND x.rule = 'R06' THEN 'publisher_error' END, 'synthetic'
                       FROM synth_report r JOIN synth_rule x ON x.report_id = r.base_id""")
        con.execute("""INSERT INTO document (sha256, source_id, locator, name, media_type, bytes, published_hint,
                           first_seen_at, last_seen_at)
                       SELECT sha256, source_id, locator, 'page.html', 'text/html', 1000, published_hint, seen, seen
                       FROM synth_document""")
        con.execute("""INSERT INTO crawl_item (source_id, url, kind, status, title, report_year, sha256, versions,
                           first_seen, last_seen)
                       SELECT d.source_id, d.locator, 'article', 'live', r.title, r.report_year, d.sha256, 1,
                              '2025-06-01', '2025-06-01'
                       FROM synth_document d JOIN synth_report r USING (sha256)""")
        for table in ("cell", "rule_result", "parse_issue", "narrative_fact", "report"):
            con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT DISTINCT base_id FROM synth_report)")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("synth_report", "synth_document", "synth_rule"):
            con.unregister(name)
    return frame.height


def _rule_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[list[Any]]:
    """The rule instances validation would store for these loaded reports (the catalogue's verdicts)."""
    from xxgk.quality.frames import read_batch
    from xxgk.rules.instances import build_report_instances, status_of, to_result

    out = []
    for s in read_batch(con, ids):
        for i in build_report_instances(s.report):
            r = to_result(i, status_of(i), s.report.cells)
            out.append([s.report_id, r.rule, r.scope, r.status, r.severity, None if r.lhs is None else str(r.lhs),
                        None if r.rhs is None else str(r.rhs), r.involves_blank, list(r.cells)])
    return out
