"""Versions by time, not by hash (issue 8 item 6): the current version of a report is the one the
crawler saw last, so a report that goes A → B → A ends on A, and every version stays."""

from __future__ import annotations

from tests.warehouse.helpers import SEED, build, rows, warehouse
from xxgk.crawl.run import crawl
from xxgk.crawl.sources import parse_sources
from xxgk.parse.batch import parse_documents
from xxgk.rawstore import RawStore
from xxgk.warehouse.load import load_parsed, pending_documents

A = SEED["000_c1eaaf8cdc2dffbd"]
OLD_ROW = "\t规章\n\t0\n\t0\n\t0\n"
assert OLD_ROW in A
B = A.replace(OLD_ROW, "\t规章\n\t1\n\t0\n\t1\n", 1)  # one regulation issued and in force


def _night(tmp, registry, con, raw, label: str) -> None:
    crawl(registry, raw, con, night=label)
    parse_documents(pending_documents(con, tmp / "parsed"), raw, tmp / "parsed")
    load_parsed(con, tmp / "parsed")
    build(con, {"inbox": "330481"})


def _current(con) -> tuple:
    return rows(con, "SELECT c.sha256, m.count FROM report_current c JOIN mart_series m USING (report_id) "
                     "WHERE m.measure = 'regulations_issued_2021'")[0]


def test_a_report_that_goes_a_b_a_ends_on_a_and_keeps_every_version(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = inbox / "海宁市信访局2022年度政府信息公开工作年度报告.txt"
    registry = parse_sources({"source": [{"id": "inbox", "family": "directory", "region_code": "330481",
                                          "region_name": "海宁市", "agency": "海宁市信访局", "path": "inbox"}]},
                             tmp_path)
    con = warehouse(tmp_path)
    raw = RawStore(tmp_path / "raw")

    report.write_text(A, encoding="utf-8")
    _night(tmp_path, registry, con, raw, "n1")
    sha_a, issued = _current(con)
    assert issued == 0

    report.write_text(B, encoding="utf-8")
    _night(tmp_path, registry, con, raw, "n2")
    sha_b, issued = _current(con)
    assert sha_b != sha_a and issued == 1

    report.write_text(A, encoding="utf-8")
    _night(tmp_path, registry, con, raw, "n3")
    assert _current(con) == (sha_a, 0)  # A -> B -> A ends on A (the first-seen rule would end on B)

    # every version stays, with when it was first and last seen
    versions = rows(con, "SELECT sha256, first_seen_at < last_seen_at FROM report_version ORDER BY first_seen_at")
    assert versions == [(sha_a, True), (sha_b, False)]  # B was seen on one night only
    assert rows(con, "SELECT count(*) FROM report") == [(2,)]
    assert rows(con, "SELECT documents, content_versions, edited, silent_edit FROM mart_publication "
                     "WHERE status = 'published'") == [(2, 2, True, True)]
    # one row per body and year, whatever the number of versions
    assert rows(con, "SELECT count(*) FROM report_current") == [(1,)]
    assert rows(con, "SELECT versions FROM v_report") == [(2,)]
