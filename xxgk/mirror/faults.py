"""Fault injection per host and path: the failure catalogue F1–F20 of portals.md §5.3.

A rule names an F-id, a host glob and a path glob, fault parameters, and gating shared by all
faults: ``times`` (fire on at most N requests), ``skip`` (let the first N matches through),
``every`` (fire on every N-th match), ``rate`` (probability, seeded), ``days`` (simulated days
on which the rule is live). Three kinds of effect:

* *answer* faults replace the response before any family runs (F2–F7, F10, F11, F15, F17, F19);
* *flag* faults are parameters the families consult (F12 token life, F13 duplicated records,
  F14 broken deep paging, F20 a report appearing mid-crawl);
* *delivery* faults change how the family's response goes out (F1 slow, F8 truncated, F9
  charset lies).

F16 (changing chrome) and F18 (spam mirror) are properties of the simulated sites and always on.
"""

from __future__ import annotations

import fnmatch
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from xxgk.mirror.messages import Request, Response

PARAMS: dict[str, dict[str, object]] = {
    "F1": {"delay": 3.0, "drip": 0.0, "chunk": 512, "head_drip": 0.0},
    "F2": {"status": 503, "retry_after": None},
    "F3": {"status": 429, "limit": 5, "window": 10.0, "retry_after": None, "per": "host"},
    "F4": {"mode": "412"},
    "F5": {},
    "F6": {"cookie": "CT6T"},
    "F7": {"mode": "loop", "length": 11},
    "F8": {"mode": "short", "fraction": 0.5},
    "F9": {"mode": "a", "encoding": "gbk", "status": 404},
    "F10": {"content_type": "text/html"},
    "F11": {"status": 404},
    "F12": {"ttl": 60.0},
    "F13": {"mode": "double"},
    "F14": {"mode": "page1"},
    "F15": {"mode": "text"},
    "F17": {"status": 503},
    "F19": {"mode": "reset", "to": ""},
    "F20": {"after": 1},
}
MODES: dict[tuple[str, str], frozenset[str]] = {
    ("F3", "per"): frozenset({"host", "url"}),
    ("F4", "mode"): frozenset({"412", "empty"}),
    ("F7", "mode"): frozenset({"loop", "chain"}),
    ("F8", "mode"): frozenset({"short", "chunked"}),
    ("F9", "mode"): frozenset({"a", "b", "c", "d"}),
    ("F13", "mode"): frozenset({"double"}),
    ("F14", "mode"): frozenset({"page1", "stub", "empty"}),
    ("F15", "mode"): frozenset({"text", "redirect_home", "home"}),
    ("F19", "mode"): frozenset({"reset", "redirect"}),
}
ALWAYS_ON = {
    "F16": "page chrome (pageTimestamp, view counters, Maketime) changes on every response",
    "F18": "sim-mirror.example.com copies report pages and is linked from 嘉兴's and 汝州's lists",
}
FLAGS = frozenset({"F12", "F13", "F14", "F20"})
DELIVERY = frozenset({"F1", "F8", "F9"})
HOP = "_wafhop"  # query parameter the F7 redirect chain counts hops in


@dataclass
class Fault:
    fid: str
    host: str
    path: str
    params: dict[str, object]
    times: int | None = None
    skip: int = 0
    every: int = 0
    rate: float = 1.0
    days: tuple[int, ...] | None = None
    matched: int = 0
    fired: int = 0
    _hits: dict[str, deque] = field(default_factory=dict)

    def matches(self, host: str, target: str, day: int) -> bool:
        if self.days is not None and day not in self.days:
            return False
        subject = target if "?" in self.path else target.split("?", 1)[0]
        return fnmatch.fnmatchcase(host, self.host) and fnmatch.fnmatchcase(subject, self.path)

    def fire(self, req: Request, rng: random.Random) -> bool:
        """Count a match and say whether the fault acts on this request."""
        self.matched += 1
        if self.matched <= self.skip or (self.times is not None and self.fired >= self.times):
            return False
        if self.fid == "F3":
            if not self._throttled(req):
                return False
        elif (self.every and (self.matched - self.skip) % self.every) or rng.random() >= self.rate:
            return False
        self.fired += 1
        return True

    def _throttled(self, req: Request) -> bool:
        """Sliding window: more than ``limit`` requests within ``window`` seconds."""
        key = req.host if self.params["per"] == "host" else req.target
        hits = self._hits.setdefault(key, deque())
        now = time.monotonic()
        hits.append(now)
        while hits and hits[0] < now - float(self.params["window"]):
            hits.popleft()
        return len(hits) > int(self.params["limit"])


