"""Every fault of portals.md §5.3 (F1–F20) is produced as specified."""

from __future__ import annotations

import json
import re
import socket
import time

import httpx
import pytest

from tests.mirror.conftest import Web, hrefs
from xxgk.mirror import Mirror

HN = "http://www.haining.gov.cn"
JX = "https://www.jiaxing.gov.cn"
RZ = "https://www.ruzhou.gov.cn"
MN = "https://zfxxgk.sim-ministry.gov.cn"
HN_ART = f"{HN}/col/col1229699950/art/2023/art_8f3e1a2b4c5d6e7f8091a2b3c4d5e6f7.html"
JX_ART = f"{JX}/art/2023/1/19/art_1229699001_5012345.html"
UNIT = f"{HN}/api-gateway/jpaas-publish-server/front/page/build/unit?pageId=1229611135&webId=2780"


def test_f1_slow_first_byte_and_drip(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.haining.gov.cn", "/col/*", "F1", delay=0.3, times=1)
    t = time.monotonic()
    assert web.get(f"{HN}/col/col1229611135/index.html").status_code == 200
    assert time.monotonic() - t >= 0.3
    t = time.monotonic()
    web.get(f"{HN}/col/col1229611135/index.html")
    assert time.monotonic() - t < 0.3  # times=1
    mirror.set_fault("www.haining.gov.cn", "/robots.txt", "F1", delay=0, drip=0.05, chunk=10)
    t = time.monotonic()
    assert web.get(f"{HN}/robots.txt").text.startswith("User-agent")
    assert time.monotonic() - t >= 0.2  # 44 bytes in 10-byte chunks
    assert mirror.access_log[-1].faults == ("F1",)


def test_f1_slowloris_drips_the_status_line_and_headers(mirror: Mirror) -> None:
    mirror.set_fault("www.haining.gov.cn", "/robots.txt", "F1", delay=0, head_drip=0.02)
    with socket.create_connection(("127.0.0.1", mirror.port)) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: www.haining.gov.cn\r\nConnection: close\r\n\r\n")
        t = time.monotonic()
        first = sock.recv(100)
        rest = b""
        while b"\r\n\r\n" not in first + rest:
            rest += sock.recv(100)
        elapsed = time.monotonic() - t
    head = (first + rest).split(b"\r\n\r\n")[0]
    assert first == b"H" and head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Content-Length: " in head
    assert elapsed >= 0.02 * (len(head) - 1)  # one byte per 20 ms


def test_f1_does_not_block_other_hosts(mirror: Mirror, web: Web) -> None:
    import threading

    mirror.set_fault("www.haining.gov.cn", "*", "F1", delay=0.5)
    slow = threading.Thread(target=web.get, args=(f"{HN}/",))
    slow.start()
    t = time.monotonic()
    other = Web(mirror.port)
    assert other.get(f"{JX}/robots.txt").status_code == 200
    assert time.monotonic() - t < 0.4
    slow.join()


def test_f2_server_errors_with_retry_after(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.haining.gov.cn", "/api-gateway/*", "F2", status=503, retry_after=7, times=2)
    for _ in range(2):
        r = web.get(UNIT)
        assert r.status_code == 503 and r.headers["retry-after"] == "7"
    assert web.get(UNIT).status_code == 200
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F2", status=502, every=2)
    assert [web.get(f"{JX}/robots.txt").status_code for _ in range(4)] == [200, 502, 200, 502]


def test_f3_throttle_after_burst(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F3", limit=3, window=5, status=429, retry_after=2)
    codes = [web.get(f"{JX}/robots.txt").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert web.get(f"{JX}/robots.txt").headers["retry-after"] == "2"


def test_f3_gateway_throttles_repeated_file_url(mirror: Mirror, web: Web) -> None:
    page = web.get(f"{HN}/col/col1229781527/art/2024/art_3a9d0c1b2e4f4a6b8d0c2e4f6a8b0c1d.html").text
    link = next(h for h in hrefs(page) if "document/download" in h).replace("&amp;", "&")
    mirror.set_fault(
        "www.haining.gov.cn", "/api-gateway/jpaas-web-server/*", "F3", limit=1, window=5, status=403, per="url"
    )
    assert web.get(HN + link).status_code == 200
    assert web.get(HN + link).status_code == 403
    assert web.get(HN + link + "&x=1").status_code == 200  # another URL is not throttled


def test_f4_js_challenge(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F4")
    r = web.get(JX_ART)
    assert r.status_code == 412 and "$_ts" in r.text and "set-cookie" in r.headers
    cookie = r.headers["set-cookie"].split(";")[0]
    assert web.get(JX_ART, headers={"Cookie": cookie}).status_code == 412  # cookies do not help
    mirror.clear_faults()
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F4", mode="empty")
    r = web.get(JX_ART)
    assert r.status_code == 200 and r.text == "<html><head><title></title></head><body></body></html>"


def test_f5_jsl_cookie_challenge(mirror: Mirror, web: Web) -> None:
    from xxgk.mirror.faults import JSL_CLEARANCE

    mirror.set_fault("www.jiaxing.gov.cn", "*", "F5")
    r = web.get(JX_ART)
    assert r.status_code == 521 and "document.cookie" in r.text and "__jsluid_h" in r.headers["set-cookie"]
    assert web.get(JX_ART, headers={"Cookie": f"__jsl_clearance={JSL_CLEARANCE}"}).status_code == 200


def test_f6_redirect_to_self_with_cookie(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F6")
    r = web.get(JX_ART)
    assert r.status_code == 302 and r.headers["location"] == "/art/2023/1/19/art_1229699001_5012345.html"
    cookie = r.headers["set-cookie"].split(";")[0]
    assert cookie.startswith("CT6T=")
    assert web.get(JX_ART, headers={"Cookie": cookie}).status_code == 200


def test_f7_redirect_loop_and_long_chain(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F7", mode="loop")
    a = web.get(JX_ART)
    b = web.get(JX + a.headers["location"])
    assert a.status_code == b.status_code == 302
    assert b.headers["location"] == "/art/2023/1/19/art_1229699001_5012345.html"  # back to A
    mirror.clear_faults()
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F7", mode="chain", length=11)
    url, hops = JX_ART, 0
    while (r := web.get(url)).status_code == 302:
        url, hops = JX + r.headers["location"], hops + 1
    assert hops == 11 and r.status_code == 200


def test_f8_truncated_downloads(mirror: Mirror, web: Web) -> None:
    pdf = "https://www.huaian.gov.cn/wzxxgknb/2025/szfgs.pdf"
    mirror.set_fault("www.huaian.gov.cn", "/wzxxgknb/*", "F8", mode="short", fraction=0.5, times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        web.get(pdf)
    rec = mirror.access_log[-1]
    assert rec.bytes_sent == 412842 // 2 and rec.faults == ("F8",)
    assert len(web.get(pdf).content) == 412842  # times=1
    mirror.set_fault("www.huaian.gov.cn", "/wzxxgknb/*", "F8", mode="chunked", fraction=0.3)
    with pytest.raises(httpx.RemoteProtocolError):
        web.get(pdf)


def test_f9_charset_lies(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F9", mode="a", times=1)
    r = web.get(JX_ART)
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    assert "嘉兴市人民政府办公室" in r.content.decode("gbk")
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F9", mode="b", times=1)
    r = web.get(JX_ART)
    assert r.headers["content-type"] == "text/html" and b'<meta charset="gb2312">' in r.content
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F9", mode="c", times=1)
    r = web.get(JX_ART)
    assert r.headers["content-type"] == "text/html" and b"charset" not in r.content.lower()
    assert "嘉兴" in r.content.decode("gbk")
    mirror.set_fault("www.jiaxing.gov.cn", "/art/*", "F9", mode="d", times=1)
    r = web.get(JX_ART)
    assert r.status_code == 404 and r.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert "页面不存在" in r.content.decode("utf-8")


def test_f9_gbk_only_characters_on_the_gb2312_page(web: Web) -> None:
    bare = web.get("http://ruzhou.gov.cn/contents/37547/328014.html").content
    with pytest.raises(UnicodeDecodeError):
        bare.decode("gb2312")
    assert bare.decode("gb18030") == bare.decode("gbk")


def test_f10_html_where_a_file_was_promised(mirror: Mirror, web: Web) -> None:
    pdf = "https://www.huaian.gov.cn/wzxxgknb/2025/szfgs.pdf"
    mirror.set_fault("www.huaian.gov.cn", "*.pdf", "F10")
    r = web.get(pdf)
    assert r.status_code == 200 and r.headers["content-type"] == "text/html" and r.content.startswith(b"<html>")


def test_f11_dead_article_on_one_night(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "/art/2023/1/19/*", "F11", days=[1])
    assert web.get(JX_ART).status_code == 200
    mirror.set_day(1)
    assert web.get(JX_ART).status_code == 404
    mirror.set_day(2)
    assert web.get(JX_ART).status_code == 200


def test_f12_download_token_expires(mirror: Mirror, web: Web) -> None:
    art = f"{HN}/col/col1229781527/art/2024/art_3a9d0c1b2e4f4a6b8d0c2e4f6a8b0c1d.html"
    mirror.set_fault("www.haining.gov.cn", "/col/*", "F12", ttl=0.2)
    link = next(h for h in hrefs(web.get(art).text) if "document/download" in h).replace("&amp;", "&")
    time.sleep(0.3)
    r = web.get(HN + link)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json()["success"] is False and "失效" in r.json()["message"]
    fresh = next(h for h in hrefs(web.get(art).text) if "document/download" in h).replace("&amp;", "&")
    assert web.get(HN + fresh).content[:2] == b"PK"


def test_f13_duplicate_postings(mirror: Mirror, web: Web) -> None:
    # built in: (图文) twin, two jpage units, www + bare host; on demand: every record twice
    first = re.findall(r'title="([^"]+)" href', web.get(UNIT).json()["data"]["html"])
    assert "(图文)海宁市人民政府2020年政府信息公开工作年度报告" in first + re.findall(
        r'title="([^"]+)" href', web.get(UNIT + '&paramJson={"pageNo":2}').json()["data"]["html"]
    )
    mirror.set_fault("www.haining.gov.cn", "/api-gateway/*", "F13")
    doubled = re.findall(r'title="([^"]+)" href', web.get(UNIT).json()["data"]["html"])
    assert len(doubled) == 15 and doubled[0:14:2] == doubled[1:14:2] == first[:7]


def test_f14_broken_deep_paging(mirror: Mirror, web: Web) -> None:
    assert len(web.get(f"{MN}/ndbg/index_7.html").content) == 350  # built in: TRS stub
    mirror.set_fault("www.haining.gov.cn", "/api-gateway/*", "F14", mode="page1")
    p1 = web.get(UNIT).json()["data"]["html"]
    p2 = web.get(UNIT + "&paramJson=" + json.dumps({"pageNo": 2})).json()["data"]["html"]
    assert re.findall(r"href=\"([^\"]+)\"", p1) == re.findall(r"href=\"([^\"]+)\"", p2)
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F14", mode="empty")
    r = web.get(f"{JX}/module/web/jpage/dataproxy.jsp?page=1&columnid=1229423212")
    assert len(r.content) == 54
    mirror.set_fault("zfxxgk.sim-ministry.gov.cn", "*", "F14", mode="stub")
    assert len(web.get(f"{MN}/ndbg/index_1.html").content) == 350


def test_f15_soft_404s(mirror: Mirror, web: Web) -> None:
    r = web.get(f"{JX}/no/such/page.html")  # 嘉兴's own not-found page says 200
    assert r.status_code == 200 and "非法请求 404！" in r.text
    r = web.get(f"{HN}/no/such/page.html")
    assert r.status_code == 301 and r.headers["location"] == "/"
    r = web.get(f"{MN}/no/such/page.html")
    assert r.status_code == 200 and "国家模拟局" in r.text and "/ndbg/" in r.text
    mirror.set_fault("www.ruzhou.gov.cn", "/contents/*", "F15", mode="home")
    assert "<title>汝州市人民政府</title>" in web.get(f"{RZ}/contents/37547/328014.html").text


def test_f16_chrome_changes_but_content_and_validators_do_not(web: Web) -> None:
    a, b = web.get(HN_ART), web.get(HN_ART)
    assert a.text != b.text
    strip = lambda t: re.sub(r"pageTimestamp= '\d+'|<lable id=\"artcount\">\d+</lable>", "", t)  # noqa: E731
    assert strip(a.text) == strip(b.text)
    j1, j2 = web.get(JX_ART), web.get(JX_ART)
    assert j1.text != j2.text and j1.headers["etag"] == j2.headers["etag"]
    assert web.get(UNIT).json()["traceId"] != web.get(UNIT).json()["traceId"]


def test_f16_and_f18_are_always_on(mirror: Mirror) -> None:
    for fid in ("F16", "F18"):
        with pytest.raises(ValueError, match="always on"):
            mirror.set_fault("*", "*", fid)
    with pytest.raises(TypeError):
        mirror.set_fault("*", "*", "F2", statuz=500)
    with pytest.raises(ValueError):
        mirror.set_fault("*", "*", "F21")
    with pytest.raises(ValueError, match="one of"):
        mirror.set_fault("*", "*", "F14", mode="page2")


def test_f17_robots(mirror: Mirror, web: Web) -> None:
    assert web.get("http://robots-deny.gov.cn/robots.txt").text == "User-agent: *\nDisallow: /\n"
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F17", status=503)
    assert web.get(f"{JX}/robots.txt").status_code == 503
    assert web.get(JX_ART).status_code == 200  # only robots.txt is affected
    mirror.clear_faults()
    mirror.set_fault("www.jiaxing.gov.cn", "*", "F17", status=404)
    assert web.get(f"{JX}/robots.txt").status_code == 404


def test_f18_spam_mirror_linked_from_lists(web: Web) -> None:
    page = web.get(f"{JX}/col/col1229423212/index.html").text
    link = "http://sim-mirror.example.com/art/2023/1/19/art_1229699001_5012345.html"
    assert link in page
    copy = web.get(link)
    assert copy.status_code == 200 and "嘉兴市人民政府办公室2022年度政府信息公开工作年度报告" in copy.text
    assert (
        "sim-mirror.example.com/contents/37547/328014.html"
        in web.get(f"{RZ}/channels/37540.html").text + web.get(f"{RZ}/channels/37540_2.html").text
    )


def test_f19_reset_and_canonical_host_redirect(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.ruzhou.gov.cn", "*", "F19", mode="reset")
    with pytest.raises(httpx.TransportError):
        web.get(f"{RZ}/channels/37540.html")
    assert mirror.access_log[-1].status == 0
    mirror.clear_faults()
    mirror.set_fault("ruzhou.gov.cn", "*", "F19", mode="redirect", to="www.ruzhou.gov.cn")
    r = web.get("http://ruzhou.gov.cn/contents/37547/328014.html")
    assert r.status_code == 301 and r.headers["location"] == "http://www.ruzhou.gov.cn/contents/37547/328014.html"


def test_f20_report_appears_while_paging(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.haining.gov.cn", "/api-gateway/*", "F20", after=1)
    first = web.get(UNIT).json()["data"]["html"]
    second = web.get(UNIT + '&paramJson={"pageNo":2}').json()["data"]["html"]
    assert 'count="16"' in first and 'count="17"' in second
    new = "/col/col1229999981/art/2025/art_d41d8cd98f00b204e9800998ecf8427e.html"
    assert new not in first
    assert web.get(HN + new).status_code == 200  # the early report is really there
    again = web.get(UNIT).json()["data"]["html"]
    assert new in again


def test_fault_gating_skip_and_rate(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "/robots.txt", "F2", skip=2, times=1)
    assert [web.get(f"{JX}/robots.txt").status_code for _ in range(4)] == [200, 200, 503, 200]
    mirror.set_fault("www.haishu.gov.cn", "/robots.txt", "F2", rate=0.0)
    assert web.get("https://www.haishu.gov.cn/robots.txt").status_code == 200


def test_reset_leaves_no_half_open_socket(mirror: Mirror) -> None:
    mirror.set_fault("www.ruzhou.gov.cn", "*", "F19", mode="reset")
    with socket.create_connection(("127.0.0.1", mirror.port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: www.ruzhou.gov.cn\r\n\r\n")
        try:
            assert s.recv(100) == b""
        except ConnectionResetError:
            pass
