"""One simulator for the whole mirror suite; every test starts from day 0, no faults, empty log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from xxgk.mirror import Mirror


class Web:
    """Fetch real-looking URLs from the simulator: connect to 127.0.0.1, send the Host header."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.client = httpx.Client(timeout=10, follow_redirects=False)

    def request(self, method: str, url: str, **kw: object) -> httpx.Response:
        u = urlsplit(url)
        target = u.path + (f"?{u.query}" if u.query else "")
        headers = {"Host": u.hostname or "", "User-Agent": "xxgk-test/1.0", **kw.pop("headers", {})}  # type: ignore[arg-type]
        return self.client.request(method, f"http://127.0.0.1:{self.port}{target}", headers=headers, **kw)  # type: ignore[arg-type]

    def get(self, url: str, **kw: object) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: object) -> httpx.Response:
        return self.request("POST", url, **kw)


@pytest.fixture(scope="session")
def _mirror() -> Iterator[Mirror]:
    with Mirror(day=0) as m:
        yield m


@pytest.fixture
def mirror(_mirror: Mirror) -> Iterator[Mirror]:
    _mirror.set_day(0)
    _mirror.clear_faults()
    _mirror.clear_log()
    yield _mirror
    _mirror.clear_faults()
    _mirror.set_day(0)


@pytest.fixture
def web(mirror: Mirror) -> Iterator[Web]:
    w = Web(mirror.port)
    yield w
    w.client.close()


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)
