"""Glued-digit solver time against digit-run length (issue 8: it used to be exponential).

For each length, three kinds of run, each solved as a table-3 row (R02) and as the table-4
row (R06–R08):

* ``consistent``: a row that obeys its totals, counts as wide as the length needs;
* ``random``: uniform random digits (almost surely no split satisfies the totals);
* ``nines``: ``9`` repeated (every split looks alike; ruled out by the last digits).

It prints the best-of-3 time per solve and the outcome (``unique``, ``no_solution``, or
``too_many_candidates`` when the bounded search gave up), never asserts.

    .venv/bin/python bench/glued_solver.py [lengths...]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.parse.glued import MAX_STEPS, solve_table3_row, solve_table4_row  # noqa: E402

LENGTHS = (20, 40, 60, 100, 150, 200, 300, 1000)


def consistent(n: int, groups: tuple[int, ...], rnd: random.Random) -> str:
    width = max(1, n // sum(g + 1 for g in groups))
    cells: list[int] = []
    for k in groups:
        parts = [rnd.randint(10 ** (width - 1), 10**width - 1) for _ in range(k)]
        cells += [*parts, sum(parts)]
    return "".join(map(str, cells))


def best_of(fn, digits: str, repeats: int = 3) -> tuple[float, str]:  # noqa: ANN001
    best, reason = float("inf"), ""
    for _ in range(repeats):
        t = time.perf_counter()
        reason = fn(digits).reason
        best = min(best, time.perf_counter() - t)
    return best, reason


def main(lengths: tuple[int, ...]) -> None:
    print(f"glued-digit solver, best of 3; search bound {MAX_STEPS} steps per row")
    print(f"{'digits':>6}  {'run':<10}  {'table-3 row':>26}  {'table-4 row':>26}")
    for n in lengths:
        rnd = random.Random(n)
        runs = {
            "consistent": (consistent(n, (6,), rnd), consistent(n, (4, 4, 4), rnd)),
            "random": ("".join(rnd.choice("0123456789") for _ in range(n)),) * 2,
            "nines": ("9" * n,) * 2,
        }
        for kind, (d3, d4) in runs.items():
            t3, r3 = best_of(solve_table3_row, d3)
            t4, r4 = best_of(solve_table4_row, d4)
            print(f"{n:>6}  {kind:<10}  {t3 * 1000:>8.1f} ms {r3:<16}  {t4 * 1000:>8.1f} ms {r4:<16}", flush=True)


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or LENGTHS)
