"""The crawler's HTTP client: polite, bounded, and honest about what came back.

Policy (portals.md §4.3): one request at a time per host with a jittered minimum gap
(different hosts proceed in parallel); robots.txt obeyed; connect, idle-read, response-header
and body timeouts plus a whole-exchange deadline that no slow server can stretch, however
slowly it drips its status line, headers or body (F1; :mod:`xxgk.crawl.deadline`); a time
budget per host and per night, past which fetches are ``deferred`` to the next night
instead of started; at most ``attempts`` tries, retrying only
network errors, short reads, 408, 429 and 5xx, with exponential backoff that never undercuts
``Retry-After`` (F2); 404/410 never retried; 403/429 slow the host down and, after
``breaker`` in a row, close it for the night (F3); challenge pages close it at once and are
never executed (F4, F5); redirects followed by hand so every hop is paced, kept on the
allowlist and checked for loops with the cookie jar in mind (F6, F7); conditional GET with
stored validators; a streamed size cap; short reads discarded (F8); attachments judged by
their magic bytes (F10). Every call returns a :class:`FetchResult` whose ``outcome`` is one
of :data:`OUTCOMES`; nothing raises for a bad site.
"""

from __future__ import annotations

import email.utils
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from xxgk import charset
from xxgk.crawl import classify
from xxgk.crawl.connect_to import ConnectTo, ConnectToTransport, PrivateAddressError
from xxgk.crawl.deadline import Deadline, DeadlineExceeded, earliest, until
from xxgk.crawl.robots import RobotsPolicy, policy_from_answer
from xxgk.crawl.sources import Pacing
from xxgk.extract import sniff

DEFAULT_USER_AGENT = "xxgk-crawler/0.1 (+https://github.com/xxgk/xxgk; annual-report research; polite)"
ROBOTS_AGENT = "xxgk-crawler"

