"""The HTTP client against real local servers: politeness, retries, classification."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from dataclasses import replace
from itertools import pairwise

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
