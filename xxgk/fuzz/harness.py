"""Fuzzing extract → parse through the parse pool, and what came out of it.

A case is a pure function of ``(seed, index)``: a mutated corpus document (most cases) or a
bomb with random parameters. Cases run through :class:`xxgk.parse.pool.ParsePool` and are
turned into the record the parse stage would store, exactly as in the nightly job, so a case
that hangs is stopped by the pool's time limit and counted as ``timeout`` rather than hanging
the fuzzer. The targets are zero ``parse_failed`` (an
exception escaped the parser: a traceback), zero ``timeout`` and zero ``memory``.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from xxgk.fuzz import bombs
from xxgk.fuzz.mutate import corpus_documents, mutate
from xxgk.parse.batch import record_json
from xxgk.parse.pool import Job, ParseLimits, ParsePool

#: Outcomes that mean the parser failed the case.
BAD = ("parse_failed", "timeout", "memory")
BOMB_SHARE = 0.1  # of cases


@dataclass(frozen=True)
class Case:
    index: int
    label: str  # what the case is: "mutate docx_part template_2021.docx", "bomb pdf_many_pages(pages=800)"
    name: str
    data: bytes


@cache
def _bomb(kind: str, arg: int | None) -> tuple[str, bytes]:
    """Bombs are costly to build (a 100 MB zip bomb): each parameter set is built once."""
    gen = bombs.BOMBS[kind]
    return gen() if arg is None else gen(arg)  # type: ignore[call-arg]


_BOMB_ARGS: dict[str, list[int | None]] = {
    "html_span_bomb": [None, 5, 200],
    "html_deep_nesting": [None, 300, 5000],
    "docx_zip_bomb": [None, 40],
    "docx_grid_span": [None, 63, 65, 2**31],
    "pdf_many_pages": [None, 120, 501],
    "text_glued_run": [None, 20, 100, 400, 1200],
    "text_huge_number": [None, 19, 120, 5000],
    "text_huge": [None, 5],
}


def case(seed: int, index: int) -> Case:
    """Case ``index`` of the run seeded ``seed`` (the same on every machine)."""
    rnd = random.Random(f"{seed}:{index}")
    if rnd.random() < BOMB_SHARE:
        kind = rnd.choice(sorted(bombs.BOMBS))
        arg = rnd.choice(_BOMB_ARGS.get(kind, [None]))
        name, data = _bomb(kind, arg)
        return Case(index, f"bomb {kind}" + ("" if arg is None else f"({arg})"), name, data)
    name, data = rnd.choice(corpus_documents())
    mutated, how = mutate(name, data, rnd)
    return Case(index, f"mutate {how} {name}", name, mutated)


@dataclass
class Tally:
    """Counts per outcome, the slowest cases, peak memory, and every bad case."""

    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (seconds, "#index label")
    peak: tuple[int, str] = (0, "")
    bad: list[tuple[str, str, str]] = field(default_factory=list)  # (outcome, "#index label", message)
    seconds: float = 0.0

    def add(self, c: Case, outcome: str, seconds: float, peak: int, message: str) -> None:
        self.cases += 1
        self.outcomes[outcome] += 1
        self.seconds += seconds
        self.slowest = sorted([*self.slowest, (seconds, f"#{c.index} {c.label}")], reverse=True)[:10]
        if peak > self.peak[0]:
            self.peak = (peak, f"#{c.index} {c.label}")
        if outcome in BAD:
            self.bad.append((outcome, f"#{c.index} {c.label}", message))

    def report(self) -> str:
        lines = [f"{self.cases} cases, {self.seconds:.0f} s of parsing"]
        lines += [f"  {k:<14} {n:>6}" for k, n in sorted(self.outcomes.items(), key=lambda kv: -kv[1])]
        lines.append(f"  tracebacks {self.outcomes['parse_failed']}, hangs {self.outcomes['timeout']}, "
                     f"out of memory {self.outcomes['memory']}")
        lines.append(f"peak worker memory (RSS, the worker's own baseline included) during one case: "
                     f"{self.peak[0] / 2**20:.0f} MB ({self.peak[1]})")
        lines.append("slowest cases:")
        lines += [f"  {s:6.2f} s  {label}" for s, label in self.slowest]
        for outcome, label, message in self.bad:
            lines.append(f"BAD {outcome}: {label}: {message}")
        return "\n".join(lines)


def cases(seed: int, count: int, start: int = 0) -> Iterator[Case]:
    for i in range(start, start + count):
        yield case(seed, i)


def run(seed: int, count: int, limits: ParseLimits | None = None, start: int = 0) -> Tally:
    """Run ``count`` cases of the seeded run through a parse pool; the tally of what came out."""
    tally = Tally()
    by_key: dict[str, Case] = {}

    def jobs() -> Iterator[Job]:
        for c in cases(seed, count, start):
            key = str(c.index)
            by_key[key] = c
            yield Job(key, c.name, f"fuzz:{c.index}", data=c.data)

    with ParsePool(limits) as pool:
        for done in pool.run(jobs()):
            c = by_key.pop(done.job.key)
            record = json.loads(record_json(done.job.key, done.result))  # what the parse stage would store
            message = next((i["message"] for i in record["issues"] if i["severity"] == "error"), "")
            tally.add(c, record["outcome"], done.seconds, done.peak_bytes, message)
    return tally
