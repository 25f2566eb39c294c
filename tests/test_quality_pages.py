"""The quality pages and the Data Docs in a real browser (Debian's Chromium driven by
Playwright, no browser download): opened from files with no network, no console errors, the
expected figures and charts in the DOM. The pages come from a whole nightly run against the
portal simulator."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipelines.resources import CrawlSettings
from pipelines.run import run_nightly
from xxgk.mirror import Mirror

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (make system-packages)")


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with Mirror(day=0) as mirror:
        settings = CrawlSettings(connect_to=" ".join(f"{h}::127.0.0.1:{mirror.port}" for h in mirror.hosts),
                                 allow_http="1", min_gap=0.0, jitter=0.0, night="2026-11-01")
        summary = run_nightly(data, settings, out=io.StringIO())
    assert summary.success
    return data


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def open_page(browser, path: Path):
    """The page loaded from its file, with every console error and failed request recorded."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    return page, problems


def test_quality_index(night, browser):
    page, problems = open_page(browser, night / "quality" / "index.html")
    assert problems == []
    figures = {k: page.inner_text(f"#fig-{k} b") for k in ("parsed", "set-aside", "error-reports")}
    assert figures == {"parsed": "63", "set-aside": "5", "error-reports": "2"}
    assert page.locator("figure.chart svg").count() == 6
    charts = [page.get_attribute(f"figure.chart >> nth={i}", "id") for i in range(6)]
    assert charts == ["chart-pass-rates", "chart-trend", "chart-most-failed", "chart-classification",
                      "chart-coverage", "chart-crawl"]
    rules = {page.inner_text(f"#rules tbody tr:nth-child({i}) td:nth-child(1)"):
             page.inner_text(f"#rules tbody tr:nth-child({i}) td:nth-child(5)") for i in range(1, 22)}
    assert {r: n for r, n in rules.items() if n != "0"} == {"R06": "2", "R08": "1", "R11": "1", "R16": "2",
                                                            "R17": "2", "R18": "2", "R21": "1"}
    assert page.locator("#failing-reports tbody tr").count() == 6
    assert page.locator("#set-aside tbody tr").count() == 5
    assert page.locator("#crawl-health tbody tr").count() == 7
    assert "7 of 7 sources answered" in page.inner_text("#crawl-verdict")
    page.close()


def test_failing_report_page(night, browser):
    index, _ = open_page(browser, night / "quality" / "index.html")
    row = index.locator("#failing-reports tbody tr", has_text="洪泽").first
    href = row.locator("a").first.get_attribute("href")
    index.close()
    page, problems = open_page(browser, night / "quality" / href)
    assert problems == []
    assert "淮安市洪泽区人民政府 2023" in page.inner_text("h1")
    headings = page.locator("h2").all_inner_texts()
    assert headings[:2] == ["R06 T4 review total: table4 review", "R08 T4 after-review-litigation total: "
                            "table4 litigation_after_review"]
    assert page.locator(".lhs").first.inner_text() == "0" and page.locator(".rhs").first.inner_text() == "11"
    first = page.locator("table").first
    assert first.locator("tbody tr").count() == 5
    assert first.locator("tbody tr").first.inner_text().split("\t")[:6] == [
        "table4/review/total", "0", "件", "reported", "0", "pdf:table 1:p4:r3c4"]
    assert page.locator("#source a").get_attribute("href").startswith("https://www.hongze.gov.cn/")
    docs = page.locator("#data-docs a", has_text="report_rules")
    assert docs.count() == 1
    target = (night / "quality" / "reports" / docs.get_attribute("href")).resolve()
    assert target.is_file()
    page.close()
    # the Data Docs page it links to, offline
    docs_page, problems = open_page(browser, target)
    assert problems == []
    assert docs_page.evaluate("typeof jQuery") == "function"
    docs_page.close()


def test_data_docs_index_offline(night, browser):
    page, problems = open_page(browser, night / "quality" / "data_docs" / "index.html")
    assert problems == []
    assert page.evaluate("typeof jQuery") == "function"
    rows = page.locator("table tbody tr")
    assert rows.count() >= 3  # one validation per suite of the night's run
    assert page.locator("text=report_rules").count() >= 1
    page.close()
