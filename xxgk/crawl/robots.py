"""robots.txt policy per RFC 9309 (fault F17), on top of ``urllib.robotparser``.

A 4xx answer means "no restrictions"; a 429 or 5xx answer or an unreachable host means "disallow
everything" (the RFC's rule, and what CPython's parser does since gh-79638). The decision is
made once per host per night.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser


@dataclass(frozen=True)
class RobotsPolicy:
    rules: RobotFileParser | None  # None: the verdict is ``allow_all``
    allow_all: bool
    reason: str

    def allows(self, url: str, agent: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return self.rules.can_fetch(agent, url)

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
        rules = RobotFileParser()
        rules.parse((text or "").splitlines())
        return RobotsPolicy(rules, True, f"robots.txt {status}")
    if 400 <= status < 500 and status != 429:  # 429 is "come back later", like a 5xx
        return RobotsPolicy(None, True, f"robots.txt {status}: no restrictions")
    return RobotsPolicy(None, False, f"robots.txt {status}: disallow all")
