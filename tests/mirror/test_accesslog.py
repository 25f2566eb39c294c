"""The access log records every request, and the CLI serves the simulator."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.mirror.conftest import Web
from xxgk.cli import build_parser
from xxgk.mirror import Mirror

JX = "https://www.jiaxing.gov.cn"


def test_log_records_every_request(mirror: Mirror, web: Web) -> None:
    web.get(f"{JX}/robots.txt")
    web.post(f"{JX}/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=5", data={"columnid": "1229423212"})
    web.get("http://unknown.example/")
    log = mirror.access_log
    assert [(r.method, r.host, r.status) for r in log] == [
        ("GET", "www.jiaxing.gov.cn", 200),
        ("POST", "www.jiaxing.gov.cn", 200),
        ("GET", "unknown.example", 404),
    ]
    first, second, _ = log
    assert first.target == "/robots.txt" and first.path == "/robots.txt"
    assert second.target.endswith("?startrecord=1&endrecord=5") and second.path.endswith("dataproxy.jsp")
    assert first.header("User-Agent") == "xxgk-test/1.0" and first.headers["host"] == "www.jiaxing.gov.cn"
    assert first.bytes_sent == len(web.get(f"{JX}/robots.txt").content)
    assert first.start <= first.end <= second.start <= second.end <= time.monotonic()
    assert first.conn_id == second.conn_id  # keep-alive: one connection
    assert Web(mirror.port).get(f"{JX}/robots.txt") and mirror.access_log[-1].conn_id != first.conn_id
    assert all(r.day == 0 for r in log)
    mirror.clear_log()
    assert mirror.access_log == []


def test_log_shows_faults_and_day(mirror: Mirror, web: Web) -> None:
    mirror.set_day(5)
    web.get("https://www.haishu.gov.cn/robots.txt")
    rec = mirror.access_log[-1]
    assert rec.day == 5 and rec.status == 412 and rec.faults == ("F4",)


def test_log_measures_slow_responses(mirror: Mirror, web: Web) -> None:
    mirror.set_fault("www.jiaxing.gov.cn", "/robots.txt", "F1", delay=0.2)
    web.get(f"{JX}/robots.txt")
    rec = mirror.access_log[-1]
    assert rec.end - rec.start >= 0.2


def test_api_facts(mirror: Mirror) -> None:
    assert "www.haining.gov.cn" in mirror.hosts and "ruzhou.gov.cn" in mirror.hosts
    assert f"www.haining.gov.cn:80:127.0.0.1:{mirror.port}" in mirror.connect_to()
    assert mirror.url("www.jiaxing.gov.cn", "/x") == "https://www.jiaxing.gov.cn/x"


def test_cli_registers_and_serves() -> None:
    args = build_parser().parse_args(["mirror", "serve", "--port", "0", "--day", "2"])
    assert args.day == 2 and args.port == 0 and callable(args.func)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from xxgk.cli import main; main(['mirror', 'serve', '--day', '3'])"],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert "(day 3)" in line
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        r = httpx.get(f"http://127.0.0.1:{port}/robots.txt", headers={"Host": "www.haining.gov.cn"})
        assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