class FaultBook:
    """The live fault rules of a simulator (thread-safe)."""

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def add(
        self,
        host: str,
        path: str,
        fid: str,
        *,
        times: int | None = None,
        skip: int = 0,
        every: int = 0,
        rate: float = 1.0,
        days: list[int] | tuple[int, ...] | None = None,
        **params: object,
    ) -> Fault:
        if fid in ALWAYS_ON:
            raise ValueError(f"{fid} is always on: {ALWAYS_ON[fid]}")
        if fid not in PARAMS:
            raise ValueError(f"unknown fault {fid}")
        unknown = set(params) - set(PARAMS[fid])
        if unknown:
            raise TypeError(f"{fid} takes no parameter(s) {sorted(unknown)}; known: {sorted(PARAMS[fid])}")
        for name, value in params.items():
            allowed = MODES.get((fid, name))
            if allowed is not None and value not in allowed:
                raise ValueError(f"{fid} {name}={value!r}: one of {sorted(allowed)}")
        rule = Fault(
            fid=fid,
            host=host.lower(),
            path="/robots.txt" if fid == "F17" else path,
            params={**PARAMS[fid], **params},
            times=times,
            skip=skip,
            every=every,
            rate=rate,
            days=tuple(days) if days is not None else None,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def firing(self, req: Request, day: int) -> list[Fault]:
        with self._lock:
            return [f for f in self._rules if f.matches(req.host, req.target, day) and f.fire(req, self._rng)]


# --- answers ---------------------------------------------------------------------------


def _nginx(status: int, reason: str) -> Response:
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    return Response.html(page, status)


REASONS = {
    403: "Forbidden",
    404: "Not Found",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
    521: "Web Server Is Down",
}


def error_page(status: int) -> Response:
    return _nginx(status, REASONS.get(status, "Error"))


def challenge_412(mode: str = "412") -> Response:
    """瑞数-style JS challenge: inline ``$_ts`` script, external JS, a cookie; never passable
    without running the script. ``mode="empty"``: the empty shell a failed challenge leaves."""
    if mode == "empty":
        return Response.html("<html><head><title></title></head><body></body></html>", 200)
    page = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<meta http-equiv="Pragma" content="no-cache"><meta http-equiv="Expires" content="0">'
        "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};"
        '$_ts.nsd=86221;$_ts.cd="qEprrrAlqGqEqqLlqnaEcr0lqr9lqGqqqq3EcGAErr0lqGqlqq3Ec8AlqqqqqqqEcGAErrAkrqaEcraErrAEr";</script>'
        '<script type="text/javascript" charset="utf-8" src="/Rpd2IGqmQ3tK/dN3p1y7yP6vS.b4c45da.js" r=\'m\'></script>'
        "</head><body></body></html>"
    )
    r = Response.html(page, 412)
    r.set_header(
        "Set-Cookie",
        "FSSBBIl1UgzbN7N80S=Hn7wPbQ0sHl.dMlDfBpA0bYcWz4OJ6H1; Path=/; expires=Fri, 01 Jan 2100 00:00:00 GMT; HttpOnly",
    )
    return r


JSL_CLEARANCE = "1700000000.123|0|SimJslClearanceToken%3D"


def challenge_521() -> Response:
    """加速乐: 521 with a script that sets ``__jsl_clearance`` and reloads."""
    page = (
        "<html><body><script>document.cookie=('_')+('_jsl_clear')+('ance=')+"
        f"'{JSL_CLEARANCE.split('|', 1)[0]}'+'|0|SimJslClearanceToken%3D;max-age=3600;path=/';"
        "location.href=location.pathname+location.search</script></body></html>"
    )
    r = Response.html(page, 521)
    r.set_header("Set-Cookie", "__jsluid_h=0a1b2c3d4e5f60718293a4b5c6d7e8f9; max-age=31536000; path=/; HttpOnly")
    return r


def soft404(mode: str, home: Callable[[], Response]) -> Response:
    """Not-found pages that do not say 404 in the status line (F15)."""
    if mode == "redirect_home":
        return Response.redirect("/", 301)
    if mode == "home":
        return home()
    page = (
        '<html><head><meta charset="utf-8"><title>提示信息</title></head>'
        '<body><div class="error">非法请求 404！</div></body></html>'
    )
    return Response.html(page, 200)


