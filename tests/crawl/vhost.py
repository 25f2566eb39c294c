"""A tiny virtual-host HTTP server on 127.0.0.1 for the HTTP-client tests (no mocks).

Routes are ``(host, path) -> handler``; a handler gets the request handler object and either
returns ``(status, headers, body)`` or writes the raw response itself and returns None (for
short reads and slow bodies). Every request is logged with start/end times.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Hit:
    host: str
    method: str
    path: str
    headers: dict[str, str]
    start: float
    end: float = 0.0
    status: int = 0


@dataclass
class VHostServer:
    routes: dict[tuple[str, str], Callable] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def handle_one(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                path = self.path
                hit = Hit(host, self.command, path, dict(self.headers.items()), time.monotonic())
                server.log.append(hit)
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                route = server.routes.get((host, path.split("?")[0])) or server.routes.get((host, "*"))
                if route is None:
                    result = (404, {"Content-Type": "text/plain"}, b"no such page")
                else:
                    try:
                        result = route(self)
                    except (BrokenPipeError, ConnectionResetError):  # the client gave up on a slow answer
                        self.close_connection = True
                        result = None
                if result is not None:
                    status, headers, body = result
                    hit.status = status
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                hit.end = time.monotonic()

            do_GET = do_POST = handle_one

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def hits(self, host: str | None = None, path: str | None = None) -> list[Hit]:
        return [h for h in self.log if (host is None or h.host == host) and (path is None or h.path == path)]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def page(body: str | bytes, status: int = 200, ctype: str = "text/html; charset=utf-8",
         **headers: str) -> Callable:
    data = body.encode("utf-8") if isinstance(body, str) else body
    hdrs = {"Content-Type": ctype, **{k.replace("_", "-"): v for k, v in headers.items()}}
    return lambda h: (status, hdrs, data)
