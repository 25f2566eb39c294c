"""Deadlines a slow server cannot stretch.

httpx's timeouts bound each socket operation, not a phase: a server that sends one header
byte every 10 s never trips a 30 s read timeout and was still being read after 560 s. Here
every socket operation of a connection (connect, TLS handshake, each read and write) gets
``min(its own timeout, time left until the current deadline)``, and one past the deadline
raises :class:`DeadlineExceeded` at once. The deadline is set by the caller around each
phase of a request (:func:`until`) in a context variable, so it follows the thread that
makes the request, pooled keep-alive connections included.
"""

from __future__ import annotations

import contextvars
import ssl
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` time and what passing it means."""

    at: float
    outcome: str  # the fetch outcome when it passes (``transient_failed``, ``deferred``)
    reason: str   # for the fetch log: "no complete response headers within 30 s"


class DeadlineExceeded(httpcore.ReadTimeout):
    """The current :class:`Deadline` passed during a socket operation. A subclass of
    ``ReadTimeout`` so httpx maps it like any timeout (and keeps it as ``__cause__``)."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(deadline.reason)
        self.deadline = deadline


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("xxgk_crawl_deadline", default=None)


@contextmanager
def until(deadline: Deadline) -> Iterator[None]:
    """Bound every socket operation of this thread by ``deadline`` inside the block."""
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


def earliest(*deadlines: Deadline | None) -> Deadline:
    return min((d for d in deadlines if d is not None), key=lambda d: d.at)


def bounded(timeout: float | None) -> tuple[float | None, Deadline | None]:
    """The timeout to use now, and the deadline if it is what binds."""
    deadline = _current.get()
    if deadline is None:
        return timeout, None
    left = deadline.at - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded(deadline)
    if timeout is None or left < timeout:
        return left, deadline
    return timeout, None


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation respects the current deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout, binding = bounded(timeout)
        try:
            return self._inner.read(max_bytes, timeout)
        except httpcore.ReadTimeout as e:
            if binding is not None:
                raise DeadlineExceeded(binding) from e
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout, binding = bounded(timeout)
        try:
            self._inner.write(buffer, timeout)
        except httpcore.WriteTimeout as e:
            if binding is not None:
                raise DeadlineExceeded(binding) from e
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        # CPython bounds the whole handshake by the socket timeout (not each read of it).
        timeout, binding = bounded(timeout)
        try:
            return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))
        except httpcore.ConnectTimeout as e:
            if binding is not None:
                raise DeadlineExceeded(binding) from e
            raise

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)

