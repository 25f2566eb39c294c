"""The HTTP server: virtual hosts by ``Host`` header on one 127.0.0.1 port, and the Python API.

Request path: the access log clock starts; the host is resolved (unknown hosts get a 404 page,
never another site); a host in challenge mode tonight answers everything with the 412 page;
fault rules fire (answers replace the site, flags reach the families, delivery faults shape the
write); robots.txt, home page and column-move redirects are common to all hosts; then the
host's family answers, or the host's own not-found behaviour does. Conditional requests get 304
where the family set validators. The server thread writes the bytes, honouring delays, drips,
truncation and resets, and logs the request.
"""

from __future__ import annotations

import itertools
import socket
import struct
import threading
import time
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from xxgk.mirror import catalogue, faults, jcms, jpaas, oss, siteserver, spam, trs
from xxgk.mirror.accesslog import AccessLog, AccessRecord
from xxgk.mirror.expected import ExpectedReport, expected_reports
from xxgk.mirror.messages import Request, Response
from xxgk.mirror.site import Night, Site

FAMILY_HANDLERS = {
    "jpaas": jpaas.handle,
    "jcms": jcms.handle,
    "trs": trs.handle,
    "trs_real": trs.handle,
    "siteserver": siteserver.handle,
    "spam": spam.handle,
    "oss": oss.handle,
}


class _State:
    """Everything the request threads share."""

    def __init__(self, cat: catalogue.Catalogue, day: int, seed: int) -> None:
        self.cat = cat
        self.night = Night(cat, day)
        self.faults = faults.FaultBook(seed)
        self.log = AccessLog()
        self.conn_ids = itertools.count(1)
        self.in_flight = 0
        self.idle = threading.Condition()

    def begin(self) -> None:
        with self.idle:
            self.in_flight += 1

    def end(self) -> None:
        with self.idle:
            self.in_flight -= 1
            self.idle.notify_all()


def dispatch(state: _State, req: Request) -> Response:
    """The response to one request, before delivery."""
    host = state.cat.resolve(req.host)
    if host is None:
        return faults.error_page(404)
    day = state.night.day
    if state.cat.challenged(host.name, day):
        r = faults.challenge_412()
        r.faults.append("F4")
        return r
    site = Site(state.night, host, req)
    firing = state.faults.firing(req, day)
    for f in firing:
        if f.fid in faults.FLAGS:
            req.flags[f.fid] = f.params
        elif f.fid not in faults.DELIVERY:
            answer = faults.answer(f, req, site.home, host.aliases)
            if answer is not None:
                answer.faults.append(f.fid)
                return answer
    resp = _route(site)
    resp = _conditional(req, resp)
    resp.faults.extend(sorted(req.flags))
    for f in firing:
        if f.fid in faults.DELIVERY:
            resp = faults.deliver(f, resp)
            resp.faults.append(f.fid)
    return resp


def _route(site: Site) -> Response:
    path = site.req.path
    if path == "/robots.txt":
        return Response.data(site.host.robots.encode(), "text/plain")
    moved = site.cat.redirect(site.host.name, path, site.day)
    if moved:
        q = site.req.target[len(path) :]
        return Response.redirect(moved + q, 301)
    resp = FAMILY_HANDLERS[site.host.family](site)
    if resp is not None:
        return resp
    if path in ("/", "/index.html", "/index.htm"):
        return site.home()
    return site.not_found()


