"""robots.txt policy per RFC 9309 (fault F17), parsed by Protego (the parser Scrapy uses).

Protego implements the RFC's matching: the most specific user-agent group applies, the longest
matching rule wins (``Allow`` on a tie), ``*`` matches any run of characters and ``$`` anchors
the end of the path, so ``Disallow: /*.pdf$`` forbids ``/a/b.pdf`` but not ``/a/b.pdf?x=1``.
(CPython's ``urllib.robotparser`` ignores both and takes the first matching rule.)

How the answer is read is ours: a 4xx means "no restrictions"; a 429 or 5xx answer or an
unreachable host means "disallow everything" (the RFC's rule). The decision is made once per
host per night.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego


@dataclass(frozen=True)
class RobotsPolicy:
    rules: Protego | None  # None: the verdict is ``allow_all``
    allow_all: bool
    reason: str

    def allows(self, url: str, agent: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return self.rules.can_fetch(url, agent)

    def crawl_delay(self, agent: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(agent)
        return float(delay) if delay is not None else None


def policy_from_answer(status: int | None, text: str | None) -> RobotsPolicy:
    """``status`` None means no HTTP answer at all (timeouts, refused, challenge)."""
    if status is None:
        return RobotsPolicy(None, False, "robots.txt unreachable: disallow all")
    if 200 <= status < 300:
        return RobotsPolicy(Protego.parse(text or ""), True, f"robots.txt {status}")
    if 400 <= status < 500 and status != 429:  # 429 is "come back later", like a 5xx
        return RobotsPolicy(None, True, f"robots.txt {status}: no restrictions")
    return RobotsPolicy(None, False, f"robots.txt {status}: disallow all")
