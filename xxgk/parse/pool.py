"""Parsing documents in worker processes, each document under a time and a memory limit.

Why processes: parsing is pure but runs third-party code (pdfminer, pdfium, lxml, LibreOffice)
on bytes from the open internet. In one process a single document can hang the night (a
reference loop pdfminer follows forever) or take all memory; nothing inside the process can
stop it. Here every document runs in a worker that

* has an address-space limit (``RLIMIT_AS``): an allocation past it fails with
  :class:`MemoryError`, recorded as ``memory``;
* is killed, with its process group (a LibreOffice conversion included), when the document
  passes its wall-time limit: recorded as ``timeout``, and a fresh worker takes its place;
* runs :func:`xxgk.parse.api.parse_bytes`, which never raises for bad input.

So every document ends with a result, the failures recorded like any other outcome
(:data:`xxgk.parse.api.OUTCOMES`), and the rest of the batch goes on. Workers come from a
``forkserver`` that has imported the parser once, so starting (or replacing) one is cheap and
never forks the caller (a Dagster process with threads). The pool uses every core by
default; ``bench/parse_speed.py`` prints its speed-up.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from xxgk.model import ParseResult
from xxgk.parse.api import describe, failed, parse_bytes, parse_path
from xxgk.parse.metadata import Hints


@dataclass(frozen=True)
class ParseLimits:
    """Per-document limits and pool size. Defaults are sized from the corpus: the slowest real
    report takes ~2 s and ~250 MB, so 60 s and 1.5 GB leave a wide margin while still ending a
    runaway document within a minute. ``workers=0`` means one per CPU core."""

    seconds: float = 60.0
    memory_mb: int = 1536
    workers: int = 0

    @property
    def processes(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @classmethod
    def from_env(cls) -> ParseLimits:
        """Limits from ``XXGK_PARSE_SECONDS``, ``XXGK_PARSE_MEMORY_MB`` and ``XXGK_PARSE_WORKERS``
        (unset: the defaults)."""
        env = os.environ
        return cls(seconds=float(env.get("XXGK_PARSE_SECONDS") or cls.seconds),
                   memory_mb=int(env.get("XXGK_PARSE_MEMORY_MB") or cls.memory_mb),
                   workers=int(env.get("XXGK_PARSE_WORKERS") or cls.workers))


@dataclass(frozen=True)
class Job:
    """One document: its bytes are read by the worker from ``path`` (or sent as ``data``)."""

    key: str
    name: str
    source: str
    path: str | None = None
    data: bytes | None = field(default=None, repr=False)
    hints: Hints | None = None


@dataclass
class Done:
    """A finished job: the result, the worker's time on it (wall time for a job it did not
    finish), and the worker's peak memory while on it."""

    job: Job
    result: ParseResult
    seconds: float
    peak_bytes: int = 0


_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["xxgk.parse.pool", "xxgk.extract.html", "xxgk.extract.pdf", "xxgk.extract.docx",
                                 "xxgk.extract.ole"])


class ParsePool:
    """A fixed number of worker processes parsing jobs; use as a context manager."""

    def __init__(self, limits: ParseLimits | None = None) -> None:
        self.limits = limits or ParseLimits()
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self._all:
            w.stop()
        self._all.clear()
        self._idle.clear()

    def run(self, jobs: Iterable[Job]) -> Iterator[Done]:
        """Parse every job; yields each as it finishes (not in input order)."""
        todo = iter(jobs)
        busy: dict[Connection, tuple[_Worker, Job, float, float]] = {}  # conn → worker, job, start, deadline
        exhausted = False
        while True:
            while not exhausted and len(busy) < self.limits.processes:
                job = next(todo, None)
                if job is None:
                    exhausted = True
                    break
                worker = self._hand(job)
                start = time.monotonic()
                busy[worker.conn] = (worker, job, start, start + self.limits.seconds)
            if not busy:
                return
            wait_for = max(0.0, min(d for *_, d in busy.values()) - time.monotonic())
            for conn in wait(list(busy), timeout=wait_for):
                worker, job, start, _ = busy.pop(conn)  # type: ignore[index]
                try:
                    result, seconds, peak = conn.recv()  # type: ignore[union-attr]
                except (EOFError, OSError):
                    yield Done(job, failed(job.source, *self._death(worker)), time.monotonic() - start)
                    self._retire(worker)
                    continue
                if result.outcome == "memory":
                    self._retire(worker)  # a fresh process rather than one that ran out of memory
                else:
                    self._idle.append(worker)
                yield Done(job, result, seconds, peak)
            now = time.monotonic()
            for conn, (worker, job, start, deadline) in list(busy.items()):
                if now >= deadline:
                    del busy[conn]
                    self._retire(worker)
                    message = f"parsing took longer than {self.limits.seconds:g} s; the worker was stopped"
                    yield Done(job, failed(job.source, "timeout", message), now - start)

    def _hand(self, job: Job) -> _Worker:
        """Send a job to an idle (or new) worker. A worker that cannot take it is replaced
        once; if a fresh one cannot either, workers cannot start at all: that is the
        machine's failure, not the document's, and it raises."""
        for attempt in range(2):
            worker = self._idle.pop() if self._idle else self._start()
            try:
                worker.conn.send(job)
                return worker
            except OSError:
                self._retire(worker)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _start(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        proc = _CONTEXT.Process(target=_serve, args=(child, self.limits.memory_mb * 2**20), daemon=True,
                                name="xxgk-parse-worker")
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        self._all.remove(worker)

    def _death(self, worker: _Worker) -> tuple[str, str]:
        """Outcome and message for a worker that died on a job. SIGKILL that we did not send is
        the kernel's out-of-memory killer; anything else is a crash inside a C library."""
        worker.proc.join(5)
        code = worker.proc.exitcode
        if code == -signal.SIGKILL:
            return "memory", "the worker was killed (out of memory)"
        if code is not None and code < 0:
            return "parse_failed", f"the worker died with {signal.Signals(-code).name}"
        return "parse_failed", f"the worker exited with status {code}"


@dataclass
class _Worker:
    proc: multiprocessing.process.BaseProcess
    conn: Connection

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the worker's process group (itself and any LibreOffice it started)."""
        if self.proc.is_alive() and self.proc.pid:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        self.proc.join(5)
        self.conn.close()


# --- the worker side ---------------------------------------------------------------------


def _serve(conn: Connection, memory_bytes: int) -> None:
    """Worker main loop: own process group, memory limit, then jobs until told to stop."""
    os.setpgid(0, 0)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        done = _work(job)
        try:
            conn.send(done)
        except MemoryError:
            conn.send((failed(job.source, "memory", "out of memory sending the result"), *done[1:]))


def _work(job: Job) -> tuple[ParseResult, float, int]:
    """Parse one job: the result, seconds spent, peak memory."""
    _reset_peak()
    started = time.perf_counter()
    try:
        if job.data is not None:
            result = parse_bytes(job.data, job.name, job.source, job.hints)
        else:
            result = parse_path(Path(job.path or ""), job.name, job.source, job.hints)
    except MemoryError:  # parse_bytes records its own; this is one outside it
        result = failed(job.source, "memory", "out of memory while parsing")
    except Exception as e:  # never lose the worker over one document
        result = failed(job.source, "parse_failed", describe(e))
    return result, time.perf_counter() - started, _peak()


def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark of this process (Linux ``clear_refs``), so the peak
    reported for a job is that job's."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak() -> int:
    """Peak resident memory of this process since :func:`_reset_peak`, in bytes."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
