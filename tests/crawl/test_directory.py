"""``directory`` sources: a local folder of report files (users' own files, bundled inputs)."""

from __future__ import annotations

from xxgk.crawl.reports import found_reports
from xxgk.crawl.run import crawl
from xxgk.crawl.sources import parse_sources
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
    assert first.count("new") == 2 and len(first.documents) == 2
    rows = con.execute("SELECT name, media_type, title_hint FROM document ORDER BY name").fetchall()
    assert rows[0] == ("notes.txt", "text/plain", "notes")
    assert rows[1][1] == "application/pdf"
    # file names that are report titles give agency and year; others leave the year to the parser
    found = {(r.agency, r.year) for r in found_reports(con, "n1")}
    assert found == {("平潭综合实验区", 2023), ("平潭综合实验区", None)}

    again = crawl(registry, raw, con, night="n2")
    assert again.count("new") == again.count("changed") == 0 and again.count("unchanged") == 2

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
