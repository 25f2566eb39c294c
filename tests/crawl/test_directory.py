"""``directory`` sources: a local folder of report files (users' own files, bundled inputs)."""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb

from pipelines.resources import CrawlSettings
from pipelines.run import run_nightly
from tests.conftest import CORPUS
from tests.truth import cell_mismatches
from xxgk.crawl.reports import found_reports
from xxgk.crawl.run import crawl
from xxgk.crawl.sources import parse_sources
from xxgk.fuzz.bombs import BOMBS, EXPECTED
from xxgk.model import Cell
from xxgk.rawstore import RawStore
from xxgk.warehouse.db import connect


def test_directory_source_versions_and_gone(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "平潭综合实验区2023年度政府信息公开工作年度报告.pdf").write_bytes(b"%PDF-1.4 v1")
    (inbox / "notes.txt").write_text("not a report", encoding="utf-8")
    registry = parse_sources({"source": [{"id": "inbox", "family": "directory", "region_code": "350128",
                                          "region_name": "平潭综合实验区", "agency": "平潭综合实验区",
                                          "path": "inbox"}]}, tmp_path)
    con = connect(tmp_path / "w.duckdb")
    raw = RawStore(tmp_path / "raw")

    first = crawl(registry, raw, con, night="n1")
    assert first.count("new") == 2 and first.count("changed") == 0
    rows = con.execute("SELECT name, media_type, title_hint FROM document ORDER BY name").fetchall()
    assert rows[0] == ("notes.txt", "text/plain", "notes")
    assert rows[1][1] == "application/pdf"
    # file names that are report titles give agency and year; others leave the year to the parser
    found = {(r.agency, r.year) for r in found_reports(con, "n1")}
    assert found == {("平潭综合实验区", 2023), ("平潭综合实验区", None)}

    again = crawl(registry, raw, con, night="n2")
    assert again.count("new") == again.count("changed") == 0 and again.count("unchanged") == 2
    # files with the size and time they had are not read again (a portal's 304)
    assert again.outcomes["not_modified"] == 2 and again.outcomes["ok"] == 0
    assert con.execute("SELECT count(*) FROM fetch_log WHERE night = 'n2' AND outcome = 'not_modified' "
                       "AND change = 'unchanged'").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM crawl_item WHERE last_ok = 'n2' AND last_seen = 'n2'").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM document WHERE last_seen_at = (SELECT started_at FROM crawl_night "
                       "WHERE night = 'n2')").fetchone() == (2,)

    # rewritten with the same bytes: read again (new time), found unchanged by its hash
    pdf = inbox / "平潭综合实验区2023年度政府信息公开工作年度报告.pdf"
    os.utime(pdf, ns=(pdf.stat().st_atime_ns, pdf.stat().st_mtime_ns + 10**9))
    touched = crawl(registry, raw, con, night="n2b")
    assert touched.outcomes["ok"] == 1 and touched.count("unchanged") == 2 and touched.count("changed") == 0

    (inbox / "平潭综合实验区2023年度政府信息公开工作年度报告.pdf").write_bytes(b"%PDF-1.4 v2")
    (inbox / "notes.txt").unlink()
    third = crawl(registry, raw, con, night="n3")
    assert third.count("changed") == 1 and third.count("gone") == 1
    assert con.execute("SELECT count(*) FROM document").fetchone() == (3,)  # old versions kept
    assert con.execute("SELECT status FROM crawl_item WHERE url LIKE '%notes.txt'").fetchone() == ("gone",)


def test_missing_folder_is_an_alert_not_a_crash(tmp_path):
    registry = parse_sources({"source": [{"id": "gone", "family": "directory", "region_code": "350128",
                                          "region_name": "平潭", "agency": "平潭", "path": "nowhere"}]}, tmp_path)
    summary = crawl(registry, RawStore(tmp_path / "raw"), connect(tmp_path / "w.duckdb"), night="n1")
    assert summary.alerts and "does not exist" in summary.alerts[0]


def test_run_over_a_directory_of_bombs_records_each_and_loads_the_report(tmp_path):
    """Issue 8: a night whose inbox holds a real report and every bomb of xxgk.fuzz.bombs
    finishes, loads the report cell for cell, and records each bomb with its outcome and why."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = inbox / "平潭综合实验区2023年政府信息公开工作年度报告.html"
    report.write_bytes((CORPUS / "pingtan_2023.html").read_bytes())
    files = {}
    for key, gen in BOMBS.items():
        name, data = gen()
        (inbox / name).write_bytes(data)
        files[key] = name
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nid = "inbox"\nfamily = "directory"\nregion_code = "350128"\n'
                       'region_name = "平潭综合实验区"\nagency = "平潭综合实验区"\npath = "inbox"\n', encoding="utf-8")
    out = io.StringIO()
    summary = run_nightly(tmp_path / "data", CrawlSettings(sources_file=str(sources), night="2026-11-01"), out=out)
    assert summary.success, out.getvalue()
    con = duckdb.connect(str(summary.published), read_only=True)
    try:
        status = {Path(src).name: (st, msg or "") for src, st, msg in
                  con.execute("SELECT source, parse_status, parse_message FROM report").fetchall()}
        for key, (outcome, reason) in EXPECTED.items():
            got = status[files[key]]
            assert got[0] == outcome and reason in got[1], (key, got)
        rid, parse_status = con.execute("SELECT report_id, parse_status FROM report WHERE source = ?",
                                        [str(report)]).fetchone()
        assert parse_status == "parsed"
        cells = [Cell(t, r, c, None if v is None else Decimal(v), u, st, raw or "") for t, r, c, v, u, st, raw in
                 con.execute('SELECT "table", "row", col, value, unit, status, raw FROM cell WHERE report_id = ?',
                             [rid]).fetchall()]
    finally:
        con.close()
    truth = json.loads((CORPUS / "pingtan_2023.json").read_text(encoding="utf-8"))
    assert cell_mismatches(SimpleNamespace(cells=cells), truth) == []
    assert "parsed_reports" in out.getvalue() and "failed 4 (too_large 4)" in out.getvalue()


def test_a_large_night_logs_the_first_documents_and_counts_the_rest(tmp_path, monkeypatch):
    """A backfill of a large archive stores a million documents in a night: each source logs its
    first LOGGED_PER_SOURCE of them, then one line with the count (a log call is a Dagster event)."""
    import xxgk.crawl.run as run

    monkeypatch.setattr(run, "LOGGED_PER_SOURCE", 3)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(5):
        (inbox / f"平潭综合实验区{2019 + i}年度政府信息公开工作年度报告.txt").write_text(f"v{i}", encoding="utf-8")
    registry = parse_sources({"source": [{"id": "inbox", "family": "directory", "region_code": "350128",
                                          "region_name": "平潭综合实验区", "agency": "平潭综合实验区",
                                          "path": "inbox"}]}, tmp_path)
    lines: list[str] = []
    summary = crawl(registry, RawStore(tmp_path / "raw"), connect(tmp_path / "w.duckdb"), night="n1", log=lines.append)
    assert summary.count("new") == 5
    assert [line.split(": ")[0] for line in lines] == ["[inbox] new file"] * 3 + [
        "[inbox] 2 more documents stored (the first 3 were logged)"]
    assert lines[-1].endswith("5 new, 0 changed")
