"""Access log of every request the simulator answered.

Tests judge the crawler's politeness from it: monotonic start/end times give per-host
concurrency and gaps, statuses give backoff after 429/503, and hosts show that nothing was
asked of a challenged, robots-denied or spam host.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AccessRecord:
    start: float  # time.monotonic() when the request line and headers were read
    end: float  # time.monotonic() after the last byte was written (or the connection dropped)
    host: str  # Host header, lower-case, port stripped ("" if absent)
    method: str
    target: str  # path + query as sent
    headers: dict[str, str]  # request headers, names lower-cased
    status: int  # status sent (0 when the connection was reset without an answer)
    bytes_sent: int  # body bytes actually written
    conn_id: int  # one id per TCP connection (keep-alive requests share it)
    day: int  # simulated day the request was answered on
    faults: tuple[str, ...] = field(default=())  # F-ids that shaped the response

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


class AccessLog:
    """Thread-safe append-only list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[AccessRecord] = []

    def add(self, rec: AccessRecord) -> None:
        with self._lock:
            self._records.append(rec)

    def snapshot(self) -> list[AccessRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
