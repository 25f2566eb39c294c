"""curl-style ``--connect-to HOST1:PORT1:HOST2:PORT2`` for httpx.

The request keeps its real URL and ``Host`` header (so every URL rule of a portal family is
exercised and cookies, robots.txt and the raw-store locators carry the real host); only the
TCP connection goes elsewhere. That is what lets tests and users crawl a local mirror of a
portal. With ``allow_http`` an ``https://`` URL whose host is mapped is sent as plain HTTP
(no TLS, so no SNI) to the mapped address: the bundled mirror speaks only plain HTTP.

Unmapped hosts are resolved here and refused when they resolve to a private, loopback,
link-local or otherwise non-public address, so a hostile DNS answer or redirect cannot
point the crawler into the local network; an explicit mapping is the only way there.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from dataclasses import dataclass

import httpcore
import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}


class PrivateAddressError(httpcore.ConnectError):
    """An unmapped host resolved to a non-public address."""


@dataclass(frozen=True)
class ConnectTo:
    """One mapping. Empty ``host1``/``port1`` match any; empty ``host2``/``port2`` keep the
    original value (as in curl)."""

    host1: str
    port1: int | None
    host2: str
    port2: int | None

    def matches(self, host: str, port: int) -> bool:
        return (not self.host1 or self.host1 == host.lower()) and (self.port1 in (None, port))

    def target(self, host: str, port: int) -> tuple[str, int]:
        return (self.host2 or host, self.port2 or port)


def parse_connect_to(spec: str) -> ConnectTo:
    """Parse ``HOST1:PORT1:HOST2:PORT2``; IPv6 literals go in brackets (``[::1]``)."""
    fields: list[str] = []
    rest = spec
    for i in range(4):
        if rest.startswith("["):
            end = rest.find("]")
            if end < 0:
                raise ValueError(f"unclosed '[' in --connect-to {spec!r}")
            fields.append(rest[1:end])
            rest = rest[end + 1:]
            if i < 3:
                if not rest.startswith(":"):
                    raise ValueError(f"bad --connect-to {spec!r}")
                rest = rest[1:]
        elif i < 3:
            head, sep, rest = rest.partition(":")
            if not sep:
                raise ValueError(f"--connect-to needs HOST1:PORT1:HOST2:PORT2, got {spec!r}")
            fields.append(head)
        else:
            fields.append(rest)
            rest = ""
    if rest:
        raise ValueError(f"bad --connect-to {spec!r}")
    h1, p1, h2, p2 = fields
    try:
        return ConnectTo(h1.lower(), int(p1) if p1 else None, h2, int(p2) if p2 else None)
    except ValueError as e:
        raise ValueError(f"bad port in --connect-to {spec!r}") from e


def find_rule(rules: typing.Sequence[ConnectTo], host: str, port: int) -> ConnectTo | None:
    """First matching rule wins, as in curl."""
    for rule in rules:
        if rule.matches(host, port):
            return rule
    return None


def is_public_address(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    return addr.is_global and not addr.is_multicast


class _MappedBackend(httpcore.SyncBackend):
    """Chooses the TCP peer: the mapped address, or the public address the host resolves to."""

    def __init__(self, rules: typing.Sequence[ConnectTo]) -> None:
        self.rules = tuple(rules)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        rule = find_rule(self.rules, host, port)
        if rule is not None:
            peer, peer_port = rule.target(host, port)
        else:
            peer, peer_port = _resolve_public(host, port), port
        return super().connect_tcp(peer, peer_port, timeout=timeout, local_address=local_address,
                                   socket_options=socket_options)


def _resolve_public(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise httpcore.ConnectError(f"cannot resolve {host}: {e}") from e
    addresses = [info[4][0] for info in infos]
    public = [a for a in addresses if is_public_address(a)]
    if not public:
        raise PrivateAddressError(f"{host} resolves only to non-public addresses {addresses}")
    return public[0]


class ConnectToTransport(httpx.HTTPTransport):
    """An ``HTTPTransport`` whose connection pool dials through :class:`_MappedBackend`.

    The pool is built here instead of in ``HTTPTransport.__init__`` because httpx offers no
    parameter for httpcore's network backend; everything else (exception mapping, streaming)
    is the parent's.
    """

    def __init__(self, rules: typing.Sequence[ConnectTo] = (), allow_http: bool = False,
                 verify: bool = True, max_connections: int = 20) -> None:
        self.rules = tuple(rules)
        self.allow_http = allow_http
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=_MappedBackend(self.rules),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or DEFAULT_PORTS[url.scheme]
        if url.scheme == "https" and self.allow_http and find_rule(self.rules, url.host, port):
            # Same Host header, same port number for rule matching, but no TLS on the wire.
            plain = httpx.Request(request.method, url.copy_with(scheme="http", port=port),
                                  headers=request.headers, stream=request.stream,
                                  extensions=request.extensions)
            return super().handle_request(plain)
        return super().handle_request(request)
