"""The HTTP client against real local servers: politeness, retries, classification."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from dataclasses import replace
from itertools import pairwise

import pytest

from tests.crawl.conftest import FAST
from tests.crawl.vhost import page
from xxgk.crawl.connect_to import parse_connect_to
from xxgk.crawl.http import Validators

H = "www.example.gov.cn"
HOSTS = frozenset({H, "b.example.gov.cn"})
HTML = "<html><head><title>报告</title></head><body><div id='zoom'><p>正文内容</p></div></body></html>"


def test_connect_to_keeps_url_and_host_header_and_sends_plain_http(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page(HTML)
    r = make_fetcher().fetch(f"https://{H}/a.html", allowed_hosts=HOSTS)
    assert r.outcome == "ok" and r.final_url == f"https://{H}/a.html"
    [hit] = srv.hits(path="/a.html")
    assert hit.headers["Host"] == H
    assert hit.headers["User-Agent"].startswith("xxgk-crawler/")


def test_connect_to_parsing_like_curl():
    rule = parse_connect_to("www.a.gov.cn:443:127.0.0.1:8080")
    assert (rule.host1, rule.port1, rule.host2, rule.port2) == ("www.a.gov.cn", 443, "127.0.0.1", 8080)
    anyhost = parse_connect_to("::[::1]:81")
    assert anyhost.matches("x.gov.cn", 80) and anyhost.target("x.gov.cn", 80) == ("::1", 81)
    keep = parse_connect_to("a.gov.cn:80::")
    assert keep.target("a.gov.cn", 80) == ("a.gov.cn", 80) and not keep.matches("a.gov.cn", 443)


def test_https_without_allow_http_is_not_downgraded(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page(HTML)
    r = make_fetcher(allow_http=False).fetch(f"https://{H}/a.html", allowed_hosts=HOSTS)
    # TLS to a plain-HTTP server fails already for robots.txt; the page is never asked for
    assert r.outcome == "tls_error"
    assert srv.log == []


def test_unmapped_loopback_address_is_refused(srv, make_fetcher):
    srv.routes[("localhost", "/x")] = page(HTML)
    r = make_fetcher(connect_to=()).fetch(f"http://localhost:{srv.port}/x", allowed_hosts=frozenset({"localhost"}))
    assert r.outcome == "private_address"
    assert srv.log == []


def test_allowlist_applies_to_urls_and_redirects(srv, make_fetcher):
    srv.routes[(H, "/go")] = page("", status=302, Location="http://spam.example.com/copy.html")
    f = make_fetcher()
    assert f.fetch("http://spam.example.com/copy.html", allowed_hosts=HOSTS).outcome == "off_allowlist"
    r = f.fetch(f"http://{H}/go", allowed_hosts=HOSTS)
    assert r.outcome == "off_allowlist"
    assert srv.hits(host="spam.example.com") == []


def test_pacing_serialises_one_host_and_lets_hosts_run_in_parallel(srv, make_fetcher):
    def slow(h):
        time.sleep(0.2)
        return 200, {"Content-Type": "text/html"}, HTML.encode()

    srv.routes[(H, "*")] = slow
    srv.routes[("b.example.gov.cn", "*")] = slow
    f = make_fetcher(replace(FAST, pacing=replace(FAST.pacing, min_gap=0.1, jitter=0.0)))
    urls = [f"http://{H}/{i}.html" for i in range(3)] + [f"http://b.example.gov.cn/{i}.html" for i in range(3)]
    threads = [threading.Thread(target=f.fetch, args=(u,), kwargs={"allowed_hosts": HOSTS}) for u in urls]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    for host in HOSTS:
        hits = sorted(srv.hits(host=host), key=lambda h: h.start)
        for a, b in pairwise(hits):
            assert b.start - a.end >= 0.1 - 0.01  # never overlapping, gap honoured
    assert elapsed < 2 * 3 * 0.3  # the two hosts ran side by side


def test_robots_deny_all_means_no_fetch(srv, make_fetcher):
    srv.routes[(H, "/robots.txt")] = page("User-agent: *\nDisallow: /\n", ctype="text/plain")
    srv.routes[(H, "/a.html")] = page(HTML)
    r = make_fetcher().fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert r.outcome == "robots_denied"
    assert [h.path for h in srv.log] == ["/robots.txt"]


def test_robots_wildcards_are_obeyed_on_the_wire(srv, make_fetcher):
    srv.routes[(H, "/robots.txt")] = page("User-agent: *\nDisallow: /*.pdf$\n", ctype="text/plain")
    srv.routes[(H, "/a/b.pdf")] = page(b"%PDF-1.7\n", ctype="application/pdf")
    f = make_fetcher()
    assert f.fetch(f"http://{H}/a/b.pdf", allowed_hosts=HOSTS, expect="file").outcome == "robots_denied"
    assert f.fetch(f"http://{H}/a/b.pdf?x=1", allowed_hosts=HOSTS, expect="file").outcome == "ok"
    assert [h.path for h in srv.log] == ["/robots.txt", "/a/b.pdf?x=1"]


def test_robots_404_allows_and_5xx_denies(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page(HTML)
    srv.routes[("b.example.gov.cn", "/robots.txt")] = page("down", status=503)
    srv.routes[("b.example.gov.cn", "/a.html")] = page(HTML)
    f = make_fetcher()
    assert f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS).outcome == "ok"
    assert f.fetch("http://b.example.gov.cn/a.html", allowed_hosts=HOSTS).outcome == "robots_denied"
    assert srv.hits(host="b.example.gov.cn", path="/a.html") == []


def test_retry_after_is_honoured_then_success(srv, make_fetcher):
    calls = []

    def flaky(h):
        calls.append(time.monotonic())
        if len(calls) < 3:
            return 503, {"Retry-After": "1"}, b"busy"
        return 200, {"Content-Type": "text/html"}, HTML.encode()

    srv.routes[(H, "/a.html")] = flaky
    r = make_fetcher().fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert r.outcome == "ok" and r.attempts == 3
    hits = srv.hits(path="/a.html")
    assert hits[1].start - hits[0].end >= 0.98 and hits[2].start - hits[1].end >= 0.98  # server clock slack


def test_persistent_5xx_gives_up_after_three_attempts(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page("boom", status=502)
    r = make_fetcher().fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert (r.outcome, r.attempts, r.status) == ("transient_failed", 3, 502)
    assert len(srv.hits(path="/a.html")) == 3


def test_404_and_410_are_not_retried(srv, make_fetcher):
    srv.routes[(H, "/gone.html")] = page("gone", status=410)
    f = make_fetcher()
    assert f.fetch(f"http://{H}/none.html", allowed_hosts=HOSTS).outcome == "not_found"
    assert f.fetch(f"http://{H}/gone.html", allowed_hosts=HOSTS).outcome == "not_found"
    assert len(srv.hits(path="/none.html")) == 1 and len(srv.hits(path="/gone.html")) == 1


def test_429s_slow_down_then_close_the_host(srv, make_fetcher):
    srv.routes[(H, "*")] = page("slow down", status=429, Retry_After="0")
    srv.routes[(H, "/robots.txt")] = page("", status=404)
    f = make_fetcher()
    r = f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert r.outcome == "throttled"
    assert f.fetch(f"http://{H}/b.html", allowed_hosts=HOSTS).outcome == "host_skipped"
    hits = [h for h in srv.hits(host=H) if h.path != "/robots.txt"]
    assert len(hits) == 3
    gaps = [b.start - a.end for a, b in pairwise(hits)]
    assert gaps[1] > gaps[0]  # the host was slowed down after the first 429
    assert H in f.closed_hosts()


def test_challenge_pages_close_the_host(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page("<html><script>var $_ts={};$_ts.cd='x';</script></html>", status=412,
                                      Set_Cookie="FSSBBIl1UgzbN7N80S=abc")
    srv.routes[(H, "/b.html")] = page(HTML)
    f = make_fetcher()
    assert f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS).outcome == "challenge"
    assert f.fetch(f"http://{H}/b.html", allowed_hosts=HOSTS).outcome == "host_skipped"
    assert srv.hits(path="/b.html") == []


def test_challenge_shapes_with_status_200(srv, make_fetcher):
    b = "b.example.gov.cn"
    srv.routes[(H, "/shell.html")] = page("<html><head><title></title></head><body></body></html>")
    srv.routes[(b, "/jsl.html")] = page(
        "<script>document.cookie='__jsl_clearance=1;path=/';location.href=location.pathname</script>",
        status=521)
    f = make_fetcher()
    assert f.fetch(f"http://{H}/shell.html", allowed_hosts=HOSTS).outcome == "challenge"
    assert f.fetch(f"http://{b}/jsl.html", allowed_hosts=HOSTS).outcome == "challenge"


def test_cookie_setting_redirect_to_self_passes(srv, make_fetcher):
    def waf(h):
        if "ct6t=ok" in h.headers.get("Cookie", ""):
            return 200, {"Content-Type": "text/html"}, HTML.encode()
        return 302, {"Location": "/a.html", "Set-Cookie": "ct6t=ok; Path=/"}, b""

    srv.routes[(H, "/a.html")] = waf
    r = make_fetcher().fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert r.outcome == "ok"
    assert len(srv.hits(path="/a.html")) == 2


def test_redirect_loops_and_long_chains_stop(srv, make_fetcher):
    srv.routes[(H, "/a")] = page("", status=302, Location="/b")
    srv.routes[(H, "/b")] = page("", status=302, Location="/a")
    for i in range(12):
        srv.routes[(H, f"/c{i}")] = page("", status=302, Location=f"/c{i + 1}")
    f = make_fetcher()
    assert f.fetch(f"http://{H}/a", allowed_hosts=HOSTS).outcome == "redirect_loop"
    assert len(srv.hits(path="/a")) == 1
    r = f.fetch(f"http://{H}/c0", allowed_hosts=HOSTS)
    assert r.outcome == "redirect_loop"
    assert len([h for h in srv.log if h.path.startswith("/c")]) == 11


def test_conditional_get(srv, make_fetcher):
    def etagged(h):
        if h.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        headers = {"Content-Type": "text/html", "ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
        return 200, headers, HTML.encode()

    srv.routes[(H, "/a.html")] = etagged
    f = make_fetcher()
    first = f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert first.outcome == "ok" and first.etag == '"v1"'
    again = f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS, validators=Validators(first.etag, first.last_modified))
    assert again.outcome == "not_modified" and again.body in (None, b"")
    assert srv.hits(path="/a.html")[1].headers["If-Modified-Since"] == first.last_modified


def test_soft_404s(srv, make_fetcher):
    srv.routes[(H, "/x.html")] = page("<html><body><h1>非法请求 404！</h1></body></html>")
    srv.routes[(H, "/old/")] = page("", status=301, Location="/")
    f = make_fetcher()
    assert f.fetch(f"http://{H}/x.html", allowed_hosts=HOSTS).outcome == "soft_404"
    assert f.fetch(f"http://{H}/old/", allowed_hosts=HOSTS).outcome == "soft_404"
    assert srv.hits(path="/") == []


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_files_are_judged_by_magic_bytes(srv, make_fetcher):
    srv.routes[(H, "/module/download/downfile.jsp")] = page(_docx(), ctype="text/html")
    srv.routes[(H, "/r.pdf")] = page("<html><body>文件不存在</body></html>", ctype="application/pdf")
    srv.routes[(H, "/ok.pdf")] = page(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", ctype="text/html")
    f = make_fetcher()
    docx = f.fetch(f"http://{H}/module/download/downfile.jsp?filename=a.docx", allowed_hosts=HOSTS, expect="file")
    assert docx.outcome == "ok" and docx.media_type.endswith("wordprocessingml.document")
    assert f.fetch(f"http://{H}/r.pdf", allowed_hosts=HOSTS, expect="file").outcome == "attachment_not_file"
    assert f.fetch(f"http://{H}/ok.pdf", allowed_hosts=HOSTS, expect="file").media_type == "application/pdf"


def test_size_cap(srv, make_fetcher):
    srv.routes[(H, "/big.pdf")] = page(b"%PDF-" + b"x" * 200_000, ctype="application/pdf")

    def chunked(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for _ in range(30):
            chunk = b"%PDF-" + b"y" * 10_000
            h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    srv.routes[(H, "/stream.pdf")] = chunked
    f = make_fetcher()
    assert f.fetch(f"http://{H}/big.pdf", allowed_hosts=HOSTS, expect="file").outcome == "too_large"
    r = f.fetch(f"http://{H}/stream.pdf", allowed_hosts=HOSTS, expect="file")
    assert r.outcome == "too_large" and r.body is None


def test_short_read_is_discarded_and_retried(srv, make_fetcher):
    def short(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", "5000")
        h.end_headers()
        h.wfile.write(b"%PDF-1.4 partial")
        h.wfile.flush()
        h.close_connection = True

    srv.routes[(H, "/t.pdf")] = short
    r = make_fetcher().fetch(f"http://{H}/t.pdf", allowed_hosts=HOSTS, expect="file")
    assert r.outcome == "truncated" and r.body is None and r.attempts == 3
    assert len(srv.hits(path="/t.pdf")) == 3


def test_read_timeout_and_slow_drip_are_retried_then_fail(srv, make_fetcher):
    def hang(h):
        time.sleep(0.8)
        return 200, {"Content-Type": "text/html"}, HTML.encode()

    def drip(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "400")
        h.end_headers()
        for _ in range(40):
            h.wfile.write(b"<p>.....</p>")
            h.wfile.flush()
            time.sleep(0.05)

    srv.routes[(H, "/slow.html")] = hang
    srv.routes[(H, "/drip.html")] = drip
    f = make_fetcher(replace(FAST, read_timeout=0.3, total_timeout=0.5))
    r = f.fetch(f"http://{H}/slow.html", allowed_hosts=HOSTS)
    assert (r.outcome, r.attempts) == ("transient_failed", 3) and "timeout" in r.detail
    r = f.fetch(f"http://{H}/drip.html", allowed_hosts=HOSTS)
    assert r.outcome == "transient_failed" and "deadline" in r.detail


# -- deadlines a slow server cannot stretch ---------------------------------------------------

def _slow_head(every: float, body: bytes = HTML.encode()):
    """Slowloris: the status line and headers one byte every ``every`` seconds."""
    def handler(h):
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        for i in range(len(head)):
            h.wfile.write(head[i:i + 1])
            h.wfile.flush()
            time.sleep(every)
        h.wfile.write(body)
    return handler


def test_header_slowloris_ends_at_the_total_deadline(srv, make_fetcher):
    """One header byte every 0.2 s never trips a 1 s read timeout; the 2 s deadline ends it
    (before: the deadline covered only the body and such a server held the fetch for minutes)."""
    srv.routes[(H, "/a.html")] = _slow_head(0.2)  # 70 header bytes: 14 s
    f = make_fetcher(replace(FAST, read_timeout=1.0, header_timeout=30.0, total_timeout=2.0))
    t0 = time.monotonic()
    r = f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    took = time.monotonic() - t0
    assert (r.outcome, r.attempts, r.status) == ("transient_failed", 1, None)
    assert r.detail == "deadline: request not complete within 2 s"
    assert 2.0 <= took < 2.6  # robots.txt, one gap and the 2 s exchange; not retried
    assert len(srv.hits(path="/a.html")) == 1


def test_header_deadline_is_shorter_than_the_total(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = _slow_head(0.1)
    srv.routes[(H, "/silent.html")] = lambda h: time.sleep(3) or (200, {}, b"")  # says nothing at all
    f = make_fetcher(replace(FAST, read_timeout=5.0, header_timeout=1.0, total_timeout=10.0))
    for path in ("/a.html", "/silent.html"):
        t0 = time.monotonic()
        r = f.fetch(f"http://{H}{path}", allowed_hosts=HOSTS)
        assert r.outcome == "transient_failed" and r.detail == "deadline: no complete response headers within 1 s"
        assert time.monotonic() - t0 < 1.6


def test_body_deadline(srv, make_fetcher):
    def drip(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"%PDF-1.7\n."[:10])
            h.wfile.flush()
            time.sleep(0.05)

    srv.routes[(H, "/r.pdf")] = drip
    f = make_fetcher(replace(FAST, read_timeout=1.0, body_timeout=1.0, total_timeout=10.0))
    t0 = time.monotonic()
    r = f.fetch(f"http://{H}/r.pdf", allowed_hosts=HOSTS, expect="file")
    assert (r.outcome, r.status, r.body) == ("transient_failed", 200, None)
    assert r.detail == "deadline: body not complete within 1 s" and time.monotonic() - t0 < 1.6


def test_a_deadline_is_final_but_an_idle_read_timeout_is_retried(srv, make_fetcher):
    srv.routes[(H, "/pause.html")] = lambda h: time.sleep(0.6) or (200, {"Content-Type": "text/html"}, HTML.encode())
    f = make_fetcher(replace(FAST, read_timeout=0.3, header_timeout=5.0))
    r = f.fetch(f"http://{H}/pause.html", allowed_hosts=HOSTS)
    assert (r.outcome, r.attempts) == ("transient_failed", 3) and r.detail == "timeout: ReadTimeout"


# -- time budgets: what does not fit is deferred, never started late ---------------------------

def test_host_budget_defers_the_rest_and_cuts_a_request_in_flight(srv, make_fetcher):
    srv.routes[(H, "*")] = lambda h: time.sleep(0.3) or (200, {"Content-Type": "text/html"}, HTML.encode())
    srv.routes[(H, "/robots.txt")] = page("", status=404)
    srv.routes[("b.example.gov.cn", "/slow.html")] = _slow_head(0.1)
    srv.routes[("b.example.gov.cn", "/robots.txt")] = page("", status=404)
    f = make_fetcher(replace(FAST, host_budget=1.0))
    t0 = time.monotonic()
    results = [f.fetch(f"http://{H}/{i}.html", allowed_hosts=HOSTS) for i in range(6)]
    took = time.monotonic() - t0
    outcomes = [r.outcome for r in results]
    done = outcomes.count("ok")
    assert done in (2, 3) and outcomes == ["ok"] * done + ["deferred"] * (6 - done)
    assert all(r.detail == f"time budget of {H} (1 s) spent: deferred to the next night" for r in results[done:])
    assert took < 1.2
    assert [h.path for h in srv.hits(host=H)][1:] == [f"/{i}.html" for i in range(len(srv.hits(host=H)) - 1)]
    assert all(h.start < t0 + 1.0 for h in srv.hits(host=H))
    # the other host has its own budget; a slowloris there is cut off when that budget ends
    t1 = time.monotonic()
    r = f.fetch("http://b.example.gov.cn/slow.html", allowed_hosts=HOSTS)
    assert r.outcome == "deferred" and r.detail.startswith("time budget of b.example.gov.cn (1 s) spent")
    assert time.monotonic() - t1 < 1.3


def test_night_budget_covers_every_host(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page(HTML)
    f = make_fetcher(replace(FAST, night_budget=0.5))
    assert f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS).outcome == "ok"
    time.sleep(0.5)
    for url in (f"http://{H}/a.html", "http://b.example.gov.cn/a.html"):
        r = f.fetch(url, allowed_hosts=HOSTS)
        assert (r.outcome, r.detail) == ("deferred", "night time budget (0.5 s) spent: deferred to the next night")
    assert srv.hits(host="b.example.gov.cn") == [] and len(srv.hits(path="/a.html")) == 1


def test_a_retry_after_beyond_the_budget_is_not_waited_for(srv, make_fetcher):
    srv.routes[(H, "/a.html")] = page("busy", status=503, Retry_After="5")
    f = make_fetcher(replace(FAST, host_budget=1.0, max_retry_after=10.0))
    t0 = time.monotonic()
    r = f.fetch(f"http://{H}/a.html", allowed_hosts=HOSTS)
    assert (r.outcome, r.attempts) == ("deferred", 2) and time.monotonic() - t0 < 0.5
    assert len(srv.hits(path="/a.html")) == 1


# -- the private-address guard, one form each ----------------------------------------------------

PRIVATE_FORMS = [
    "127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "::1",
    "::ffff:127.0.0.1",                       # IPv4-mapped
    "::127.0.0.1",                            # IPv4-compatible (deprecated)
    "64:ff9b::7f00:1",                        # NAT64 well-known prefix → 127.0.0.1
    "64:ff9b::a9fe:a9fe",                     # NAT64 → 169.254.169.254
    "64:ff9b:1::a00:1",                       # NAT64 local-use prefix
    "2002:7f00:1::1",                         # 6to4 → 127.0.0.1
    "2002:c0a8:101::1",                       # 6to4 → 192.168.1.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",   # Teredo, client 127.0.0.1 (stored XOR 0xffffffff)
    "fe80::1", "fc00::1",
]


def _literal(ip: str) -> str:
    return f"[{ip}]" if ":" in ip else ip


@pytest.mark.parametrize("ip", PRIVATE_FORMS)
def test_every_private_address_form_is_refused_before_connecting(srv, make_fetcher, ip):
    f = make_fetcher(connect_to=(parse_connect_to(f"{H}::127.0.0.1:{srv.port}"),))  # only H is mapped
    r = f.fetch(f"http://{_literal(ip)}:{srv.port}/x", allowed_hosts=HOSTS | {ip})
    assert r.outcome == "private_address" and ip in r.detail
    assert srv.log == []


@pytest.mark.parametrize("ip", ["::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1"])
def test_a_redirect_hop_to_a_private_address_is_refused(srv, make_fetcher, ip):
    srv.routes[(H, "/go")] = page("", status=302, Location=f"http://{_literal(ip)}:{srv.port}/x")
    f = make_fetcher(connect_to=(parse_connect_to(f"{H}::127.0.0.1:{srv.port}"),))
    r = f.fetch(f"http://{H}/go", allowed_hosts=HOSTS | {ip})
    assert r.outcome == "private_address" and r.final_url == f"http://{_literal(ip)}:{srv.port}/x"
    assert [h.path for h in srv.log] == ["/robots.txt", "/go"]
