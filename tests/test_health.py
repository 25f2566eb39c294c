"""Whether a night may be published: crawl health per source, and reports never lost."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from xxgk.quality.health import crawl_health, reports_kept
from xxgk.warehouse.db import connect


def _night(con, night: str, seq: int, outcomes: dict[str, list[tuple[str, int | None]]]) -> None:
    con.execute("INSERT INTO crawl_night VALUES (?, ?, ?)", [night, seq, datetime(2026, 11, seq)])
    for source, fetches in outcomes.items():
        for n, (outcome, status) in enumerate(fetches):
            con.execute("INSERT INTO fetch_log (night, source_id, kind, method, url, fetched_at, http_status, outcome, "
                        "attempts) VALUES (?, ?, ?, 'GET', ?, ?, ?, ?, 1)",
                        [night, source, "robots" if n == 0 else "list", f"https://{source}.gov.cn/{n}",
                         datetime(2026, 11, seq, 2, n), status, outcome])


GOOD = [("ok", 200), ("ok", 200)]
DOWN = [("robots_denied", None), ("transient_failed", None)]


@pytest.mark.parametrize("tonight, ok, reason", [
    ({"a": GOOD, "b": GOOD, "c": GOOD}, True, "3 of 3 sources answered"),
    ({"a": GOOD, "b": DOWN, "c": [("blocked", 403)]}, True, "2 of 3 sources answered; unreachable: b"),
    ({"a": DOWN, "b": DOWN, "c": DOWN}, False, "3 of 3 sources unreachable: network down?"),
    ({"a": DOWN, "b": DOWN}, False, "3 of 3 sources unreachable: network down?"),  # c not even tried
])
def test_crawl_health(tmp_path: Path, tonight, ok, reason):
    con = connect(tmp_path / "w.duckdb")
    _night(con, "n1", 1, {"a": GOOD, "b": GOOD, "c": GOOD})
    _night(con, "n2", 2, tonight)
    h = crawl_health(con)
    assert (h.night, h.previous_night, h.ok, h.reason) == ("n2", "n1", ok, reason)


def test_first_night_with_no_answer_is_not_published(tmp_path: Path):
    con = connect(tmp_path / "w.duckdb")
    _night(con, "n1", 1, {"a": DOWN, "b": DOWN})
    h = crawl_health(con)
    assert not h.ok and h.reason == "2 of 2 sources unreachable: network down?"


def test_reports_kept(tmp_path: Path):
    published = tmp_path / "published.duckdb"
    pub = connect(published)
    pub.execute("INSERT INTO report (report_id, sha256, parse_status, parser_version, parsed_at) "
                "SELECT 'r' || i, 's' || i, 'parsed', '6', now() FROM range(3) t(i)")
    pub.close()
    con = connect(tmp_path / "w.duckdb")
    con.execute("INSERT INTO report (report_id, sha256, parse_status, parser_version, parsed_at) "
                "SELECT 'r' || i, 's' || i, 'parsed', '6', now() FROM range(2) t(i)")
    k = reports_kept(con, published)
    assert not k.ok and k.reason == "the warehouse holds 2 reports, the published copy 3: 1 would be lost"
    assert reports_kept(con, tmp_path / "nothing.duckdb").ok
