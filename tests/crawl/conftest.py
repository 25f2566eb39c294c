from __future__ import annotations

import pytest

from tests.crawl.vhost import VHostServer
from xxgk.crawl.connect_to import parse_connect_to
from xxgk.crawl.http import ClientConfig, Fetcher
from xxgk.crawl.sources import Pacing

FAST = ClientConfig(pacing=Pacing(min_gap=0.05, jitter=0.02), connect_timeout=1.0, read_timeout=0.5,
                    total_timeout=2.0, attempts=3, backoff=0.05, throttle_cooldown=0.2, max_bytes=100_000)


@pytest.fixture
def srv():
    server = VHostServer()
    yield server
    server.close()


@pytest.fixture
def make_fetcher(srv):
    made = []

    def make(config: ClientConfig = FAST, **kwargs) -> Fetcher:
        kwargs.setdefault("connect_to", (parse_connect_to(f"::127.0.0.1:{srv.port}"),))
        kwargs.setdefault("allow_http", True)
        f = Fetcher(config, **kwargs)
        made.append(f)
        return f

    yield make
    for f in made:
        f.close()
