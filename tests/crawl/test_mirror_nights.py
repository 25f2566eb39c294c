"""Acceptance against the portal simulator: the exact reports of every night, the five-night
scenario (portals.md §5.4), the no-op night, politeness on the access log."""

from __future__ import annotations

import pytest

from tests.crawl.mirrorkit import Crawler, assert_polite
from xxgk.mirror import Mirror

DYNAMIC = ("/robots.txt", "/api-gateway/jpaas-publish-server/", "/module/web/jpage/dataproxy.jsp")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Nights 0–5 crawled once; each night's summary, found reports and access log kept."""
    tmp = tmp_path_factory.mktemp("scenario")
    nights = {}
    with Mirror(day=0) as m:
        c = Crawler(tmp, m)
        for day in range(6):
            m.set_day(day)
            m.clear_log()
            raw_before, docs_before = c.raw_objects(), c.documents()
            summary = c.night(f"d{day}")
            nights[day] = {
                "summary": summary, "found": c.found(f"d{day}"), "expected": c.expected(day),
                "log": m.access_log, "new_raw": c.raw_objects() - raw_before,
                "new_docs": sorted(set(c.documents()) - set(docs_before)),
                "stored": {u for (u,) in c.con.execute(
                    "SELECT url FROM crawl_item WHERE sha256 IS NOT NULL AND kind != 'list'").fetchall()},
            }
        nights["crawler"] = c
        yield nights
        c.close()


@pytest.mark.parametrize("day", range(6))
def test_exact_set_of_reports_each_night(scenario, day):
    night = scenario[day]
    assert set(night["found"]) == set(night["expected"])
    assert len(night["expected"]) > 40


def _version_changes(scenario, day):
    ours, truth = scenario[day - 1], scenario[day]
    common = set(ours["found"]) & set(truth["found"])
    mine = {k for k in common if ours["found"][k].version != truth["found"][k].version}
    theirs = {k for k in set(ours["expected"]) & set(truth["expected"])
              if ours["expected"][k].version != truth["expected"][k].version}
    return mine, theirs


@pytest.mark.parametrize("day", range(1, 6))
def test_versions_change_exactly_when_the_content_does(scenario, day):
    mine, theirs = _version_changes(scenario, day)
    assert mine == theirs


def test_day1_nothing_changes_and_nothing_new_is_stored(scenario):
    night = scenario[1]
    assert night["new_raw"] == set() and night["new_docs"] == []
    s = night["summary"]
    assert s.count("new") == 0 and s.count("changed") == 0 and s.count("gone") == 0


def test_day1_makes_only_conditional_or_cheap_requests(scenario):
    """Stored articles and files are asked for conditionally and answered 304; fetched in full
    are only robots.txt, list pages, list APIs and yesterday's failures (retried); no
    attachment is downloaded again."""
    stored = scenario[0]["stored"]
    full = [r for r in scenario[1]["log"] if not (r.header("if-none-match") or r.header("if-modified-since"))]
    for r in full:
        url = f"{'http' if r.host == 'www.haining.gov.cn' else 'https'}://{r.host}{r.target}"
        listing = r.path.startswith(DYNAMIC) or "/col/" in r.path and r.path.endswith("index.html") \
            or "/channels/" in r.path or r.path.endswith(("/", "/index_1.html", "/index_2.html"))
        assert listing or url not in stored, r.target
        assert "/document/download" not in r.path and "downfile.jsp" not in r.path
    conditional = [r for r in scenario[1]["log"] if r not in full]
    assert len(conditional) > 40 and all(r.status == 304 for r in conditional)
    sent = lambda d: sum(r.bytes_sent for r in scenario[d]["log"])  # noqa: E731
    assert sent(1) < 0.2 * sent(0)


