"""Request and response values passed between the server, the fault layer and the families.

Families build plain :class:`Response` values; *how* the bytes go out (late first byte, slow
drip, a short body, a reset) is recorded on the response by the fault layer and carried out
by the server, so a family never needs to know about faults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import formatdate
from http.cookies import SimpleCookie
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    host: str  # lower-case, port stripped
    target: str  # path + query as sent
    headers: dict[str, str]  # header names lower-cased
    body: bytes = b""
    conn_id: int = 0
    flags: dict[str, dict] = field(default_factory=dict)  # fault parameters families consult

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.target.split("?", 1)[1], keep_blank_values=True) if "?" in self.target else {}

    @property
    def form(self) -> dict[str, list[str]]:
        if "application/x-www-form-urlencoded" in self.headers.get("content-type", "") or (
            self.method == "POST" and self.body and b"=" in self.body
        ):
            return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {}

    def arg(self, name: str, default: str = "") -> str:
        """A query or form parameter (the Hanweb proxies take both)."""
        for source in (self.query, self.form):
            if name in source:
                return source[name][0]
        return default

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        jar.load(self.headers.get("cookie", ""))
        return {k: m.value for k, m in jar.items()}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None  # the decoded page when the body is HTML (fault F9 re-encodes it)
    charset: str = ""
    faults: list[str] = field(default_factory=list)  # F-ids that shaped this response
    # delivery, set by the fault layer
    delay: float = 0.0  # seconds before the status line (F1)
    drip: float = 0.0  # seconds between body chunks (F1 slow drip)
    drip_chunk: int = 512
    head_drip: float = 0.0  # seconds between the bytes of the status line and headers (F1 slowloris)
    truncate: float | None = None  # fraction of the body sent before the connection closes (F8)
    chunked: bool = False  # send with Transfer-Encoding: chunked (F8 mid-chunk close)
    reset: bool = False  # close the connection without answering (F19)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()] + [(name, value)]

    @classmethod
    def html(cls, text: str, status: int = 200, charset: str = "utf-8", declare: bool = True) -> Response:
        """An HTML page; ``declare=False`` leaves the charset out of Content-Type."""
        ctype = f"text/html; charset={charset}" if declare else "text/html"
        body = text.encode(charset, "xmlcharrefreplace")
        return cls(status, body, [("Content-Type", ctype)], text=text, charset=charset)

    @classmethod
    def data(cls, body: bytes, ctype: str, status: int = 200) -> Response:
        return cls(status, body, [("Content-Type", ctype)])

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        r = cls.html(f"<html><head><title>{status}</title></head><body>Moved</body></html>", status)
        r.set_header("Location", location)
        return r

    def validators(self, etag: str, modified: float) -> Response:
        """Static files carry ETag/Last-Modified; dynamic endpoints never do (portals.md §4.2)."""
        self.set_header("ETag", f'"{etag}"')
        self.set_header("Last-Modified", formatdate(modified, usegmt=True))
        return self
