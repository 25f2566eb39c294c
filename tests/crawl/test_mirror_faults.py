"""One test per fault F1–F20 of portals.md §5.3: the crawler's outcome and the simulator's
access log (pacing, backoff, nothing after a challenge, nothing from denied or spam hosts)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.crawl.mirrorkit import CLOCK_SLACK, ROOT, Crawler, assert_polite
from xxgk.mirror import Mirror

PT_LIST = "/zwgk/zfxxgk/zfxxgknb/"
PT_2023 = PT_LIST + "202403/t20240308_87885.htm"
PT_2025 = PT_LIST + "202603/t20260313_105587.htm"
HZ_FILE = "/module/download/downfile.jsp"
HN_COVER = "/col/col1229781527/art/2024/art_3a9d0c1b2e4f4a6b8d0c2e4f6a8b0c1d.html"
OSS = "zjjcmspublic.oss-cn-hangzhou-zwynet-d01-a.internet.cloud.zj.gov.cn"
UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
HZ_2023 = ("www.hongze.gov.cn", "淮安市洪泽区人民政府", 2023)
PT = lambda year: ("www.pingtan.gov.cn", "平潭综合实验区", year)  # noqa: E731


@pytest.fixture
def mirror():
    with Mirror(day=1) as m:
        yield m


def crawler(tmp_path: Path, mirror, *ids: str, **config) -> Crawler:
    c = Crawler(tmp_path, mirror, *ids)
    if config:
        c.config = replace(c.config, **config)
    return c


def hits(mirror, host: str, path: str | None = None):
    return [r for r in mirror.access_log if r.host == host and (path is None or r.path == path)]


def test_f1_slow_responses_time_out_are_retried_and_do_not_block_other_hosts(tmp_path, mirror):
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F1", delay=1.0)
    c = crawler(tmp_path, mirror, "pingtan", "ruzhou", read_timeout=0.3)
    s = c.night("n1")
    [row] = c.log(url=f"https://www.pingtan.gov.cn{PT_2023}")
    assert row[2] == "transient_failed" and row[4] == 3 and "timeout" in row[7]
    slow = hits(mirror, "www.pingtan.gov.cn", PT_2023)
    assert len(slow) == 3
    assert all(b.start - a.start >= 0.3 for a, b in pairwise(slow))
    ruzhou = hits(mirror, "www.ruzhou.gov.cn")
    assert any(slow[0].start < r.start < slow[-1].start for r in ruzhou)  # the other host went on meanwhile
    assert set(c.found("n1")) == set(c.expected(1)) - {PT(2023)}
    assert s.elapsed < 15


def test_f1_header_slowloris_ends_at_the_deadline_and_the_night_goes_on(tmp_path, mirror):
    """One header byte every 0.5 s (the status line and headers would take over a minute)
    never trips the 10 s read timeout; the 2 s deadline ends the fetch, once, not retried."""
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F1", delay=0, head_drip=0.5)
    c = crawler(tmp_path, mirror, "pingtan", "ruzhou", total_timeout=2.0)
    s = c.night("n1")
    [row] = c.log(url=f"https://www.pingtan.gov.cn{PT_2023}")
    assert row[2:5] == ("transient_failed", None, 1) and row[7] == "deadline: request not complete within 2 s"
    [slow] = hits(mirror, "www.pingtan.gov.cn", PT_2023)
    later = [r for r in hits(mirror, "www.pingtan.gov.cn") if r.start > slow.start]
    assert later and later[0].start - slow.start < 2.0 + 0.5  # the host went on after 2 s, not 75 s
    assert set(c.found("n1")) == set(c.expected(1)) - {PT(2023)}
    assert s.elapsed < 15
    mirror.clear_faults()
    c.night("n2")
    assert set(c.found("n2")) == set(c.expected(1))  # a failure is retried the next night


def test_f2_retry_after_is_honoured_and_failures_are_retried_next_night(tmp_path, mirror):
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F2", status=503, retry_after=1, times=2)
    mirror.set_fault("www.pingtan.gov.cn", PT_2025, "F2", status=502)
    c = crawler(tmp_path, mirror, "pingtan")
    c.night("n1")
    busy = hits(mirror, "www.pingtan.gov.cn", PT_2023)
    assert [r.status for r in busy] == [503, 503, 200]
    assert all(b.start - a.end >= 1.0 - CLOCK_SLACK for a, b in pairwise(busy))  # Retry-After: 1
    assert [r.status for r in hits(mirror, "www.pingtan.gov.cn", PT_2025)] == [502, 502, 502]
    assert c.log(url=f"https://www.pingtan.gov.cn{PT_2025}")[0][2:5] == ("transient_failed", 502, 3)
    assert set(c.found("n1")) == set(c.expected(1)) - {PT(2025)}
    mirror.clear_faults()
    c.night("n2")
    assert set(c.found("n2")) == set(c.expected(1))


def test_f3_throttling_slows_down_then_closes_the_host(tmp_path, mirror):
    mirror.set_fault("www.pingtan.gov.cn", "*", "F3", limit=3, window=60.0)
    c = crawler(tmp_path, mirror, "pingtan", "ruzhou")
    s = c.night("n1")
    log = sorted(hits(mirror, "www.pingtan.gov.cn"), key=lambda r: r.start)
    throttled = [r for r in log if r.status == 429]
    assert len(throttled) == 3 and log[-1] is throttled[-1]  # breaker after 3: nothing more
    first = log.index(throttled[0])
    gaps = [b.start - a.end for a, b in pairwise(log[first:])]
    assert all(g >= c.config.throttle_cooldown - CLOCK_SLACK for g in gaps)  # no burst after the first 429
    assert any("www.pingtan.gov.cn" in a and "403/429" in a for a in s.alerts)
    assert "throttled" in c.outcomes("n1")
    assert {k for k in c.found("n1") if k[0] == "www.ruzhou.gov.cn"} == \
        {k for k in c.expected(1) if k[0] == "www.ruzhou.gov.cn"}


@pytest.mark.parametrize("mode, status", [("412", 412), ("empty", 200)])
def test_f4_challenge_closes_the_host_for_the_night(tmp_path, mirror, mode, status):
    mirror.set_fault("www.ruzhou.gov.cn", "/contents/*", "F4", mode=mode)
    c = crawler(tmp_path, mirror, "ruzhou", "pingtan")
    s = c.night("n1")
    log = sorted(hits(mirror, "www.ruzhou.gov.cn"), key=lambda r: r.start)
    challenged = [r for r in log if r.path.startswith("/contents/")]
    assert len(challenged) == 1 and challenged[0].status == status and log[-1] is challenged[0]
    assert not any("$_ts" in (r.target or "") or r.path.endswith(".js") for r in log)  # no script fetched
    assert c.log(outcome="challenge")[0][6] is None  # nothing stored
    assert c.con.execute("SELECT count(*) FROM document WHERE source_id = 'ruzhou'").fetchone()[0] == 0
    assert any("www.ruzhou.gov.cn" in a and "challenge" in a for a in s.alerts)
    assert not s.sources["ruzhou"].listing_complete
    assert {k for k in c.found("n1") if k[0] == "www.pingtan.gov.cn"} == \
        {k for k in c.expected(1) if k[0] == "www.pingtan.gov.cn"}


def test_f5_cookie_challenge_521_is_not_solved(tmp_path, mirror):
    mirror.set_fault("www.jiaxing.gov.cn", "/col/*", "F5")
    c = crawler(tmp_path, mirror, "jiaxing")
    s = c.night("n1")
    log = sorted(hits(mirror, "www.jiaxing.gov.cn"), key=lambda r: r.start)
    assert [(r.path, r.status) for r in log] == [("/robots.txt", 200), ("/col/col1229423212/index.html", 521)]
    assert "__jsl_clearance" not in log[-1].header("cookie")
    assert c.outcomes("n1").get("challenge") == 1 and s.closed_hosts == {"www.jiaxing.gov.cn": "challenge (521)"}
    assert c.found("n1") == {}


def test_f6_cookie_setting_redirect_to_self_passes_with_the_cookie_jar(tmp_path, mirror):
    mirror.set_fault("www.pingtan.gov.cn", PT_LIST, "F6")
    c = crawler(tmp_path, mirror, "pingtan")
    c.night("n1")
    listing = hits(mirror, "www.pingtan.gov.cn", PT_LIST)
    assert [r.status for r in listing] == [302, 200]
    assert "CT6T=" in listing[1].header("cookie")
    assert set(c.found("n1")) == set(c.expected(1))


@pytest.mark.parametrize("mode, length, requests, outcome", [
    ("loop", 11, 2, "redirect_loop"), ("chain", 11, 11, "redirect_loop"), ("chain", 4, 5, "ok")])
def test_f7_redirect_loops_and_chains_stop_at_the_limit(tmp_path, mirror, mode, length, requests, outcome):
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F7", mode=mode, length=length)
    c = crawler(tmp_path, mirror, "pingtan")
    c.night("n1")
    assert len(hits(mirror, "www.pingtan.gov.cn", PT_2023)) == requests
    assert c.log(url=f"https://www.pingtan.gov.cn{PT_2023}")[0][2] == outcome
    assert (PT(2023) in c.found("n1")) == (outcome == "ok")


def test_f8_short_reads_are_discarded_and_retried(tmp_path, mirror):
    mirror.set_fault("www.hongze.gov.cn", HZ_FILE, "F8", times=1)
    c = crawler(tmp_path, mirror, "hongze")
    c.night("n1")
    downloads = hits(mirror, "www.hongze.gov.cn", HZ_FILE)
    assert "F8" in downloads[0].faults and len(downloads) == 2
    real = (ROOT / "data" / "corpus" / "hongze_2023.pdf").read_bytes()
    pdfs = [c.raw.get(s) for s in c.raw_objects() if c.raw.get(s).startswith(b"%PDF")]
    assert pdfs == [real]  # the full file, and no partial one
    assert set(c.found("n1")) == set(c.expected(1))


def test_f8_always_truncated_stores_nothing(tmp_path, mirror):
    mirror.set_fault("www.hongze.gov.cn", HZ_FILE, "F8", mode="chunked")
    c = crawler(tmp_path, mirror, "hongze")
    c.night("n1")
    assert len(hits(mirror, "www.hongze.gov.cn", HZ_FILE)) == 3
    [row] = [r for r in c.log(kind="attachment")]
    assert row[2] == "truncated" and row[6] is None
    assert not any(c.raw.get(s).startswith(b"%PDF") for s in c.raw_objects())


@pytest.mark.parametrize("mode", ["a", "b", "c"])
def test_f9_charset_lies_decode_to_the_same_content(tmp_path, mirror, mode):
    c = crawler(tmp_path, mirror, "ruzhou")
    c.night("n1")
    before = c.found("n1")
    mirror.set_fault("www.ruzhou.gov.cn", "/contents/*", "F9", mode=mode)
    mirror.set_fault("www.ruzhou.gov.cn", "/channels/*", "F9", mode=mode)
    c.con.execute("UPDATE crawl_item SET etag = NULL, last_modified = NULL, last_fetched = NULL")
    c.night("n2")  # every page downloaded again, in the lying charset
    lied = [r for r in hits(mirror, "www.ruzhou.gov.cn") if "F9" in r.faults and r.path.startswith("/contents/")]
    assert len(lied) >= 10
    after = c.found("n2")
    assert set(after) == set(before) == set(c.expected(1))
    assert {k: v.version for k, v in after.items()} == {k: v.version for k, v in before.items()}
    assert ("www.ruzhou.gov.cn", "汝州市信访局", 2022) in after  # title read right: 信访局 → 汝州市信访局


def test_f9_latin1_error_page_is_a_not_found(tmp_path, mirror):
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F9", mode="d")
    c = crawler(tmp_path, mirror, "pingtan")
    c.night("n1")
    assert c.log(url=f"https://www.pingtan.gov.cn{PT_2023}")[0][2] == "not_found"


def test_f10_html_instead_of_a_file_is_rejected_real_files_are_kept(tmp_path, mirror):
    mirror.set_fault("www.hongze.gov.cn", HZ_FILE, "F10", content_type="application/pdf")
    c = crawler(tmp_path, mirror, "hongze", "haishu", "huaian")
    c.night("n1")
    outcomes = {(r[1], r[2]) for r in c.log()}
    assert ("attachment", "attachment_not_file") in outcomes  # hongze: HTML served as application/pdf
    assert ("file", "attachment_not_file") in outcomes        # 淮安 2023: the .pdf link answers HTML
    docx = c.con.execute("SELECT media_type, name FROM document WHERE locator LIKE '%haishu%downfile.jsp%'").fetchall()
    assert docx == [("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "中华人民共和国政府信息公开工作年度报告格式.docx")]  # real .docx despite text/html
    assert c.con.execute("SELECT count(*) FROM document WHERE source_id = 'hongze' AND media_type = 'text/html' "
                         "AND locator LIKE '%downfile%'").fetchone()[0] == 0


def test_f11_missing_attachment_and_one_night_404_keep_what_was_stored(tmp_path, mirror):
    mirror.set_fault("www.hongze.gov.cn", HZ_FILE, "F11")
    c = crawler(tmp_path, mirror, "hongze", "pingtan")
    c.night("n1")
    [att] = c.log(kind="attachment")
    assert att[2] == "not_found" and HZ_2023 in c.found("n1")  # the cover page is kept meanwhile
    mirror.clear_faults()
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F11")
    c.night("n2")
    assert [r[2] for r in c.log(kind="attachment", night="n2")] == ["ok"]  # retried the next night
    assert c.log(url=f"https://www.pingtan.gov.cn{PT_2023}", night="n2")[0][2] == "not_found"
    kept = c.con.execute(f"SELECT status, sha256 FROM crawl_item WHERE url LIKE '%{PT_2023}'").fetchone()
    assert kept[0] == "live" and c.raw.has(kept[1])
    assert PT(2023) in c.found("n2")  # a 404 never erases a stored copy
    mirror.clear_faults()
    c.night("n3")
    assert set(c.found("n3")) == set(c.expected(1))


def test_f12_expired_download_token_refetches_the_article(tmp_path, mirror):
    mirror.set_fault("www.haining.gov.cn", HN_COVER, "F12", ttl=0.0, times=1)
    c = crawler(tmp_path, mirror, "haining")
    c.night("n1")
    assert len(hits(mirror, "www.haining.gov.cn", HN_COVER)) == 2
    downloads = hits(mirror, "www.haining.gov.cn", "/api-gateway/jpaas-web-server/front/document/download")
    assert len(downloads) == 2 and downloads[1].start > hits(mirror, "www.haining.gov.cn", HN_COVER)[1].end
    docx = c.con.execute("SELECT media_type FROM document WHERE name LIKE '海宁市民政局2023%'").fetchall()
    assert docx == [("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)]


def test_f13_duplicate_records_and_twins_give_one_report_each(tmp_path, mirror):
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F13")
    c = crawler(tmp_path, mirror, "jiaxing", "haining")
    c.night("n1")
    assert set(c.found("n1")) == set(c.expected(1))
    articles = [r.path for r in mirror.access_log if "/art/" in r.path]
    assert len(articles) == len(set(articles))  # each page fetched once
    twin = c.found("n1")[("www.haining.gov.cn", "海宁市人民政府", 2020)]
    assert len(twin.urls) == 2 and len(c.found()) == len(c.found("n1"))


@pytest.mark.parametrize("source, host, path, mode, outcome", [
    ("haining", "www.haining.gov.cn", UNIT_API, "page1", "pagination_repeats"),
    ("sim-ministry", "zfxxgk.sim-ministry.gov.cn", "/ndbg/index_*", "stub", "pagination_short"),
    ("jiaxing", "www.jiaxing.gov.cn", "/module/web/jpage/dataproxy.jsp", "empty", "pagination_short"),
])
def test_f14_broken_deep_paging_is_flagged_and_marks_nothing_gone(tmp_path, mirror, source, host, path, mode, outcome):
    c = crawler(tmp_path, mirror, source)
    c.night("n1")
    mirror.set_fault(host, path, "F14", mode=mode)
    s = c.night("n2")
    assert c.outcomes("n2").get(outcome, 0) >= 1
    assert not s.sources[source].listing_complete and s.count("gone") == 0
    assert any("list" in a or "announced" in a or "repeats" in a for a in s.alerts)
    assert c.con.execute("SELECT count(*) FROM crawl_item WHERE status = 'gone'").fetchone()[0] == 0


@pytest.mark.parametrize("source, host, path, mode", [
    ("pingtan", "www.pingtan.gov.cn", PT_2023, "text"),
    ("haining", "www.haining.gov.cn", "/art/2022/1/18/art_1229611135_59271.html", "redirect_home"),
    ("sim-ministry", "zfxxgk.sim-ministry.gov.cn", "/ndbg/202401/t20240130_601877.html", "home"),
])
def test_f15_soft_404s_are_not_found_and_keep_the_stored_copy(tmp_path, mirror, source, host, path, mode):
    c = crawler(tmp_path, mirror, source)
    c.night("n1")
    docs = c.documents()
    mirror.set_fault(host, path, "F15", mode=mode)
    c.con.execute("UPDATE crawl_item SET etag = NULL, last_modified = NULL, last_fetched = NULL")
    mirror.clear_log()
    c.night("n2")
    row = [r for r in c.log(night="n2") if r[0].endswith(path)]
    assert row and row[0][2] == "soft_404"
    assert c.documents() == docs
    assert not any(r.path == "/" for r in hits(mirror, host))  # the home page is not fetched after a 301 to it
    assert c.con.execute(f"SELECT status FROM crawl_item WHERE url LIKE '%{path}'").fetchone()[0] == "live"


def test_f16_changing_chrome_is_not_a_new_version(tmp_path, mirror):
    c = crawler(tmp_path, mirror, "haining", "jiaxing", "ruzhou")
    c.registry = replace(c.registry, sources=tuple(replace(s, recheck_days=0) for s in c.registry.sources))
    c.night("n1")
    raw, docs = c.raw_objects(), c.documents()
    c.con.execute("UPDATE crawl_item SET etag = NULL, last_modified = NULL")
    mirror.clear_log()
    c.night("n2")  # every page downloaded in full again: new counters, pageTimestamp, Maketime
    pages = [r for r in mirror.access_log if r.status == 200 and ("/art/" in r.path or "/contents/" in r.path)]
    assert len(pages) > 30
    assert c.raw_objects() == raw and c.documents() == docs
    assert {r[5] for r in c.log(night="n2", kind="article", outcome="ok")} == {"unchanged"}


@pytest.mark.parametrize("status, allowed", [(503, False), (404, True)])
def test_f17_robots_txt(tmp_path, mirror, status, allowed):
    mirror.set_fault("www.pingtan.gov.cn", "/robots.txt", "F17", status=status)
    c = crawler(tmp_path, mirror, "pingtan", "robots-deny")
    c.night("n1")
    assert [r.path for r in hits(mirror, "robots-deny.gov.cn")] == ["/robots.txt"]
    pingtan = [r.path for r in hits(mirror, "www.pingtan.gov.cn")]
    assert (len(pingtan) > 1) == allowed and pingtan[0] == "/robots.txt"
    assert (PT(2023) in c.found("n1")) == allowed
    assert c.log(outcome="robots_denied")


def test_f18_spam_mirror_links_are_never_followed(tmp_path, mirror):
    c = crawler(tmp_path, mirror, "jiaxing", "ruzhou")
    c.night("n1")
    assert not [r for r in mirror.access_log if r.host == "sim-mirror.example.com"]
    spam = [r for r in c.log(outcome="off_allowlist")]
    assert len(spam) == 2 and all("sim-mirror.example.com" in r[0] for r in spam)
    assert set(c.found("n1")) == set(c.expected(1))


def test_f19_connection_resets_and_redirects_to_the_bare_host(tmp_path, mirror):
    mirror.set_fault("www.pingtan.gov.cn", PT_2023, "F19", mode="reset", times=1)
    mirror.set_fault("www.ruzhou.gov.cn", "/contents/38102/*", "F19", mode="redirect")
    c = crawler(tmp_path, mirror, "pingtan", "ruzhou")
    c.night("n1")
    assert [r.status for r in hits(mirror, "www.pingtan.gov.cn", PT_2023)] == [0, 200]
    bare = hits(mirror, "ruzhou.gov.cn")  # the old GBK site, followed because it is a declared alias
    assert bare and all(r.status == 200 for r in bare)
    assert set(c.found("n1")) == set(c.expected(1))
    xfj = c.found("n1")[("www.ruzhou.gov.cn", "汝州市信访局", 2022)]
    html = c.raw.get(xfj.sha256s[0])
    assert b"gb2312" in html.lower() or b"gbk" in html.lower()


def test_f20_report_appearing_while_paging_is_found_once(tmp_path, mirror):
    mirror.set_fault("www.haining.gov.cn", UNIT_API, "F20", after=1)
    c = crawler(tmp_path, mirror, "haining")
    c.night("n1")
    found = c.found("n1")
    assert ("www.haining.gov.cn", "海宁市人民政府", 2024) in found  # appeared after page 1 was read
    assert set(found) - {("www.haining.gov.cn", "海宁市人民政府", 2024)} == set(c.expected(1))
    articles = [r.path for r in mirror.access_log if "/art/" in r.path and "download" not in r.path]
    assert len(articles) == len(set(articles))
    assert_polite([r for r in mirror.access_log if r.host == "www.haining.gov.cn"])


def test_raw_objects_are_what_their_name_says(tmp_path, mirror):
    c = crawler(tmp_path, mirror, "pingtan", "hongze")
    c.night("n1")
    for sha in c.raw_objects():
        assert hashlib.sha256(c.raw.get(sha)).hexdigest() == sha


def test_time_budget_defers_the_rest_to_the_next_night_and_it_goes_first(tmp_path, mirror):
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F1", delay=0.25)
    c = crawler(tmp_path, mirror, "jiaxing")
    s = c.night("n1", host_budget=2.0)
    log = sorted(hits(mirror, "www.jiaxing.gov.cn"), key=lambda r: r.start)
    assert log[-1].start - log[0].start < 2.0  # nothing started after the budget
    deferred = c.log(outcome="deferred", night="n1")
    assert len(deferred) >= 8 and {r[1] for r in deferred} == {"article"}
    assert all(r[7] == "time budget of www.jiaxing.gov.cn (2 s) spent: deferred to the next night" for r in deferred)
    assert s.outcomes["deferred"] == len(deferred)
    assert f"jiaxing: time budget spent: {len(deferred)} fetches deferred to the next night" in s.alerts
    urls = [r[0] for r in deferred]
    items = c.con.execute("SELECT DISTINCT status, last_outcome FROM crawl_item WHERE list_contains(?, url)",
                          [urls]).fetchall()
    assert items == [("live", "deferred")]
    assert len(c.found("n1")) < len(c.expected(1))

    mirror.clear_faults()
    before = len(mirror.access_log)
    s2 = c.night("n2")
    articles = [r.path for r in sorted(mirror.access_log[before:], key=lambda r: r.start) if r.path.startswith("/art/")]
    assert set(articles[:len(urls)]) == {urlsplit(u).path for u in urls}  # yesterday's deferred come first
    assert set(c.found("n2")) == set(c.expected(1)) and s2.outcomes["deferred"] == 0 and s2.count("gone") == 0