def test_day2_new_report_on_page_one_and_pdf_behind_cover_note(scenario):
    night = scenario[2]
    new = set(night["found"]) - set(scenario[1]["found"])
    assert new == {("www.haining.gov.cn", "海宁市人民政府", 2024), ("www.hongze.gov.cn", "淮安市洪泽区人民政府", 2024)}
    hz = night["found"][("www.hongze.gov.cn", "淮安市洪泽区人民政府", 2024)]
    assert len(hz.sha256s) == 2  # the cover page and the PDF
    c = scenario["crawler"]
    pdf = c.con.execute("SELECT media_type, parent_sha256 FROM document WHERE locator LIKE '%downfile.jsp%' "
                        "AND name LIKE '%2024%'").fetchall()
    assert pdf and pdf[0][0] == "application/pdf" and pdf[0][1] in hz.sha256s


def test_day3_silent_edit_and_replaced_attachment_are_new_versions(scenario):
    mine, _ = _version_changes(scenario, 3)
    assert mine == {("www.jiaxing.gov.cn", "嘉兴市人民政府办公室", 2022),
                    ("www.hongze.gov.cn", "淮安市洪泽区人民政府", 2023)}
    c = scenario["crawler"]
    versions = c.con.execute("SELECT count(*) FROM document WHERE locator = "
                             "'https://www.jiaxing.gov.cn/art/2023/1/19/art_1229699001_5012345.html'").fetchone()[0]
    assert versions == 2  # old and new version side by side
    names = [n for (n,) in c.con.execute(
        "SELECT name FROM document WHERE source_id = 'hongze' AND name LIKE '%2023%'").fetchall()]
    assert any("超链版" in n for n in names) and any("超链版" not in n for n in names)


def test_day4_deleted_report_is_gone_but_kept_and_moved_column_is_followed(scenario):
    c = scenario["crawler"]
    key = ("www.ruzhou.gov.cn", "汝州市民政局", 2021)
    assert key in scenario[3]["found"] and key not in scenario[4]["found"]
    status = c.con.execute("SELECT status, gone_since, sha256 FROM crawl_item "
                           "WHERE url LIKE '%/contents/38015/331502.html'").fetchone()
    assert status[0] == "gone" and status[1] == "d4" and status[2] is not None
    assert c.con.execute("SELECT count(*) FROM document WHERE sha256 = ?", [status[2]]).fetchone()[0] == 1
    moved = [r for r in scenario[4]["log"] if r.path == "/col/col1229779129/index.html"]
    assert [r.status for r in moved] == [301]
    assert any(r.path == "/col/col1229901179/index.html" for r in scenario[4]["log"])
    assert scenario[4]["new_docs"] == []  # moved pages are the same reports: no new versions


def test_day5_challenged_host_is_left_alone_and_others_proceed(scenario):
    night = scenario[5]
    haishu = [r for r in night["log"] if r.host == "www.haishu.gov.cn"]
    assert len(haishu) == 1 and haishu[0].status == 412
    assert any("www.haishu.gov.cn" in a and "challenge" in a for a in night["summary"].alerts)
    assert not any(k[0] == "www.haishu.gov.cn" for k in night["found"])
    others = {k for k in scenario[4]["found"] if k[0] != "www.haishu.gov.cn"}
    assert others <= set(night["found"])
    c = scenario["crawler"]
    gone = c.con.execute("SELECT count(*) FROM crawl_item WHERE url LIKE '%haishu%' AND status = 'gone'").fetchone()
    assert gone == (0,)


@pytest.mark.parametrize("day", [0, 2, 5])
def test_access_log_is_polite(scenario, day):
    assert_polite(scenario[day]["log"])


def test_never_ingests_spam_or_robots_denied_hosts(scenario):
    for day in range(6):
        hosts = [r.host for r in scenario[day]["log"]]
        assert "sim-mirror.example.com" not in hosts
        assert [r.path for r in scenario[day]["log"] if r.host == "robots-deny.gov.cn"] == ["/robots.txt"]
    c = scenario["crawler"]
    assert c.con.execute("SELECT count(*) FROM document "
                         "WHERE locator LIKE '%sim-mirror%' OR locator LIKE '%robots-deny%'").fetchone() == (0,)
    assert c.log(outcome="off_allowlist")