#: Every outcome a fetch can have. Only ``ok`` and ``not_modified`` carry usable content.
OUTCOMES = (
    "ok",                   # 2xx with the content that was asked for
    "not_modified",         # 304 to a conditional GET: the stored copy is current
    "not_found",            # 404 / 410 (never retried)
    "soft_404",             # 200 that says "not found", or a redirect to the home page
    "challenge",            # 412/512/521 or a JS/cookie challenge page: host closed tonight
    "blocked",              # 403 (counts toward the host's circuit breaker)
    "throttled",            # 429 still after the last attempt
    "host_skipped",         # not attempted: the host was closed earlier tonight
    "robots_denied",        # robots.txt forbids it (or robots.txt answered 5xx / not at all)
    "off_allowlist",        # host (or a redirect's host) not declared for the source
    "private_address",      # an unmapped host resolved to a private/loopback address
    "tls_error",            # certificate or handshake failure (never retried)
    "too_large",            # body exceeded the size cap; nothing kept
    "truncated",            # short read on the last attempt; nothing kept
    "redirect_loop",        # too many redirects, or a repeated hop with nothing new to send
    "transient_failed",     # timeouts / 5xx / connection errors on every attempt, or a deadline passed
    "deferred",             # not started (or cut off): the host's or the night's time budget is spent
    "attachment_not_file",  # a file was promised, HTML (or other text) came back
    "http_error",           # any other 4xx
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class ClientConfig:
    user_agent: str = DEFAULT_USER_AGENT
    pacing: Pacing = field(default_factory=Pacing)
    connect_timeout: float = 10.0      # TCP connect (and TLS handshake)
    read_timeout: float = 30.0         # silence between two reads (retried: the server may be busy)
    header_timeout: float = 60.0       # request start to the end of the response headers
    body_timeout: float = 120.0        # end of the headers to the end of the body
    total_timeout: float = 120.0       # one HTTP exchange, connect to last byte
    host_budget: float | None = 3600.0     # wall time one host may take per night; None: unlimited
    night_budget: float | None = 18000.0   # wall time of the whole night's fetching; None: unlimited
    attempts: int = 3
    backoff: float = 2.0               # delay before the 2nd attempt; doubles after that
    max_retry_after: float = 120.0     # a longer Retry-After means: give up tonight
    throttle_cooldown: float = 30.0    # wait after a 429 that names no Retry-After
    max_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 10
    breaker: int = 3                   # consecutive 403/429 that close a host for the night


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str
    method: str
    outcome: str
    started_at: datetime
    final_url: str = ""
    status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    media_type: str | None = None
    attempts: int = 0
    elapsed: float = 0.0
    detail: str = ""

    @property
    def has_body(self) -> bool:
        return self.outcome == "ok" and self.body is not None

    def text(self, forced_charset: str | None = None) -> str:
        return charset.decode(self.body or b"", self.content_type, forced_charset)[0]


class _HostState:
    """Pacing, circuit breaker and robots verdict of one host for one night."""

    def __init__(self, pacing: Pacing, rng: random.Random, budget_end: Deadline | None) -> None:
        self.lock = threading.Lock()          # held for the duration of a request
        self.state_lock = threading.Lock()    # guards the fields below
        self.robots_lock = threading.Lock()   # one robots.txt load per host
        self.pacing = pacing
        self.rng = rng
        self.slow_factor = 1.0
        self.next_at = 0.0
        self.closed: str | None = None
        self.blocks_in_row = 0
        self.robots: RobotsPolicy | None = None
        self.robots_outcome = ""  # outcome of the robots.txt fetch
        self.robots_detail = ""
        self.budget_end = budget_end  # the host's time budget, counted from its first request

    def gap(self) -> float:
        return self.pacing.min_gap * self.slow_factor + self.rng.uniform(0.0, self.pacing.jitter)

    @contextmanager
    def slot(self, not_after: Deadline | None = None) -> Iterator[None]:
        """One request at a time; start no earlier than the previous end plus the gap. A
        start that would fall after ``not_after`` raises instead of sleeping until then."""
        with self.lock:
            wait = self.next_at - time.monotonic()
            if not_after is not None and time.monotonic() + max(wait, 0.0) >= not_after.at:
                raise _Final(not_after.outcome, None, not_after.reason)
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                with self.state_lock:
                    self.next_at = max(self.next_at, time.monotonic() + self.gap())

    def defer(self, delay: float) -> None:
        with self.state_lock:
            self.next_at = max(self.next_at, time.monotonic() + delay)

    def close(self, reason: str) -> None:
        with self.state_lock:
            self.closed = self.closed or reason


class _Retry(Exception):
    """Internal: an attempt failed in a way worth another try."""

    def __init__(self, outcome: str, status: int | None, detail: str, wait: float = 0.0) -> None:
        super().__init__(detail)
        self.outcome, self.status, self.detail, self.wait = outcome, status, detail, wait


class _Final(_Retry):
    """Internal: a failure not to be retried tonight (cap exceeded, private address, TLS, a
    deadline passed: a server slow enough to miss one would only spend the budget again)."""


class Fetcher:
    """Thread-safe: one instance per night, shared by the per-host workers."""

    def __init__(self, config: ClientConfig = ClientConfig(), *, connect_to: tuple[ConnectTo, ...] = (),
                 allow_http: bool = False, host_pacing: Mapping[str, Pacing] | None = None,
                 host_budgets: Mapping[str, float | None] | None = None,
                 on_robots: Callable[[FetchResult], None] | None = None,
                 rng: random.Random | None = None) -> None:
        self.config = config
        self.host_pacing = dict(host_pacing or {})
        self.host_budgets = dict(host_budgets or {})
        self.night_end = None if config.night_budget is None else Deadline(
            time.monotonic() + config.night_budget, "deferred",
            f"night time budget ({config.night_budget:g} s) spent: deferred to the next night")
        self.on_robots = on_robots
        self.rng = rng or random.Random()
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self.client = httpx.Client(
            transport=ConnectToTransport(connect_to, allow_http=allow_http),
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            headers={"User-Agent": config.user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- host state ---------------------------------------------------------------------

    def host_state(self, host: str) -> _HostState:
        with self._hosts_lock:
            if host not in self._hosts:
                pacing = self.host_pacing.get(host, self.config.pacing)
                budget = self.host_budgets.get(host, self.config.host_budget)
                end = None if budget is None else Deadline(
                    time.monotonic() + budget, "deferred",
                    f"time budget of {host} ({budget:g} s) spent: deferred to the next night")
                self._hosts[host] = _HostState(pacing, random.Random(self.rng.random()), end)
            return self._hosts[host]

    def budget_end(self, state: _HostState) -> Deadline | None:
        """The earlier of the host's and the night's budget ends."""
        ends = [d for d in (state.budget_end, self.night_end) if d is not None]
        return earliest(*ends) if ends else None

    def closed_hosts(self) -> dict[str, str]:
        """Hosts closed for the rest of the night, with the reason (for alerts)."""
        with self._hosts_lock:
            return {h: s.closed for h, s in self._hosts.items() if s.closed}

    # -- public ---------------------------------------------------------------------------

    def fetch(self, url: str, *, allowed_hosts: frozenset[str], method: str = "GET",
              data: Mapping[str, str] | None = None, validators: Validators | None = None,
              expect: str = "page", ext_hint: str = "") -> FetchResult:
        """Fetch ``url``. ``expect`` is ``page`` (HTML/JSON: check for challenges and soft
        404s) or ``file`` (an attachment: check the magic bytes)."""
        started = datetime.now(UTC)
        base = FetchResult(url=url, method=method, outcome="ok", started_at=started, final_url=url)
        host = (urlsplit(url).hostname or "").lower()
        if host not in allowed_hosts:
            return replace(base, outcome="off_allowlist", detail=f"{host} is not declared for this source")
        state = self.host_state(host)
        if state.closed:
            return replace(base, outcome="host_skipped", detail=f"host closed tonight: {state.closed}")
        budget = self.budget_end(state)
        if budget is not None and time.monotonic() >= budget.at:
            return replace(base, outcome=budget.outcome, detail=budget.reason)
        refusal = self._robots_refusal(url, state, allowed_hosts)
        if state.closed:
            return replace(base, outcome="host_skipped", detail=f"host closed tonight: {state.closed}")
        if refusal is not None:
            return replace(base, outcome=refusal[0], detail=refusal[1])
        return self._with_retries(base, state, allowed_hosts, data, validators, expect, ext_hint)

    # -- internals ------------------------------------------------------------------------

    def _robots_refusal(self, url: str, state: _HostState, allowed_hosts: frozenset[str]) -> tuple[str, str] | None:
        """Why robots.txt keeps ``url`` from being fetched tonight: ``(outcome, detail)``, or None."""
        robots = self._robots(url, state, allowed_hosts)
        if robots.allows(url, ROBOTS_AGENT):
            return None
        if state.robots_outcome in ("private_address", "tls_error", "deferred"):  # the host itself is unusable
            return state.robots_outcome, state.robots_detail
        return "robots_denied", robots.reason

    def _robots(self, url: str, state: _HostState, allowed_hosts: frozenset[str]) -> RobotsPolicy:
        with state.robots_lock:
            if state.robots is None:
                state.robots = self._load_robots(url, state, allowed_hosts)
            return state.robots

    def _load_robots(self, url: str, state: _HostState, allowed_hosts: frozenset[str]) -> RobotsPolicy:
        """One attempt (a robots.txt that needs retries is treated as unavailable tonight)."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        base = FetchResult(url=robots_url, method="GET", outcome="ok",
                           started_at=datetime.now(UTC), final_url=robots_url)
        t0 = time.monotonic()
        result = self._try(base, state, allowed_hosts, None, None, "robots", "", max_redirects=5)
        result = replace(result, attempts=1, elapsed=time.monotonic() - t0)
        state.robots_outcome, state.robots_detail = result.outcome, result.detail
        if result.outcome == "ok":
            policy = policy_from_answer(result.status, result.text())
        elif result.outcome in ("soft_404", "redirect_loop"):
            policy = policy_from_answer(404, None)  # RFC 9309: unavailable means unrestricted
        elif result.outcome == "challenge":
            policy = policy_from_answer(None, None)
        else:
            policy = policy_from_answer(result.status, None)
        delay = policy.crawl_delay(ROBOTS_AGENT)
        if delay and delay > state.pacing.min_gap:
            state.pacing = Pacing(min_gap=delay, jitter=state.pacing.jitter)
        if self.on_robots is not None:
            self.on_robots(replace(result, detail="; ".join(filter(None, (result.detail, policy.reason)))))
        return policy

    def _try(self, base: FetchResult, state: _HostState, allowed_hosts: frozenset[str],
             data: Mapping[str, str] | None, validators: Validators | None, expect: str,
             ext_hint: str, max_redirects: int | None = None) -> FetchResult:
        """One attempt with its failure turned into a result (for callers that do not retry)."""
        try:
            return self._attempt(base, state, allowed_hosts, data, validators, expect, ext_hint, max_redirects)
        except _Retry as r:
            return replace(base, outcome=r.outcome, status=r.status, detail=r.detail)

    def _with_retries(self, base: FetchResult, state: _HostState, allowed_hosts: frozenset[str],
                      data: Mapping[str, str] | None, validators: Validators | None, expect: str,
                      ext_hint: str) -> FetchResult:
        cfg = self.config
        t0 = time.monotonic()
        last: _Retry | None = None
        for attempt in range(1, cfg.attempts + 1):
            try:
                result = self._attempt(base, state, allowed_hosts, data, validators, expect, ext_hint)
                return replace(result, attempts=attempt, elapsed=time.monotonic() - t0)
            except _Final as f:
                return replace(base, outcome=f.outcome, status=f.status, detail=f.detail,
                               attempts=attempt, elapsed=time.monotonic() - t0)
            except _Retry as r:
                last = r
            if state.closed or attempt == cfg.attempts:
                break
            delay = max(cfg.backoff * 2 ** (attempt - 1) * (1 + 0.25 * self.rng.random()), last.wait)
            if last.wait > cfg.max_retry_after:
                last = _Retry(last.outcome, last.status, last.detail + f"; Retry-After {last.wait:.0f}s too long")
                break
            state.defer(delay)
        assert last is not None
        return replace(base, outcome=last.outcome, status=last.status, detail=last.detail,
                       attempts=attempt, elapsed=time.monotonic() - t0)

    def _attempt(self, base: FetchResult, state: _HostState, allowed_hosts: frozenset[str],
                 data: Mapping[str, str] | None, validators: Validators | None, expect: str,
                 ext_hint: str, max_redirects: int | None = None) -> FetchResult:
        """One try, following redirects by hand. Raises :class:`_Retry` for retryable failures."""
        cfg = self.config
        limit = cfg.max_redirects if max_redirects is None else max_redirects
        url, method, body_data = base.url, base.method, data
        seen: set[tuple[str, str, str]] = set()
        for _hop in range(limit + 1):
            host = (urlsplit(url).hostname or "").lower()
            if host not in allowed_hosts:
                return replace(base, outcome="off_allowlist", final_url=url, detail=f"redirect to {host}")
            hop_state = state if host == (urlsplit(base.url).hostname or "").lower() else self.host_state(host)
            if hop_state.closed:
                return replace(base, outcome="host_skipped", final_url=url, detail=f"host closed: {hop_state.closed}")
            if hop_state is not state and expect != "robots":  # a redirect to another host obeys its robots.txt
                refusal = self._robots_refusal(url, hop_state, allowed_hosts)
                if refusal is not None:
                    return replace(base, outcome=refusal[0], final_url=url, detail=refusal[1])
            headers = {}
            if validators and method == "GET":
                if validators.etag:
                    headers["If-None-Match"] = validators.etag
                if validators.last_modified:
                    headers["If-Modified-Since"] = validators.last_modified
            request = self.client.build_request(method, url, data=body_data, headers=headers)
            key = (method, url, request.headers.get("cookie", ""))
            if key in seen:
                return replace(base, outcome="redirect_loop", final_url=url, detail=f"loop back to {url}")
            seen.add(key)
            status, resp_headers, body = self._send(request, hop_state)
            if status in REDIRECT_STATUSES and resp_headers.get("location"):
                target = urljoin(url, resp_headers["location"].strip())
                if classify.redirected_home(urlsplit(url).path, urlsplit(target).path) and \
                        urlsplit(target).hostname == urlsplit(url).hostname:
                    return replace(base, outcome="soft_404", status=status, final_url=target,
                                   detail=f"redirected to the home page {target}")
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, body_data = "GET", None
                url = target
                continue
            return self._judge(replace(base, final_url=url), status, resp_headers, body, hop_state,
                               expect, ext_hint)
        return replace(base, outcome="redirect_loop", final_url=url, detail=f"more than {limit} redirects")

    def _send(self, request: httpx.Request, state: _HostState) -> tuple[int, httpx.Headers, bytes]:
        """One HTTP exchange inside the host's pacing slot, every phase under a deadline:
        headers within ``header_timeout`` of the start, the body within ``body_timeout`` of
        the headers, all of it within ``total_timeout`` and the host's and night's budgets."""
        cfg = self.config
        budget = self.budget_end(state)
        with state.slot(not_after=budget):
            t0 = time.monotonic()
            total = Deadline(t0 + cfg.total_timeout, "transient_failed",
                             f"deadline: request not complete within {cfg.total_timeout:g} s")
            headers_by = Deadline(t0 + cfg.header_timeout, "transient_failed",
                                  f"deadline: no complete response headers within {cfg.header_timeout:g} s")
            try:
                with until(earliest(headers_by, total, budget)):
                    response = self.client.send(request, stream=True)
            except httpx.TimeoutException as e:
                if isinstance(e.__cause__, DeadlineExceeded):
                    passed = e.__cause__.deadline
                    raise _Final(passed.outcome, None, passed.reason) from e
                raise _Retry("transient_failed", None, f"timeout: {type(e).__name__}") from e
            except httpx.ConnectError as e:
                if isinstance(e.__cause__, PrivateAddressError):
                    raise _Final("private_address", None, str(e)) from e
                if _is_tls(e):
                    raise _Final("tls_error", None, str(e)) from e
                raise _Retry("transient_failed", None, f"connect: {e}") from e
            except httpx.TransportError as e:
                raise _Retry("transient_failed", None, f"{type(e).__name__}: {e}") from e
            try:
                declared = _int(response.headers.get("content-length"))
                if declared is not None and declared > cfg.max_bytes:
                    raise _Final("too_large", response.status_code, f"Content-Length {declared} > cap")
                body_by = Deadline(time.monotonic() + cfg.body_timeout, "transient_failed",
                                   f"deadline: body not complete within {cfg.body_timeout:g} s")
                chunks: list[bytes] = []
                size = 0
                try:
                    with until(earliest(body_by, total, budget)):
                        for chunk in response.iter_bytes():
                            size += len(chunk)
                            if size > cfg.max_bytes:
                                raise _Final("too_large", response.status_code, f"body > {cfg.max_bytes} bytes")
                            chunks.append(chunk)
                except httpx.TimeoutException as e:
                    if isinstance(e.__cause__, DeadlineExceeded):
                        passed = e.__cause__.deadline
                        raise _Final(passed.outcome, response.status_code, passed.reason) from e
                    raise _Retry("transient_failed", response.status_code, "read timeout in body") from e
                except (httpx.RemoteProtocolError, httpx.ReadError) as e:
                    raise _Retry("truncated", response.status_code, f"short read: {e}") from e
                encoded = "content-encoding" in response.headers
                if declared is not None and not encoded and response.num_bytes_downloaded != declared:
                    raise _Retry("truncated", response.status_code,
                                 f"got {response.num_bytes_downloaded} of {declared} bytes")
                return response.status_code, response.headers, b"".join(chunks)
            finally:
                response.close()

    def _judge(self, result: FetchResult, status: int, headers: httpx.Headers, body: bytes,
               state: _HostState, expect: str, ext_hint: str) -> FetchResult:
        cfg = self.config
        result = replace(result, status=status, content_type=headers.get("content-type"),
                         etag=headers.get("etag"), last_modified=headers.get("last-modified"))
        media = sniff.sniff(body, ext_hint) if body else None
        textual = media in (sniff.HTML, sniff.TEXT, sniff.JSON, sniff.BINARY, None)
        text = charset.decode(body, result.content_type)[0] if body and textual else ""
        if classify.is_challenge(status, text):
            state.close(f"challenge ({status})")
            return replace(result, outcome="challenge", detail=f"challenge page, status {status}")
        if status in (403, 429):
            with state.state_lock:
                state.blocks_in_row += 1
                if status == 429:
                    state.slow_factor *= 2
                tripped = state.blocks_in_row >= cfg.breaker
            if tripped:
                state.close(f"{cfg.breaker} consecutive 403/429")
            if status == 403:
                return replace(result, outcome="blocked", detail="403")
            wait = _retry_after(headers.get("retry-after"))
            raise _Retry("throttled", status, "429", wait if wait is not None else cfg.throttle_cooldown)
        if status < 400:
            with state.state_lock:
                state.blocks_in_row = 0
        if status == 304:
            return replace(result, outcome="not_modified")
        if status in (404, 410):
            return replace(result, outcome="not_found")
        if status in RETRY_STATUSES or status >= 500:
            raise _Retry("transient_failed", status, f"HTTP {status}", _retry_after(headers.get("retry-after")) or 0.0)
        if status >= 300:
            return replace(result, outcome="http_error", detail=f"HTTP {status} without usable Location")
        if status >= 400:
            return replace(result, outcome="http_error", detail=f"HTTP {status}")
        if expect == "robots":
            return replace(result, body=body)
        result = replace(result, body=body, media_type=media)
        if expect == "file":
            if media not in sniff.FILE_TYPES:
                return replace(result, outcome="attachment_not_file", body=None,
                               detail=f"promised a file, got {media}")
            return result
        if media == sniff.HTML and classify.soft_404(text):
            return replace(result, outcome="soft_404", body=None, detail="page says not found")
        return result


def _is_tls(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, ssl.SSLError):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