def _conditional(req: Request, resp: Response) -> Response:
    """304 when the client's validators still match (only static pages and files send any)."""
    if resp.status != 200 or req.method not in ("GET", "HEAD"):
        return resp
    etag, modified = resp.header("ETag"), resp.header("Last-Modified")
    inm, ims = req.headers.get("if-none-match"), req.headers.get("if-modified-since")
    fresh = False
    if inm is not None and etag is not None:
        fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    elif ims is not None and modified is not None:
        try:
            fresh = parsedate_to_datetime(modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            fresh = False
    if not fresh:
        return resp
    return Response(304, b"", [(k, v) for k, v in resp.headers if k.lower() in ("etag", "last-modified")])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "nginx"

    server: _Server

    def setup(self) -> None:
        super().setup()
        self.conn_id = next(self.server.state.conn_ids)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the access log records every request."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve()

    do_POST = do_HEAD = do_GET

    def _serve(self) -> None:
        start = time.monotonic()
        self.server.state.begin()
        try:
            self._answer(start)
        finally:
            self.server.state.end()

    def _answer(self, start: float) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host", "").rsplit(":", 1)[0].lower() if headers.get("host") else ""
        req = Request(self.command, host, self.path, headers, body, self.conn_id)
        state = self.server.state
        day = state.night.day
        try:
            resp = dispatch(state, req)
        except Exception as exc:  # a simulator bug must show up as a 500, not a hung client
            resp = faults.error_page(500)
            resp.faults.append(f"bug:{type(exc).__name__}: {exc}")
        sent = self._write(resp, head=self.command == "HEAD")
        state.log.add(
            AccessRecord(
                start=start,
                end=time.monotonic(),
                host=host,
                method=self.command,
                target=self.path,
                headers=headers,
                status=resp.status,
                bytes_sent=sent,
                conn_id=self.conn_id,
                day=day,
                faults=tuple(resp.faults),
            )
        )

    def _write(self, resp: Response, head: bool) -> int:
        """Send the response as the faults want it; returns the body bytes written."""
        if resp.delay:
            time.sleep(resp.delay)
        if resp.reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return 0
        body = b"" if head else resp.body
        sent = 0
        try:
            framing = ("Transfer-Encoding", "chunked") if resp.chunked else ("Content-Length", str(len(resp.body)))
            fields = [*resp.headers, framing]  # only F8 uses chunked framing: one chunk, cut short
            if resp.head_drip:
                self._drip_head(resp.status, fields, resp.head_drip)
            else:
                self.send_response(resp.status)
                for k, v in fields:
                    self.send_header(k, v)
                self.end_headers()
            if resp.truncate is not None:
                cut = int(len(body) * resp.truncate)
                self.wfile.write((f"{len(body):x}\r\n".encode() if resp.chunked else b"") + body[:cut])
                self.wfile.flush()
                self.close_connection = True
                return cut
            step = resp.drip_chunk if resp.drip else max(len(body), 1)
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                sent += len(body[i : i + step])
                if resp.drip:
                    self.wfile.flush()
                    time.sleep(resp.drip)
        except OSError:  # the client gave up (its timeout fired, it aborted a download)
            self.close_connection = True
        return sent

    def _drip_head(self, status: int, fields: list[tuple[str, str]], every: float) -> None:
        """Slowloris (F1 ``head_drip``): the status line and headers one byte every ``every`` s."""
        reason = self.responses.get(status, ("",))[0]
        lines = [f"{self.protocol_version} {status} {reason}", *(f"{k}: {v}" for k, v in fields), "", ""]
        for byte in "\r\n".join(lines).encode("latin-1"):
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(every)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: _State) -> None:
        self.state = state
        super().__init__(("127.0.0.1", port), _Handler)


class Mirror:
    """The portal simulator, running in a background thread.

    >>> with Mirror(day=1) as m:
    ...     m.port, m.hosts
    """

    def __init__(self, day: int = 0, *, port: int = 0, catalogue_path: Path | None = None, seed: int = 0) -> None:
        self._state = _State(catalogue.load(catalogue_path), day, seed)
        self._server = _Server(port, self._state)
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> Mirror:
        self._thread = threading.Thread(target=self._server.serve_forever, name="xxgk-mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread:  # shutdown() would wait forever for a loop that never ran
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- facts -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def hosts(self) -> list[str]:
        """Every virtual host name served (aliases included)."""
        return self._state.cat.host_names

    @property
    def catalogue(self) -> catalogue.Catalogue:
        return self._state.cat

    @property
    def day(self) -> int:
        return self._state.night.day

    def connect_to(self, src_port: int = 80) -> list[str]:
        """``HOST:PORT:127.0.0.1:MIRRORPORT`` strings for ``xxgk crawl --connect-to``."""
        return [f"{h}:{src_port}:127.0.0.1:{self.port}" for h in self.hosts]

    def url(self, host: str, path: str = "/") -> str:
        """The real-looking URL of a page (what a crawler would hold)."""
        h = self._state.cat.resolve(host)
        scheme = h.scheme if h else "http"
        return f"{scheme}://{host}{path}"

    # --- scenario and faults -----------------------------------------------------------
    def set_day(self, day: int) -> None:
        """Advance (or rewind) the simulated calendar; per-night counters restart."""
        self._state.night.reset(day)

    def set_fault(self, host: str, path: str, fid: str, **params: object) -> faults.Fault:
        """Add a fault rule (see ``faults.PARAMS`` and the README); returns the live rule."""
        return self._state.faults.add(host, path, fid, **params)

    def clear_faults(self) -> None:
        self._state.faults.clear()
        self._state.night.forget_faults()

    # --- observation -------------------------------------------------------------------
    @property
    def access_log(self) -> list[AccessRecord]:
        """Records of the requests answered so far; waits (up to 5 s) for requests still being
        answered, so a client that has just read a response finds it logged."""
        with self._state.idle:
            self._state.idle.wait_for(lambda: self._state.in_flight == 0, timeout=5)
        return self._state.log.snapshot()

    def clear_log(self) -> None:
        self._state.log.clear()

    def expected_reports(self, day: int | None = None) -> set[ExpectedReport]:
        """The report versions a correct crawler finds on ``day`` (default: the current day)."""
        return expected_reports(self._state.cat, self.day if day is None else day)
