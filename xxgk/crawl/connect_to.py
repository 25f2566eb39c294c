"""curl-style ``--connect-to HOST1:PORT1:HOST2:PORT2`` for httpx.

The request keeps its real URL and ``Host`` header (so every URL rule of a portal family is
exercised and cookies, robots.txt and the raw-store locators carry the real host); only the
TCP connection goes elsewhere. That is what lets tests and users crawl a local mirror of a
portal. With ``allow_http`` an ``https://`` URL whose host is mapped is sent as plain HTTP
(no TLS, so no SNI) to the mapped address: the bundled mirror speaks only plain HTTP.

Unmapped hosts are resolved here and refused when any address they resolve to is private,
loopback, link-local or otherwise not global, so a hostile DNS answer or redirect cannot
point the crawler into the local network; an explicit mapping is the only way there. The
check is made on the parsed address, after unwrapping the IPv6 forms that carry an IPv4
address (see :func:`is_public_address`), on every connection, so on every redirect hop too.
Every socket operation is bounded by the current deadline (:mod:`xxgk.crawl.deadline`).
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from dataclasses import dataclass

import httpcore
import httpx

from xxgk.crawl.deadline import DeadlineExceeded, DeadlineStream, bounded

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


#: Not global although Python < 3.12.4 says so: RFC 8215's local-use NAT64 prefix.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped (``::ffff:a.b.c.d``), the
    deprecated IPv4-compatible form (``::a.b.c.d``), NAT64 (``64:ff9b::/96`` and the local-use
    ``64:ff9b:1::/48``, RFC 6052's /96 layout), 6to4 (``2002::/16``) and Teredo (``2001::/32``:
    the server, and the client stored XOR ``0xffffffff``)."""
    if addr.version == 4:
        return []
    found: list[ipaddress.IPv4Address] = []
    low32 = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if addr.ipv4_mapped is not None:
        found.append(addr.ipv4_mapped)
    elif int(addr) >> 32 == 0 and int(addr) > 1:  # ::a.b.c.d (but not :: or ::1)
        found.append(low32)
    if addr in _NAT64 or addr in _LOCAL_NAT64:
        found.append(low32)
    if addr.sixtofour is not None:
        found.append(addr.sixtofour)
    if addr.teredo is not None:
        found.extend(addr.teredo)
    return found


def is_public_address(ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for a global unicast address whose embedded IPv4 addresses are global too."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address) and addr.scope_id:
        return False  # fe80::1%eth0: a zone only exists on a local link
    if not addr.is_global or addr.is_multicast or addr in _LOCAL_NAT64:
        return False
    return all(v4.is_global and not v4.is_multicast for v4 in embedded_ipv4(addr))


def check_public(host: str, addresses: typing.Sequence[str]) -> None:
    """Refuse ``host`` unless every address it resolved to is public: a DNS answer mixing a
    public and a private address is hostile or broken either way."""
    private = [a for a in addresses if not is_public_address(a)]
    if private or not addresses:
        raise PrivateAddressError(f"{host} resolves to non-public addresses {private} (of {list(addresses)})")


class _MappedBackend(httpcore.SyncBackend):
    """Chooses the TCP peer: the mapped address, or the public addresses the host resolves
    to (tried in order, as ``socket.create_connection`` does)."""

    def __init__(self, rules: typing.Sequence[ConnectTo]) -> None:
        self.rules = tuple(rules)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        rule = find_rule(self.rules, host, port)
        if rule is not None:
            peer, peer_port = rule.target(host, port)
            peers = [(peer, peer_port)]
        else:
            peers = [(a, port) for a in _resolve_public(host, port)]
        error: Exception | None = None
        for peer, peer_port in peers:
            limit, binding = bounded(timeout)
            try:
                stream = super().connect_tcp(peer, peer_port, timeout=limit, local_address=local_address,
                                             socket_options=socket_options)
            except httpcore.ConnectTimeout as e:
                if binding is not None:
                    raise DeadlineExceeded(binding) from e
                error = e
            except httpcore.ConnectError as e:
                error = e
            else:
                return DeadlineStream(stream)
        assert error is not None
        raise error


def _resolve_public(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise httpcore.ConnectError(f"cannot resolve {host}: {e}") from e
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    check_public(host, addresses)
    return addresses


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