def answer(f: Fault, req: Request, home: Callable[[], Response], aliases: tuple[str, ...]) -> Response | None:
    """The response an *answer* fault puts in place of the site's, or None to let it through."""
    p = f.params
    fid = f.fid
    if fid == "F2":
        r = error_page(int(p["status"]))
        if p["retry_after"] is not None:
            r.set_header("Retry-After", str(p["retry_after"]))
        return r
    if fid == "F3":
        r = error_page(int(p["status"]))
        if p["retry_after"] is not None:
            r.set_header("Retry-After", str(p["retry_after"]))
        return r
    if fid == "F4":
        return challenge_412(str(p["mode"]))
    if fid == "F5":
        return None if req.cookies.get("__jsl_clearance") == JSL_CLEARANCE else challenge_521()
    if fid == "F6":
        name = str(p["cookie"])
        if req.cookies.get(name):
            return None
        r = Response.redirect(req.target, 302)
        r.set_header("Set-Cookie", f"{name}=6aZgnqb2pJzVp1Xq; path=/")
        return r
    if fid == "F7":
        return _redirect_loop(req, str(p["mode"]), int(p["length"]))
    if fid == "F10":
        page = (
            '<html><head><meta charset="utf-8"><title>错误提示</title></head>'
            "<body><p>您访问的文件不存在或已被删除！</p></body></html>"
        )
        r = Response.html(page, 200)
        r.set_header("Content-Type", str(p["content_type"]))
        return r
    if fid in ("F11", "F17"):
        return error_page(int(p["status"]))
    if fid == "F15":
        return soft404(str(p["mode"]), home)
    if fid == "F19":
        if p["mode"] == "reset":
            return Response(status=0, reset=True)
        to = str(p["to"]) or (aliases[0] if aliases else req.host)
        return Response.redirect(f"http://{to}{req.target}", 301)
    return None


def _redirect_loop(req: Request, mode: str, length: int) -> Response | None:
    """``loop``: A → A?hop=1 → A → … forever; ``chain``: ``length`` hops, then the page."""
    hop = int(req.query.get(HOP, ["0"])[0] or 0)
    base = re.sub(rf"[?&]{HOP}=\d+", "", req.target)
    sep = "&" if "?" in base else "?"
    if mode == "loop":
        return Response.redirect(base if hop else f"{base}{sep}{HOP}=1", 302)
    if hop >= length:
        return None
    return Response.redirect(f"{base}{sep}{HOP}={hop + 1}", 302)


# --- delivery --------------------------------------------------------------------------

_META = re.compile(r"<meta[^>]*charset\s*=\s*[\"']?[\w-]+[\"']?[^>]*>", re.I)


def deliver(f: Fault, resp: Response) -> Response:
    """Apply a delivery fault to the family's response."""
    p = f.params
    if f.fid == "F1":
        resp.delay, resp.drip, resp.drip_chunk = float(p["delay"]), float(p["drip"]), int(p["chunk"])
        resp.head_drip = float(p["head_drip"])
    elif f.fid == "F8":
        resp.truncate = float(p["fraction"])
        resp.chunked = p["mode"] == "chunked"
    elif f.fid == "F9":
        return _charset_lie(resp, str(p["mode"]), str(p["encoding"]), int(p["status"]))
    return resp


def _charset_lie(resp: Response, mode: str, encoding: str, status: int) -> Response:
    """(a) header utf-8, body GBK; (b) meta gb2312, body GBK (with GBK-only characters);
    (c) no charset anywhere; (d) an error page declared iso-8859-1 holding UTF-8 Chinese."""
    if mode == "d":
        page = (
            "<html><head><title>错误</title></head>"
            "<body><h1>页面不存在</h1><p>您访问的页面不存在，请返回首页。</p></body></html>"
        )
        r = Response(status, page.encode("utf-8"), [("Content-Type", "text/html; charset=iso-8859-1")])
        r.faults = resp.faults
        return r
    if resp.text is None:
        return resp
    if mode == "a":
        text, ctype, enc = _META.sub('<meta charset="gbk">', resp.text), "text/html; charset=utf-8", "gbk"
    elif mode == "b":
        text, ctype, enc = _META.sub('<meta charset="gb2312">', resp.text), "text/html", "gbk"
        if not _META.search(text):
            text = text.replace("<head>", '<head><meta charset="gb2312">', 1)
    else:
        text, ctype, enc = _META.sub("", resp.text), "text/html", encoding
    resp.text, resp.charset = text, enc
    resp.body = text.encode(enc, "xmlcharrefreplace")
    resp.set_header("Content-Type", ctype)
    return resp
